import type { ByteSink } from '../src/engine/io/byte-sink';

/** Writes smaller than this are gathered first: each write to a FileSystemWritableFileStream or a port is a
 * round trip (IPC to the browser process, a message to the service worker), and disk writers emit 64 KiB grains. */
export const COALESCE_BYTES = 4 * 1024 * 1024;

/**
 * Gathers small writes into chunks of about `size` bytes before passing them on; large writes pass straight
 * through. What is gathered is flushed on close and dropped on abort.
 */
export class CoalescingSink implements ByteSink {
  private buffer: Uint8Array;
  private used = 0;
  /** Patches reach the inner sink after what is gathered, so they land on bytes already there. */
  readonly writeAt?: (offset: number, bytes: Uint8Array) => Promise<void>;

  constructor(
    private readonly inner: ByteSink,
    private readonly size = COALESCE_BYTES,
  ) {
    this.buffer = new Uint8Array(size);
    if (inner.writeAt) {
      this.writeAt = async (offset, bytes) => {
        await this.flush();
        await inner.writeAt!(offset, bytes);
      };
    }
  }

  get name(): string {
    return this.inner.name;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (chunk.length >= this.size) {
      await this.flush();
      await this.inner.write(chunk);
      return;
    }
    if (this.used + chunk.length > this.size) await this.flush();
    this.buffer.set(chunk, this.used);
    this.used += chunk.length;
    if (this.used === this.size) await this.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    await this.inner.close();
  }

  abort(reason?: unknown): Promise<void> {
    this.used = 0;
    return this.inner.abort(reason);
  }

  private async flush(): Promise<void> {
    if (this.used === 0) return;
    const full = this.buffer.subarray(0, this.used);
    // The inner sink may keep the chunk (a port transfers a copy, a writable queues it): hand over this buffer and
    // start a new one rather than overwrite it.
    this.buffer = new Uint8Array(this.size);
    this.used = 0;
    await this.inner.write(full);
  }
}
