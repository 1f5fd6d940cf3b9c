import type { ByteSource } from '../../io/byte-source';
import { layerOver, readFromParent } from '../allocation';
import { clampDiskRead, type DiskExtent, type ExtentKind, type VirtualDisk } from '../virtual-disk';
import { CompressedClusters, type ClusterCompression, type CompressedPiece } from './qcow2-compressed';
import type { Qcow2ClusterMap } from './qcow2-cluster-map';
import { subclusterKind, type ClusterMapping } from './qcow2-l2-entry';

/**
 * A qcow2 image as a VirtualDisk: reads go cluster by cluster through the L1/L2 tables, with runs of clusters
 * that are contiguous in the file merged into one read; unallocated clusters (and subclusters) come from the
 * backing file, or are zeros (qemu docs/interop/qcow2.txt, end of "Cluster mapping").
 */
export class Qcow2Disk implements VirtualDisk {
  readonly format = 'qcow2' as const;
  readonly blockSize: number;
  readonly storedBytes: number;
  private readonly compressed: CompressedClusters;

  constructor(
    private readonly source: ByteSource,
    private readonly map: Qcow2ClusterMap,
    readonly virtualSize: number,
    readonly subformat: string,
    readonly parent: VirtualDisk | null,
    /** Facts worth telling the user (dirty bit, internal snapshots, backing file). */
    readonly notes: readonly string[],
    /** How compressed clusters are compressed (header compression_type 0 or 1). */
    compression: ClusterCompression,
  ) {
    this.blockSize = map.clusterSize;
    this.storedBytes = source.size;
    this.compressed = new CompressedClusters(source, map.clusterSize, compression);
  }

  get name(): string {
    return this.source.name;
  }

  private get subclusterSize(): number {
    return this.map.clusterSize / 32;
  }

  allocation(): AsyncIterable<DiskExtent> {
    return layerOver(this.ownExtents(), this.parent, this.virtualSize);
  }

