import { setRefcountTableEntry } from './qcow2-entry-encode';
import type { Qcow2Geometry } from './qcow2-layout';

/**
 * Refcount blocks and the refcount table (qemu docs/interop/qcow2.txt, "Host cluster management"), built as the
 * file grows: block k holds the 16-bit refcounts of host clusters [k × R, (k + 1) × R), R = refcountsPerBlock. The
 * file is written front to back, so once every cluster of a span is placed its block is final and can be appended
 * after it; only one block's counts are held at a time.
 *
 * A placement made just before a span is closed may reach the first cluster of the next span (a compressed cluster
 * straddling the boundary, or a cluster placed exactly at it); that count is carried over into the next block.
 */
export class RefcountBlocks {
  /** The refcount table, `tableClusters` clusters: entry k is the offset of block k, 0 for blocks not written. */
  readonly table: Uint8Array;
  private readonly tableView: DataView;
  private counts: DataView;
  /** The span whose counts are being gathered. */
  private span = 0;
  private carried = 0;

  constructor(
    private readonly geometry: Qcow2Geometry,
    tableClusters: number,
  ) {
    this.table = new Uint8Array(tableClusters * geometry.clusterSize);
    this.tableView = new DataView(this.table.buffer);
    this.counts = new DataView(new ArrayBuffer(geometry.clusterSize));
  }

  /** The first host cluster after the span in progress. */
  get spanEnd(): number {
    return (this.span + 1) * this.geometry.refcountsPerBlock;
  }

  /** One more reference to host cluster `cluster`, which lies in the span in progress or is the first of the next. */
  add(cluster: number): void {
    const index = cluster - this.span * this.geometry.refcountsPerBlock;
    if (index === this.geometry.refcountsPerBlock) {
      this.carried++;
      return;
    }
    if (index < 0 || index > this.geometry.refcountsPerBlock) throw new Error(`qcow2 writer: host cluster ${cluster} counted outside refcount block ${this.span}`);
    const count = this.counts.getUint16(index * 2) + 1;
    if (count > 0xffff) throw new Error(`qcow2 writer: host cluster ${cluster} has more than 65535 references`);
    this.counts.setUint16(index * 2, count);
  }

  /**
   * Ends the span in progress: returns its block, to be written at `offset` (which the table records), and starts
   * the next span with any count carried into it. The caller then counts the block's own cluster.
   */
  close(offset: number): Uint8Array {
    const at = this.span * 8;
    if (at >= this.table.length) throw new Error(`qcow2 writer: refcount block ${this.span} does not fit the refcount table`);
    setRefcountTableEntry(this.tableView, at, offset);
    const block = new Uint8Array(this.counts.buffer);
    this.counts = new DataView(new ArrayBuffer(this.geometry.clusterSize));
    this.span++;
    if (this.carried > 0) this.counts.setUint16(0, this.carried);
    this.carried = 0;
    return block;
  }
}
