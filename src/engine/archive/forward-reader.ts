import { clampRead, type ByteSource } from '../io/byte-source';
import { gunzipChunks, type GunzipOptions } from './gunzip';
import { readGzipSizeHint } from './gzip-header';
import { unzstdChunks } from './unzstd';

export interface ForwardReaderOptions extends GunzipOptions {
  /** Output kept behind the read position, so reads that step back a little need no restart. */
  keepBehind?: number;
  /** The compression of the whole source: gzip (the default) or zstd. */
  format?: 'gzip' | 'zstd';
}

interface Piece {
  start: number;
  bytes: Uint8Array;
}

/**
 * Random-looking reads over gzip (or zstd) data, which can only be decompressed forward. Reads that move forward continue
 * the decompression (skipping output up to the offset asked for); a read before what is still kept in memory
 * restarts from the beginning of the file. Callers that read in order (a disk converter, a format probe) pay one
 * pass; memory stays at `keepBehind` plus a decompressor.
 *
 * The uncompressed size is unknown until the end has been reached (`size`); `sizeHint()` gives a gzip trailer's
 * ISIZE, which is only right modulo 4 GiB.
 */
export class ForwardReader {
  /** The uncompressed size, once a read has reached the end; undefined before. */
  size: number | undefined;
  /** How many times decompression started over because a read went backwards (for tests and diagnostics). */
  restarts = 0;

  private chunks: AsyncGenerator<Uint8Array> | undefined;
  /** Output already decompressed and still held: consecutive pieces ending at `position`. */
  private pieces: Piece[] = [];
  private position = 0;
  private ended = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly keepBehind: number;

  constructor(
    readonly source: ByteSource,
    private readonly options: ForwardReaderOptions = {},
  ) {
    this.keepBehind = options.keepBehind ?? 1024 * 1024;
  }

  get name(): string {
    return this.source.name;
  }

  /** Reads up to `length` bytes of uncompressed data at `offset`; fewer only at the end of the data. */
  read(offset: number, length: number): Promise<Uint8Array> {
    clampRead({ name: this.name, size: Number.MAX_SAFE_INTEGER }, offset, length);
    // One read at a time: each moves the single decompression state.
    const result = this.queue.then(() => this.readInOrder(offset, length));
    this.queue = result.catch(() => undefined);
    return result;
  }

  sizeHint(): Promise<number | undefined> {
    return this.options.format === 'zstd' ? Promise.resolve(undefined) : readGzipSizeHint(this.source);
  }

  /** Stops decompressing and drops what is held; a later read starts over. */
  async close(): Promise<void> {
    await this.queue;
    await this.reset();
  }

  private async readInOrder(offset: number, length: number): Promise<Uint8Array> {
    const heldFrom = this.pieces[0]?.start ?? this.position;
    if (offset < heldFrom) {
      await this.reset();
      this.restarts++;
    }
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const at = offset + filled;
      const piece = this.pieces.find((p) => at >= p.start && at < p.start + p.bytes.length);
      if (piece) {
        const part = piece.bytes.subarray(at - piece.start, at - piece.start + length - filled);
        out.set(part, filled);
        filled += part.length;
      } else if (!(await this.advance())) {
        break;
      }
    }
    return filled === length ? out : out.slice(0, filled);
  }

  /** Decompresses the next piece; false at the end of the data. */
  private async advance(): Promise<boolean> {
    if (this.ended) return false;
    this.chunks ??= this.options.format === 'zstd' ? unzstdChunks(this.source, this.options) : gunzipChunks(this.source, this.options);
    const next = await this.chunks.next();
    if (next.done) {
      this.ended = true;
      this.size = this.position;
      return false;
    }
    this.pieces.push({ start: this.position, bytes: next.value });
    this.position += next.value.length;
    while (this.pieces.length > 1 && this.position - this.pieces[1]!.start >= this.keepBehind) this.pieces.shift();
    return true;
  }

  private async reset(): Promise<void> {
    const chunks = this.chunks;
    this.chunks = undefined;
    this.pieces = [];
    this.position = 0;
    this.ended = false;
    await chunks?.return(undefined);
  }
}