  /** This layer's own extents, cluster by cluster (merged by layerOver). */
  private async *ownExtents(): AsyncGenerator<DiskExtent> {
    const { clusterSize, l2Entries } = this.map;
    const clusters = Math.ceil(this.virtualSize / clusterSize);
    for (let first = 0; first < clusters; first += l2Entries) {
      if (!this.map.hasL2Table(first / l2Entries)) {
        // A whole L2 range with nothing allocated: one extent, not one per cluster (a sparse 2 TiB image).
        const start = first * clusterSize;
        yield { offset: start, length: Math.min(l2Entries * clusterSize, this.virtualSize - start), kind: 'unallocated' };
        continue;
      }
      const extents: DiskExtent[] = [];
      const push = (offset: number, length: number, kind: ExtentKind) => {
        const last = extents[extents.length - 1];
        if (last && last.kind === kind && last.offset + last.length === offset) last.length += length;
        else extents.push({ offset, length, kind });
      };
      await this.map.forEachCluster(first, Math.min(l2Entries, clusters - first), (cluster, mapping) => {
        const start = cluster * clusterSize;
        const length = Math.min(clusterSize, this.virtualSize - start);
        if (mapping.kind !== 'subclusters') {
          push(start, length, mapping.kind === 'compressed' ? 'data' : mapping.kind);
          return;
        }
        const step = this.subclusterSize;
        for (let sub = 0; sub * step < length; sub++) {
          push(start + sub * step, Math.min(step, length - sub * step), subclusterKind(mapping, sub, () => this.where(cluster), this.name));
        }
      });
      yield* extents;
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const count = clampDiskRead(this, offset, length);
    if (count === 0) return new Uint8Array(0);
    const { plan, compressed } = await this.planRead(offset, count);
    const only = plan.runs[0];
    if (plan.runs.length === 1 && compressed.length === 0 && !only!.fromParent && only!.length === count) {
      // The whole range is one run of the file (the common case): hand out the source's buffer, no copy.
      const bytes = await this.source.read(only!.position, count);
      if (bytes.length === count) return bytes;
    }
    const out = new Uint8Array(count);
    await this.fill(out, plan, compressed);
    return out;
  }

  /** Reads into the caller's buffer (reused by a converter): every byte of it is written, zeros included. */
  async readInto(offset: number, target: Uint8Array): Promise<number> {
    const count = clampDiskRead(this, offset, target.length);
    if (count === 0) return 0;
    const out = target.subarray(0, count);
    const { plan, compressed } = await this.planRead(offset, count);
    const covered = plan.runs.reduce((sum, run) => sum + run.length, 0) + compressed.reduce((sum, piece) => sum + piece.to - piece.from, 0);
    if (covered < count) out.fill(0);
    await this.fill(out, plan, compressed);
    return count;
  }

  /** Where each byte of [offset, offset + count) comes from: runs of the file or the parent, compressed clusters. */
  private async planRead(offset: number, count: number): Promise<{ plan: ReadPlan; compressed: CompressedPiece[] }> {
    const { clusterSize } = this.map;
    const end = offset + count;
    const plan = new ReadPlan();
    const compressed: CompressedPiece[] = [];
    const firstCluster = Math.floor(offset / clusterSize);
    const lastCluster = Math.floor((end - 1) / clusterSize);
    await this.map.forEachCluster(firstCluster, lastCluster - firstCluster + 1, (cluster, mapping) => {
      const clusterStart = cluster * clusterSize;
      const from = Math.max(offset, clusterStart);
      const to = Math.min(end, clusterStart + clusterSize);
      switch (mapping.kind) {
        case 'unallocated':
          if (this.parent) plan.fromParent(from - offset, from, to - from);
          break;
        case 'zero':
          break;
        case 'data':
          plan.fromFile(from - offset, mapping.hostOffset + (from - clusterStart), to - from);
          break;
        case 'compressed':
          compressed.push({ cluster, hostOffset: mapping.hostOffset, length: mapping.compressedLength, from, to, at: from - offset });
          break;
        case 'subclusters':
          this.planSubclusters(plan, mapping, cluster, clusterStart, from, to, offset);
          break;
      }
    });
    return { plan, compressed };
  }

  /** Copies the planned pieces into `out`; bytes no piece covers are left as they are. */
  private async fill(out: Uint8Array, plan: ReadPlan, compressed: CompressedPiece[]): Promise<void> {
    const reads = plan.runs.map(async (run) => {
      const target = out.subarray(run.at, run.at + run.length);
      if (run.fromParent) {
        target.set(await readFromParent(this.parent, run.position, run.length));
      } else {
        // Past the end of the file a cluster reads as zeros (see Qcow2ClusterMap).
        const found = this.source.readInto ? await this.source.readInto(run.position, target) : copyFrom(await this.source.read(run.position, run.length), target);
        target.fill(0, found);
      }
    });
    await Promise.all(reads);
    await this.compressed.copyInto(out, compressed);
  }

  private planSubclusters(plan: ReadPlan, mapping: ClusterMapping, cluster: number, clusterStart: number, from: number, to: number, offset: number): void {
    const step = this.subclusterSize;
    for (let at = from; at < to; ) {
      const sub = Math.floor((at - clusterStart) / step);
      const stop = Math.min(to, clusterStart + (sub + 1) * step);
      const kind = subclusterKind(mapping, sub, () => this.where(cluster), this.name);
      if (kind === 'data') plan.fromFile(at - offset, mapping.hostOffset + (at - clusterStart), stop - at);
      else if (kind === 'unallocated' && this.parent) plan.fromParent(at - offset, at, stop - at);
      at = stop;
    }
  }

  private where(cluster: number): string {
    return `qcow2 guest cluster ${cluster}`;
  }
}

/** Byte runs to copy into the output, merged when they continue each other in the file (or in the parent). */
class ReadPlan {
  readonly runs: { at: number; position: number; length: number; fromParent: boolean }[] = [];

  fromFile(at: number, position: number, length: number): void {
    this.add(at, position, length, false);
  }

  fromParent(at: number, position: number, length: number): void {
    this.add(at, position, length, true);
  }

  private add(at: number, position: number, length: number, fromParent: boolean): void {
    const last = this.runs[this.runs.length - 1];
    if (last && last.fromParent === fromParent && last.at + last.length === at && last.position + last.length === position) {
      last.length += length;
    } else {
      this.runs.push({ at, position, length, fromParent });
    }
  }
}

/** Copies `bytes` to the start of `target`; returns how many. */
function copyFrom(bytes: Uint8Array, target: Uint8Array): number {
  target.set(bytes);
  return bytes.length;
}
