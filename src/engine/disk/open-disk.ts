import { VmferryError } from '../errors';
import type { ByteSource } from '../io/byte-source';
import { detectDisk, probeInputOf, type DiskFormat } from './detect';
import { DISK_READERS } from './readers';
import type { VirtualDisk } from './virtual-disk';

/**
 * What a reader may need besides the file itself: other files next to it (VMDK extents, the parent of a
 * differencing VHD or a qcow2 backing file), found in the same folder or selection.
 */
export interface DiskOpenContext {
  find(relativePath: string, relativeTo?: string): Promise<ByteSource | null>;
  signal?: AbortSignal;
  /** How deep a chain may go before we call it a loop (a snapshot that names itself as its parent). */
  depth?: number;
}

export type DiskReader = (source: ByteSource, context: DiskOpenContext) => Promise<VirtualDisk>;

/** A chain longer than this is a loop or an attack, not a real snapshot tree (VMware caps at 32 snapshots). */
export const MAX_CHAIN_DEPTH = 64;

/** Opens a disk image of any supported format, recognised by content. */
export async function openVirtualDisk(source: ByteSource, context: DiskOpenContext): Promise<VirtualDisk> {
  if ((context.depth ?? 0) > MAX_CHAIN_DEPTH) {
    throw new VmferryError('corrupt', `The chain of parent disks is more than ${MAX_CHAIN_DEPTH} deep; a parent probably refers back to a child`, {
      file: source.name,
    });
  }
  const detected = await detectDisk(probeInputOf(source));
  if (!detected) {
    throw new VmferryError('unknown-format', 'Not a disk image format VM Ferry recognises', { file: source.name });
  }
  return openAs(detected.format, source, context);
}

export function openAs(format: DiskFormat, source: ByteSource, context: DiskOpenContext): Promise<VirtualDisk> {
  const reader = DISK_READERS[format];
  if (!reader) throw new VmferryError('unsupported', `Reading ${format} disks is not supported yet`, { file: source.name });
  return reader(source, context);
}

/** The context for opening the parent of `child`: one level deeper, same folder lookup. */
export function parentContext(context: DiskOpenContext): DiskOpenContext {
  return { ...context, depth: (context.depth ?? 0) + 1 };
}
