import { readAhead, type ReadRequest } from './read-ahead';
import { READ_AHEAD, ringReader } from './unit-map';
import type { UnitData } from './read-units';
import type { DiskExtent, VirtualDisk } from './virtual-disk';
import { isAllZero } from './zero';

/**
 * The units of a disk that hold any non-zero byte, in order, found and read in one pass: only `data` extents are
 * read (in runs of up to `maxRead` bytes, read ahead), each unit is tested for zeros, and the others are yielded
 * with their bytes. What a single-pass writer consumes instead of a unit map plus a second read. Progress is the
 * position reached in the virtual disk (holes are passed over, not read).
 */
export async function* nonZeroUnits(
  disk: VirtualDisk,
  unitSize: number,
  {
    signal,
    maxRead = 4 * 1024 * 1024,
    onProgress,
    transient = false,
  }: {
    signal?: AbortSignal;
    maxRead?: number;
    onProgress?: (position: number) => void;
    /**
     * The consumer is done with each unit's bytes before it asks for the next one (it copies what it keeps), so
     * units read into reused buffers are handed out as they are, not copied.
     */
    transient?: boolean;
  } = {},
): AsyncGenerator<UnitData> {
  const chunk = Math.max(unitSize, Math.floor(maxRead / unitSize) * unitSize);
  let pending: { index: number; data: Uint8Array } | null = null;
  // A raw image is read into a few reused buffers (mostly zeros: nothing to keep); a unit handed out is copied.
  // Formats that store only data would pay that copy for most units (measured slower), so they read fresh buffers.
  const ring = disk.format === 'raw' ? ringReader(disk, chunk) : null;
  const read = ring ?? ((r: ReadRequest) => disk.read(r.offset, r.length));
  for await (const { request, bytes } of readAhead(unitRuns(disk.allocation(), chunk), read, { signal, depth: READ_AHEAD })) {
    onProgress?.(request.offset + bytes.length);
    for (let at = 0; at < bytes.length; ) {
      const offset = request.offset + at;
      const index = Math.floor(offset / unitSize);
      const inUnit = offset - index * unitSize;
      const take = Math.min(bytes.length - at, unitSize - inUnit);
      const piece = bytes.subarray(at, at + take);
      at += take;
      // A unit split across two extents (data, then zero) is assembled before it is judged.
      if (pending && pending.index !== index) {
        if (!isAllZero(pending.data)) yield { index: pending.index, data: pending.data };
        pending = null;
      }
      if (inUnit === 0 && take === unitSize) {
        if (!isAllZero(piece)) yield { index, data: ring && !transient ? piece.slice() : piece };
        continue;
      }
      pending ??= { index, data: new Uint8Array(unitSize) };
      pending.data.set(piece, inUnit);
    }
  }
  if (pending && !isAllZero(pending.data)) yield { index: pending.index, data: pending.data };
  onProgress?.(disk.virtualSize);
}

/** Data extents cut into reads that start and end on unit boundaries where the extent allows. */
async function* unitRuns(extents: AsyncIterable<DiskExtent>, chunk: number): AsyncGenerator<ReadRequest> {
  for await (const extent of extents) {
    if (extent.kind !== 'data') continue;
    const end = extent.offset + extent.length;
    for (let offset = extent.offset; offset < end; ) {
      const stop = Math.min(end, (Math.floor(offset / chunk) + 1) * chunk);
      yield { offset, length: stop - offset };
      offset = stop;
    }
  }
}

