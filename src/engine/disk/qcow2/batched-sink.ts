import type { ByteSink } from '../../io/byte-sink';

/**
 * Gathers the many small pieces a table-building writer emits (64 KiB clusters, table entries) into writes of
 * about 1 MiB, so the sink sees few large writes. Each flush hands over a fresh buffer, so a sink may keep it,
 * and the next batch is filled while that write is still under way: one write in flight, never two (the sink
 * sees its writes one after the other, as ByteSink requires), `drain()` waits for it.
 */
export class BatchedSink {
  private buffer: Uint8Array;
  private used = 0;
  private inFlight: Promise<void> | null = null;
  /** Bytes handed to `write` so far (flushed or not): the position in the output. */
  position = 0;

  constructor(
    private readonly sink: ByteSink,
    private readonly batchSize = 1024 * 1024,
  ) {
    this.buffer = new Uint8Array(batchSize);
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.position += bytes.length;
    if (bytes.length >= this.batchSize) {
      await this.flush();
      await this.drain();
      await this.sink.write(bytes);
      return;
    }
    if (this.used + bytes.length > this.batchSize) await this.flush();
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Zero bytes (the buffer is zeroed on allocation, so this only advances). */
  async zeros(length: number): Promise<void> {
    while (length > 0) {
      if (this.used === this.batchSize) await this.flush();
      const step = Math.min(length, this.batchSize - this.used);
      this.used += step;
      this.position += step;
      length -= step;
    }
  }

  /** Starts writing the batch (after the previous write has finished); `drain()` waits for it to end. */
  async flush(): Promise<void> {
    if (this.used === 0) return;
    const full = this.buffer.subarray(0, this.used);
    this.buffer = new Uint8Array(this.batchSize);
    this.used = 0;
    await this.drain();
    const write = this.sink.write(full);
    write.catch(() => undefined); // surfaced by the next drain(), not as an unhandled rejection meanwhile
    this.inFlight = write;
  }

  /** Waits until the sink has everything handed to it so far; a failed write throws here. */
  async drain(): Promise<void> {
    const write = this.inFlight;
    this.inFlight = null;
    await write;
  }
}
