import { readAhead, readDataOnly, type ReadRequest } from './read-ahead';
import type { DiskExtent, VirtualDisk } from './virtual-disk';
import { isAllZero } from './zero';

/**
 * Which output units (a VHD block, a qcow2 cluster, a VMDK grain) hold any non-zero byte. Writers that must lay
 * out tables before the data (VHD BAT, qcow2 L1/L2, VDI block map, sparse VMDK grain tables) plan from it, so
 * their output size is known before a byte is written. One bit per unit: 2 TiB in 64 KiB units is 4 MiB.
 */
export class UnitMap {
  readonly count: number;
  private readonly bits: Uint8Array;
  private present = 0;

  constructor(
    readonly unitSize: number,
    readonly virtualSize: number,
  ) {
    this.count = Math.ceil(virtualSize / unitSize);
    this.bits = new Uint8Array(Math.ceil(this.count / 8));
  }

  has(index: number): boolean {
    return (this.bits[index >>> 3]! & (1 << (index & 7))) !== 0;
  }

  set(index: number): void {
    if (this.has(index)) return;
    this.bits[index >>> 3]! |= 1 << (index & 7);
    this.present++;
  }

  /** How many units hold data. */
  get dataUnits(): number {
    return this.present;
  }

  /** The units holding data, in order. */
  *indexes(): Generator<number> {
    for (let byte = 0; byte < this.bits.length; byte++) {
      const bits = this.bits[byte]!;
      if (bits === 0) continue;
      for (let bit = 0; bit < 8; bit++) if (bits & (1 << bit)) yield byte * 8 + bit;
    }
  }

  /** Bytes of the virtual disk covered by unit `index` (the last unit may be short). */
  unitLength(index: number): number {
    return Math.min(this.unitSize, this.virtualSize - index * this.unitSize);
  }
}

export interface ScanOptions {
  signal?: AbortSignal;
  /** Source bytes examined so far (only data extents are read). */
  onProgress?: (bytesRead: number) => void;
  /** Bytes read per request; rounded to whole units. */
  chunkSize?: number;
}

/** Bytes of `data` extents: the work a scan (and a copy) has to read. */
export async function dataBytesOf(disk: VirtualDisk): Promise<number> {
  let total = 0;
  for await (const extent of disk.allocation()) if (extent.kind === 'data') total += extent.length;
  return total;
}

/**
 * Builds the unit map by reading only the `data` extents and testing each 4 KiB for zeros: unallocated and
 * zero extents cost nothing, and data that happens to be all zeros is left out of sparse outputs, as qemu-img
 * does with its default `-S 4k`.
 */
export async function scanUnits(disk: VirtualDisk, unitSize: number, options: ScanOptions = {}): Promise<UnitMap> {
  const map = new UnitMap(unitSize, disk.virtualSize);
  const chunk = Math.max(unitSize, Math.floor((options.chunkSize ?? 4 * 1024 * 1024) / unitSize) * unitSize);
  let read = 0;
  const requests = chunkRequests(disk.allocation(), chunk);
  for await (const { request, bytes } of readAhead(requests, ringReader(disk, chunk) ?? readDataOnly(disk), { signal: options.signal, depth: READ_AHEAD })) {
    markNonZero(map, request.offset, bytes);
    read += bytes.length;
    options.onProgress?.(read);
  }
  return map;
}

export const READ_AHEAD = 2;

/**
 * Where the disk can read into a caller's buffer (raw, qcow2), a reader that cycles through a few buffers: one
 * being looked at, the rest being read ahead (READ_AHEAD deep). Scanning a mostly empty raw image then costs no
 * allocation, page faults or garbage collection per chunk. A buffer is reused once the consumer has moved two
 * reads on: what must outlive that is copied.
 */
export function ringReader(disk: VirtualDisk, chunk: number): ((request: ReadRequest) => Promise<Uint8Array>) | null {
  const readInto = disk.readInto?.bind(disk);
  if (!readInto) return null;
  const ring = Array.from({ length: READ_AHEAD + 2 }, () => new Uint8Array(chunk));
  let next = 0;
  return async ({ offset, length }) => {
    const buffer = ring[next++ % ring.length]!.subarray(0, length);
    return buffer.subarray(0, await readInto(offset, buffer));
  };
}

/** Data extents cut at chunk boundaries (multiples of the unit), so each unit is tested from one buffer. */
async function* chunkRequests(extents: AsyncIterable<DiskExtent>, chunk: number): AsyncGenerator<ReadRequest> {
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

/** A unit is stored whole, so one zero test per unit (at most the unit, at least 4 KiB) decides it. */
function markNonZero(map: UnitMap, offset: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) {
    const unit = Math.floor((offset + at) / map.unitSize);
    const unitEnd = Math.min(bytes.length, (unit + 1) * map.unitSize - offset);
    if (!map.has(unit) && !isAllZero(bytes.subarray(at, unitEnd))) map.set(unit);
    at = unitEnd;
  }
}
