import { TarWriter } from '../archive/tar-writer';
import { grainsWithData } from '../disk/vmdk/data-grains';
import type { VirtualDisk } from '../disk/virtual-disk';
import { VmferryError, throwIfAborted } from '../errors';
import type { ByteSink } from '../io/byte-sink';
import { XVA_CHUNK_SIZE, type ChecksumKind } from './chunk-table';
import { buildOvaXml, type XvaVmSpec } from './ova-xml-write';
import { chunkChecksum } from './verify-chunks';

export interface XvaWriteOptions {
  signal?: AbortSignal;
  /** Virtual-disk bytes walked so far over all disks, out of their total. */
  onProgress?: (done: number, total: number, disk: string) => void;
  /**
   * `sha1` (`.checksum`, the default): every XenServer since 4.x and every XCP-ng imports it (xapi checks both
   * kinds, stream_vdi.ml). `xxhash` (`.xxhash`) is what XenServer 8.1+ writes, refused by older hosts.
   */
  checksum?: ChecksumKind;
  uuid?: () => string;
  /** Export date in the version header (YYYY-MM-DD); today when absent. */
  date?: string;
}

/** XenServer's chunk names: 8 digits (more past 99,999,999 chunks, as its printf does). */
export function chunkName(ref: string, index: number): string {
  return `${ref}/${String(index).padStart(8, '0')}`;
}

/**
 * Writes an XVA in one forward pass: `ova.xml` first, then each disk's 1 MiB chunks in order, each followed by
 * its checksum member. All-zero chunks are left out (the importer writes zeros for the gap, or leaves the new
 * VDI sparse), except the first and the last: the importer stops only when the last byte has arrived, so the
 * last chunk must be there (xapi stream_vdi.ml: "First and last chunks are always written"). Every member's size
 * is known before its data, so nothing is buffered beyond one chunk. Closes the sink; aborts it on failure.
 */
export async function writeXva(sink: ByteSink, vm: XvaVmSpec, disks: readonly VirtualDisk[], options: XvaWriteOptions = {}): Promise<void> {
  if (disks.length !== vm.disks.length) throw new VmferryError('usage', `${vm.disks.length} disks described but ${disks.length} given`, { file: sink.name });
  const tar = new TarWriter(sink);
  try {
    const { xml, diskRefs } = buildOvaXml(vm, { uuid: options.uuid ?? (() => crypto.randomUUID()), date: options.date ?? new Date().toISOString().slice(0, 10) });
    const xmlBytes = new TextEncoder().encode(xml);
    await tar.addFile('ova.xml', xmlBytes.length, [xmlBytes]);
    const total = disks.reduce((sum, disk) => sum + disk.virtualSize, 0);
    let before = 0;
    for (const [i, disk] of disks.entries()) {
      const ref = diskRefs[i]!;
      await writeDiskChunks(tar, ref, disk, options, (done) => options.onProgress?.(before + done, total, disk.name));
      before += disk.virtualSize;
    }
    await tar.finish();
  } catch (error) {
    await tar.abort(error).catch(() => undefined);
    throw error;
  }
}

async function writeDiskChunks(tar: TarWriter, ref: string, disk: VirtualDisk, options: XvaWriteOptions, onProgress: (done: number) => void): Promise<void> {
  const kind = options.checksum ?? 'sha1';
  const count = Math.ceil(disk.virtualSize / XVA_CHUNK_SIZE);
  if (count === 0) return;
  const lengthOf = (index: number) => Math.min(XVA_CHUNK_SIZE, disk.virtualSize - index * XVA_CHUNK_SIZE);
  const put = async (index: number, data: Uint8Array) => {
    const name = chunkName(ref, index);
    await tar.addFile(name, data.length, [data]);
    const sum = new TextEncoder().encode(chunkChecksum(kind, data));
    await tar.addFile(`${name}${kind === 'xxhash' ? '.xxhash' : '.checksum'}`, sum.length, [sum]);
  };
  let next = 0; // the first chunk index not yet written or skipped
  for await (const chunk of grainsWithData(disk, XVA_CHUNK_SIZE, { signal: options.signal, onProgress })) {
    throwIfAborted(options.signal);
    if (chunk.index > 0 && next === 0) await put(0, new Uint8Array(lengthOf(0)));
    // grainsWithData pads the disk's last chunk to a whole unit; the chunk is only as long as the disk.
    await put(chunk.index, chunk.data.subarray(0, lengthOf(chunk.index)));
    next = chunk.index + 1;
  }
  if (next === 0) {
    await put(0, new Uint8Array(lengthOf(0)));
    next = 1;
  }
  if (next < count) await put(count - 1, new Uint8Array(lengthOf(count - 1)));
}
