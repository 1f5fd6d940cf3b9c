import { concatBytes } from './bytes';

/**
 * Sequential output with backpressure. Output is committed only by `close()`: a Node file is written under a
 * temporary name and renamed, a File System Access writable commits its swap file. `abort()` discards
 * everything written so far, so a failed or cancelled job never leaves a half-written file behind.
 */
export interface ByteSink {
  readonly name: string;
  /** Resolves when the sink is ready for more; callers await it, which is the backpressure. */
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
  /** Optional: advances over `length` zero bytes without writing them (a hole in a sparse file). */
  skipZeros?(length: number): Promise<void>;
  /**
   * Optional: overwrites bytes already written (at `offset`, before the current end). A file on disk or a File
   * System Access writable can; a tar member or a download stream cannot. Disk writers use it to write their
   * tables after the data in one pass, instead of scanning the disk first to lay the tables out ahead.
   */
  writeAt?(offset: number, bytes: Uint8Array): Promise<void>;
}

/** Bytes written so far; wraps any sink. */
export class CountingSink implements ByteSink {
  bytesWritten = 0;
  readonly writeAt?: (offset: number, bytes: Uint8Array) => Promise<void>;

  constructor(private readonly inner: ByteSink) {
    if (inner.writeAt) {
      this.writeAt = async (offset, bytes) => {
        if (offset + bytes.length > this.bytesWritten) throw new Error(`${inner.name}: patch at ${offset} runs past what was written`);
        await inner.writeAt!(offset, bytes);
      };
    }
  }

  get name(): string {
    return this.inner.name;
  }

  async write(chunk: Uint8Array): Promise<void> {
    await this.inner.write(chunk);
    this.bytesWritten += chunk.length;
  }

  async skipZeros(length: number): Promise<void> {
    await writeZeros(this.inner, length);
    this.bytesWritten += length;
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  abort(reason?: unknown): Promise<void> {
    return this.inner.abort(reason);
  }
}

/** Collects everything in memory; for descriptors, manifests and tests, never for disks. */
export class MemorySink implements ByteSink {
  private readonly chunks: Uint8Array[] = [];
  private state: 'open' | 'closed' | 'aborted' = 'open';

  constructor(readonly name = 'memory') {}

  async write(chunk: Uint8Array): Promise<void> {
    if (this.state !== 'open') throw new Error(`${this.name}: write after ${this.state}`);
    this.chunks.push(chunk.slice());
  }

  async close(): Promise<void> {
    this.state = 'closed';
  }

  async abort(): Promise<void> {
    this.state = 'aborted';
    this.chunks.length = 0;
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /** Everything written, as one array (only meaningful once closed). */
  bytes(): Uint8Array {
    return concatBytes(this.chunks);
  }
}

/**
 * Writes `length` zero bytes. A sink that can leave a hole (a Node file: seek forward, set the size on close)
 * implements `skipZeros`; any other sink gets real zeros in bounded chunks.
 */
export async function writeZeros(sink: ByteSink, length: number): Promise<void> {
  if (length <= 0) return;
  if (sink.skipZeros) return sink.skipZeros(length);
  const zeros = new Uint8Array(Math.min(length, 1024 * 1024));
  for (let left = length; left > 0; left -= zeros.length) {
    await sink.write(left >= zeros.length ? zeros : zeros.subarray(0, left));
  }
}
