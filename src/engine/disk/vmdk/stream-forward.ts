import { VmferryError, throwIfAborted } from '../../errors';
import { ChunkReader } from './chunk-reader';
import { GRAIN_MARKER_SIZE, MARKER_EOS, MARKER_FOOTER, MARKER_GRAIN_DIRECTORY, MARKER_GRAIN_TABLE, parseMarker } from './markers';
import { hasMarkers, isCompressed, parseSparseHeader, SECTOR, type SparseHeader } from './sparse-header';
import { inflateZlib, ZlibError } from './zlib';

/** One grain as the stream carries it: where it goes (sector of the virtual disk) and its inflated bytes. */
export interface StreamGrain {
  /** The grain's first sector in the virtual disk (the marker's LBA). */
  lba: number;
  /** The grain's data; the disk's last grain is cut at the capacity. */
  data: Uint8Array;
}

export interface ForwardStream {
  header: SparseHeader;
  /** Bytes of virtual disk. */
  virtualSize: number;
  /** The grains in file order (usually ascending LBA; VirtualBox may differ). Consume once. */
  grains: AsyncGenerator<StreamGrain>;
}

/** Grains inflating at once while the stream is parsed further. */
const IN_FLIGHT = 8;

/**
 * Reads a streamOptimized VMDK front to back, without the footer and without seeking (notes b4): each grain
 * marker carries its LBA, so the grain tables, directory and footer are skipped. This is how a `.vmdk.gz`
 * inside an OVA is read without inflating it twice. Unallocated grains simply never appear.
 */
export async function openStreamOptimizedForward(
  chunks: AsyncIterable<Uint8Array>,
  name: string,
  { signal }: { signal?: AbortSignal } = {},
): Promise<ForwardStream> {
  const reader = new ChunkReader(chunks, name);
  const header = parseSparseHeader(await reader.readExact(SECTOR, 'sparse extent header'), name);
  if (!isCompressed(header) || !hasMarkers(header)) {
    await reader.close();
    throw new VmferryError('unsupported', 'Reading this VMDK front to back needs compressed grains with markers (streamOptimized)', { file: name });
  }
  // Grains start at overHead; before it lie the descriptor and, in files made by qemu, the tables (notes c17).
  const firstGrain = Math.max(header.overHead, header.descriptorOffset + header.descriptorSize, 1) * SECTOR;
  await reader.skip(firstGrain - reader.position);
  return { header, virtualSize: header.capacity * SECTOR, grains: grainsOf(reader, header, name, signal) };
}

async function* grainsOf(reader: ChunkReader, header: SparseHeader, name: string, signal: AbortSignal | undefined): AsyncGenerator<StreamGrain> {
  const grainBytes = header.grainSize * SECTOR;
  const capacityBytes = header.capacity * SECTOR;
  const pending: Promise<StreamGrain>[] = [];
  try {
    for (;;) {
      throwIfAborted(signal);
      const at = reader.position;
      const head = await reader.read(GRAIN_MARKER_SIZE);
      if (head.length < GRAIN_MARKER_SIZE) break; // the stream ends without an end-of-stream marker (qemu's files)
      const marker = parseMarker(head);
      if (marker.kind === 'grain') {
        const start = marker.lba * SECTOR;
        if (marker.lba % header.grainSize !== 0 || start >= capacityBytes || marker.size > 2 * grainBytes + SECTOR) {
          throw new VmferryError('corrupt', `Grain marker with LBA ${marker.lba} and size ${marker.size} does not fit this disk`, { file: name, offset: at });
        }
        const compressed = (await reader.readExact(marker.size, `grain at LBA ${marker.lba}`)).slice();
        await reader.skip(padding(GRAIN_MARKER_SIZE + marker.size));
        const grain = inflateGrain(compressed, marker.lba, Math.min(grainBytes, capacityBytes - start), grainBytes, name, at);
        grain.catch(() => undefined); // awaited in order below
        pending.push(grain);
        if (pending.length >= IN_FLIGHT) yield await pending.shift()!;
        continue;
      }
      const type = new DataView((await reader.readExact(4, 'marker')).slice().buffer).getUint32(0, true);
      await reader.skip(SECTOR - 16);
      if (type === MARKER_EOS) break;
      if (type !== MARKER_GRAIN_TABLE && type !== MARKER_GRAIN_DIRECTORY && type !== MARKER_FOOTER) {
        throw new VmferryError('corrupt', `Unknown streamOptimized marker type ${type}`, { file: name, offset: at });
      }
      await reader.skip(marker.sectors * SECTOR);
    }
    while (pending.length > 0) yield await pending.shift()!;
  } finally {
    await reader.close();
  }
}

async function inflateGrain(compressed: Uint8Array, lba: number, needed: number, grainBytes: number, name: string, at: number): Promise<StreamGrain> {
  let data: Uint8Array;
  try {
    data = await inflateZlib(compressed, grainBytes);
  } catch (error) {
    if (!(error instanceof ZlibError)) throw error;
    throw new VmferryError('corrupt', `Grain at LBA ${lba} is not valid zlib data (${error.message})`, { file: name, offset: at });
  }
  if (data.length < needed) {
    throw new VmferryError('corrupt', `Grain at LBA ${lba} inflates to ${data.length} bytes, less than the ${needed} it must hold`, { file: name, offset: at });
  }
  return { lba, data: data.subarray(0, needed) };
}

function padding(bytes: number): number {
  return (SECTOR - (bytes % SECTOR)) % SECTOR;
}
