import { sectorEnd, setCompressedEntry, setCopiedEntry } from './qcow2-entry-encode';
import type { Qcow2Prefix } from './qcow2-layout';
import { RefcountBlocks } from './qcow2-refcount-blocks';

/** Bytes to write at an offset of the output. */
export interface Qcow2Piece {
  offset: number;
  bytes: Uint8Array;
}

/** `place`'s length for a cluster stored as is, in a host cluster of its own. */
export const STORED_RAW = 0;

/**
 * The appended part of a qcow2 file we write (qcow2-layout.ts), placed as the stored guest clusters arrive in guest
 * order. Each data cluster goes at the end of the file; an L2 table is placed as soon as the next cluster belongs
 * to another L1 entry (its span of guest clusters is then complete); a refcount block as soon as every host
 * cluster it counts is placed; at the end the last L2 table and a last refcount block that counts itself.
 *
 * Compressed clusters (qemu docs/interop/qcow2.txt, "Compressed Clusters Descriptor") are packed byte after byte
 * and may straddle host clusters, as qemu packs them; uncompressed clusters and tables start on a cluster boundary
 * (the rest of a partly used cluster stays unused). Each compressed cluster counts one reference to every host
 * cluster its sectors touch, from its first byte to the end of its last 512-byte sector, as qemu-img check counts.
 *
 * Memory: the L1 table, the refcount table, one L2 table and one refcount block; nothing per cluster. Placing is
 * pure bookkeeping: the same sequence of calls gives the same layout, which is how the planned writer learns the
 * tables before writing anything, and why both writers give the same bytes.
 */
export class Qcow2Appender {
  /** The L1 table (all its clusters), filled in as L2 tables are placed. */
  readonly l1Table: Uint8Array;
  /** Metadata placed and not yet taken by the caller, in file order; it all lies before the data `place` returns. */
  readonly tables: Qcow2Piece[] = [];
  private readonly l1View: DataView;
  private readonly refcounts: RefcountBlocks;
  private readonly clusterSize: number;
  private readonly guestClusters: number;
  private l2: { l1Index: number; view: DataView } | null = null;
  /** The next free byte of the file. */
  private cursor: number;
  private lastGuest = -1;
  private finished = false;

  constructor(private readonly prefix: Qcow2Prefix) {
    const { clusterSize, refcountsPerBlock } = prefix.geometry;
    this.clusterSize = clusterSize;
    this.guestClusters = Math.ceil(prefix.virtualSize / clusterSize);
    this.l1Table = new Uint8Array(prefix.l1TableClusters * clusterSize);
    this.l1View = new DataView(this.l1Table.buffer);
    this.refcounts = new RefcountBlocks(prefix.geometry, prefix.refcountTableClusters);
    this.cursor = prefix.appendOffset;
    const front = prefix.appendOffset / clusterSize;
    if (front >= refcountsPerBlock) throw new Error(`qcow2 writer: ${front} front clusters do not fit one refcount block`);
    for (let cluster = 0; cluster < front; cluster++) this.refcounts.add(cluster);
  }

  /** The refcount table (all its clusters): an entry for each refcount block placed so far. */
  get refcountTable(): Uint8Array {
    return this.refcounts.table;
  }

  /**
   * Places guest cluster `guest` (after every one placed before): `compressedLength` bytes of deflate, or
   * STORED_RAW for the cluster as is. Returns where its bytes go.
   */
  place(guest: number, compressedLength: number): number {
    if (this.finished || guest <= this.lastGuest || guest >= this.guestClusters) {
      throw new Error(`qcow2 writer: guest cluster ${guest} placed out of order (after ${this.lastGuest}, of ${this.guestClusters})`);
    }
    this.lastGuest = guest;
    const { entriesPerCluster, clusterBits } = this.prefix.geometry;
    const l1Index = Math.floor(guest / entriesPerCluster);
    if (this.l2 && this.l2.l1Index !== l1Index) this.closeL2();
    this.l2 ??= { l1Index, view: new DataView(new ArrayBuffer(this.clusterSize)) };
    const entry = (guest - l1Index * entriesPerCluster) * 8;
    if (compressedLength === STORED_RAW) {
      const at = this.allocateCluster();
      setCopiedEntry(this.l2.view, entry, at);
      return at;
    }
    if (compressedLength < 0 || compressedLength >= this.clusterSize) throw new Error(`qcow2 writer: compressed length ${compressedLength}`);
    this.closeFullSpans();
    const at = this.cursor;
    this.cursor += compressedLength;
    const last = Math.floor((sectorEnd(at, compressedLength) - 1) / this.clusterSize);
    for (let cluster = Math.floor(at / this.clusterSize); cluster <= last; cluster++) this.refcounts.add(cluster);
    setCompressedEntry(this.l2.view, entry, clusterBits, at, compressedLength);
    return at;
  }

  /** Places the last L2 table and the last refcount block; returns the file size. */
  finish(): number {
    if (this.finished) throw new Error('qcow2 writer: finished twice');
    this.finished = true;
    if (this.l2) this.closeL2();
    this.cursor = this.alignUp(this.cursor);
    this.closeFullSpans();
    // The cursor is now inside the span in progress, so the last block counts its own cluster.
    const at = this.cursor;
    this.refcounts.add(at / this.clusterSize);
    this.cursor += this.clusterSize;
    this.tables.push({ offset: at, bytes: this.refcounts.close(at) });
    if (this.cursor > this.prefix.maxClusters * this.clusterSize) {
      throw new Error(`qcow2 writer: ${this.cursor} bytes exceed the bound of ${this.prefix.maxClusters} clusters`);
    }
    return this.cursor;
  }

  private closeL2(): void {
    const { l1Index, view } = this.l2!;
    const at = this.allocateCluster();
    setCopiedEntry(this.l1View, l1Index * 8, at);
    this.tables.push({ offset: at, bytes: new Uint8Array(view.buffer) });
    this.l2 = null;
  }

  /** A whole host cluster at the next cluster boundary, counted. */
  private allocateCluster(): number {
    this.closeFullSpans();
    const at = this.alignUp(this.cursor);
    this.cursor = at + this.clusterSize;
    this.refcounts.add(at / this.clusterSize);
    return at;
  }

  /**
   * Appends the refcount block of every span that nothing more can land in: the cursor has left it (a partly used
   * last cluster keeps its span open, so packing can go on). After this, the next placement touches at most the
   * first cluster of the next span, which RefcountBlocks carries over.
   */
  private closeFullSpans(): void {
    while (Math.floor(this.cursor / this.clusterSize) >= this.refcounts.spanEnd) {
      const at = this.alignUp(this.cursor);
      this.cursor = at + this.clusterSize;
      this.tables.push({ offset: at, bytes: this.refcounts.close(at) });
      this.refcounts.add(at / this.clusterSize);
    }
  }

  private alignUp(offset: number): number {
    return Math.ceil(offset / this.clusterSize) * this.clusterSize;
  }
}
