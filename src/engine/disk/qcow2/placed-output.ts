import type { ByteSink } from '../../io/byte-sink';
import { BatchedSink } from './batched-sink';

/**
 * Forward output of pieces placed at known offsets: the gaps between them are written as zeros (placeholders, the
 * unused end of a partly filled cluster). Consecutive pieces that are consecutive views of one buffer (the units
 * of one source read) go out as one write, without being copied into a batch.
 */
export class PlacedOutput {
  private readonly out: BatchedSink;
  private pending: Uint8Array | null = null;
  private pendingAt = 0;

  constructor(sink: ByteSink) {
    this.out = new BatchedSink(sink);
  }

  /**
   * Writes `bytes` at `offset`, which must not be before the end of what was put so far. `transient` bytes are
   * valid only until this returns: they are copied into the batch (or written) now instead of being kept.
   */
  async put(offset: number, bytes: Uint8Array, { transient = false } = {}): Promise<void> {
    const pending = this.pending;
    if (!transient && pending && offset === this.pendingAt + pending.length && continues(pending, bytes)) {
      this.pending = new Uint8Array(pending.buffer, pending.byteOffset, pending.length + bytes.length);
      return;
    }
    await this.release();
    if (offset < this.out.position) throw new Error(`qcow2 writer: piece at ${offset} goes before ${this.out.position}, already written`);
    await this.out.zeros(offset - this.out.position);
    if (transient) {
      await this.out.write(bytes);
      return;
    }
    this.pending = bytes;
    this.pendingAt = offset;
  }

  /** Writes everything, padded with zeros to `size` bytes. */
  async end(size: number): Promise<void> {
    await this.release();
    if (this.out.position > size) throw new Error(`qcow2 writer: ${this.out.position} bytes written, more than the ${size} placed`);
    await this.out.zeros(size - this.out.position);
    await this.out.flush();
    await this.out.drain();
  }

  private async release(): Promise<void> {
    if (!this.pending) return;
    const bytes = this.pending;
    this.pending = null;
    await this.out.write(bytes);
  }
}

/** Whether `next` starts right where `previous` ends, in the same buffer. */
function continues(previous: Uint8Array, next: Uint8Array): boolean {
  return previous.buffer === next.buffer && previous.byteOffset + previous.length === next.byteOffset;
}
