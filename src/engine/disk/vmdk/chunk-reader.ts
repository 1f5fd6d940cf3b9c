import { VmferryError } from '../../errors';

/**
 * Exact-length reads over a stream of chunks of any size (a gzip member being inflated, a network body): the
 * forward-only counterpart of `readExact`. Holds only the chunk being consumed.
 */
export class ChunkReader {
  /** Bytes consumed so far. */
  position = 0;
  private current: Uint8Array = new Uint8Array(0);
  private at = 0;
  private done = false;
  private readonly iterator: AsyncIterator<Uint8Array>;

  constructor(
    chunks: AsyncIterable<Uint8Array>,
    private readonly name: string,
  ) {
    this.iterator = chunks[Symbol.asyncIterator]();
  }

  /** Up to `length` bytes; fewer only at the end of the stream. */
  async read(length: number): Promise<Uint8Array> {
    if (this.current.length - this.at >= length) {
      const out = this.current.subarray(this.at, this.at + length);
      this.at += length;
      this.position += length;
      return out;
    }
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      if (this.at === this.current.length && !(await this.next())) break;
      const take = Math.min(length - filled, this.current.length - this.at);
      out.set(this.current.subarray(this.at, this.at + take), filled);
      this.at += take;
      filled += take;
    }
    this.position += filled;
    return filled === length ? out : out.subarray(0, filled);
  }

  /** Exactly `length` bytes, or a 'truncated' error naming `what`. */
  async readExact(length: number, what: string): Promise<Uint8Array> {
    const start = this.position;
    const bytes = await this.read(length);
    if (bytes.length !== length) {
      throw new VmferryError('truncated', `The stream ends inside the ${what}: needed ${length} bytes, found ${bytes.length}`, {
        file: this.name,
        offset: start,
      });
    }
    return bytes;
  }

  /** Skips `length` bytes (or to the end of the stream); returns how many were skipped. */
  async skip(length: number): Promise<number> {
    let skipped = 0;
    while (skipped < length) {
      if (this.at === this.current.length && !(await this.next())) break;
      const take = Math.min(length - skipped, this.current.length - this.at);
      this.at += take;
      skipped += take;
    }
    this.position += skipped;
    return skipped;
  }

  /** Stops the underlying stream early. */
  async close(): Promise<void> {
    if (!this.done) await this.iterator.return?.();
    this.done = true;
  }

  private async next(): Promise<boolean> {
    if (this.done) return false;
    const { done, value } = await this.iterator.next();
    if (done) {
      this.done = true;
      return false;
    }
    this.current = value;
    this.at = 0;
    return true;
  }
}
