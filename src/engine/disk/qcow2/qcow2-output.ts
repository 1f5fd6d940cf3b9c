import type { ByteSink } from '../../io/byte-sink';
import { Qcow2Appender, STORED_RAW } from './qcow2-appender';
import { buildQcow2Header } from './qcow2-header-build';
import type { Qcow2Prefix } from './qcow2-layout';
import { PlacedOutput } from './placed-output';

/**
 * A qcow2 file written front to back (layout: qcow2-layout.ts): the header, the refcount table and L1 table (their
 * final contents when known, zeros to patch otherwise), then each stored cluster with the metadata the appender
 * placed before it, and the last tables.
 */
export class Qcow2Output {
  readonly appender: Qcow2Appender;
  private readonly out: PlacedOutput;

  constructor(
    sink: ByteSink,
    private readonly prefix: Qcow2Prefix,
  ) {
    this.appender = new Qcow2Appender(prefix);
    this.out = new PlacedOutput(sink);
  }

  /** The header, then the two tables if given (a planned write); a single pass leaves zeros and patches them. */
  async front(tables?: { refcountTable: Uint8Array; l1Table: Uint8Array }): Promise<void> {
    await this.out.put(0, buildQcow2Header(this.prefix));
    if (!tables) return;
    await this.out.put(this.prefix.refcountTableOffset, tables.refcountTable);
    if (this.prefix.l1TableClusters > 0) await this.out.put(this.prefix.l1TableOffset, tables.l1Table);
  }

  /**
   * Stores guest cluster `index`: `compressed` (its raw deflate) when given, else `data` as is. `transient`: the
   * bytes are valid only until this returns (a reused read buffer), so they are copied, never kept.
   */
  async add(index: number, data: Uint8Array, compressed: Uint8Array | null, { transient = false } = {}): Promise<void> {
    if (!compressed && data.length !== this.prefix.geometry.clusterSize) throw new Error(`qcow2 writer: cluster ${index} is ${data.length} bytes`);
    const at = this.appender.place(index, compressed ? compressed.length : STORED_RAW);
    await this.writeTables();
    await this.out.put(at, compressed ?? data, { transient: transient && !compressed });
  }

  /** Places and writes the last tables; returns the file size. */
  async finish(): Promise<number> {
    const size = this.appender.finish();
    await this.writeTables();
    await this.out.end(size);
    return size;
  }

  private async writeTables(): Promise<void> {
    const { tables } = this.appender;
    for (const piece of tables) await this.out.put(piece.offset, piece.bytes);
    tables.length = 0;
  }
}
