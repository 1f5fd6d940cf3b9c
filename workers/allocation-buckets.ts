import type { AllocationMap } from '../src/engine/appliance/engine-api';
import { VmferryError, throwIfAborted } from '../src/engine/errors';
import type { DiskExtent, ExtentKind } from '../src/engine/disk/virtual-disk';

export const MAX_BUCKETS = 4096;

/**
 * Summarises a disk's allocation (VirtualDisk.allocation(): extents streamed in order) into `buckets` equal
 * slices of the virtual size, each with the fractions that hold data, recorded zeros, or nothing: enough for a
 * picture of where the data is, in memory bounded by the bucket count however many extents the disk has.
 */
export async function summariseAllocation(
  name: string,
  virtualSize: number,
  extents: AsyncIterable<DiskExtent>,
  buckets: number,
  signal?: AbortSignal,
): Promise<AllocationMap> {
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > MAX_BUCKETS) {
    throw new VmferryError('usage', `An allocation map has 1 to ${MAX_BUCKETS} buckets, not ${buckets}`);
  }
  const sums: Record<ExtentKind, Float64Array> = {
    data: new Float64Array(buckets),
    zero: new Float64Array(buckets),
    unallocated: new Float64Array(buckets),
  };
  const totals = { data: 0, zero: 0, unallocated: 0 };
  // Bucket i covers [edge(i), edge(i + 1)); integer edges, so no byte falls between two buckets.
  const edge = (i: number) => (i >= buckets ? virtualSize : Math.floor((i * virtualSize) / buckets));
  const bucketOf = (offset: number) => {
    let i = Math.min(buckets - 1, Math.floor((offset * buckets) / virtualSize));
    while (i > 0 && edge(i) > offset) i--;
    while (i < buckets - 1 && edge(i + 1) <= offset) i++;
    return i;
  };
  let seen = 0;
  for await (const extent of extents) {
    if (++seen % 65536 === 0) throwIfAborted(signal);
    totals[extent.kind] += extent.length;
    const end = Math.min(extent.offset + extent.length, virtualSize);
    let at = Math.max(0, extent.offset);
    // Spread the extent over the buckets it covers: O(extents + buckets) in all.
    while (at < end) {
      const index = bucketOf(at);
      const step = Math.min(end, edge(index + 1)) - at;
      sums[extent.kind][index]! += step;
      at += step;
    }
  }
  const fractions = (kind: ExtentKind) =>
    Array.from(sums[kind], (value, i) => {
      const total = sums.data[i]! + sums.zero[i]! + sums.unallocated[i]!;
      return total > 0 ? value / total : kind === 'unallocated' ? 1 : 0;
    });
  return { disk: name, virtualSize, data: fractions('data'), zero: fractions('zero'), unallocated: fractions('unallocated'), totals };
}
