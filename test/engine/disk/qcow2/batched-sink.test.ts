import { describe, expect, it } from 'vitest';
import { BatchedSink } from '../../../../src/engine/disk/qcow2/batched-sink';
import type { ByteSink } from '../../../../src/engine/io/byte-sink';

/** A sink whose writes take a few turns of the event loop, recording what it received and any overlap. */
class SlowSink implements ByteSink {
  readonly name = 'slow';
  readonly received: number[] = [];
  overlapped = false;
  private busy = false;

  constructor(private readonly failOnWrite = -1) {}

  async write(chunk: Uint8Array): Promise<void> {
    if (this.busy) this.overlapped = true;
    this.busy = true;
    await new Promise((resolve) => setTimeout(resolve, 2));
    this.busy = false;
    if (this.received.length === this.failOnWrite) throw new Error('disk full');
    this.received.push(...chunk);
  }

  async close(): Promise<void> {}
  async abort(): Promise<void> {}
}

describe('BatchedSink', () => {
  it('keeps one write in flight, never two, and delivers every byte in order', async () => {
    const sink = new SlowSink();
    const batched = new BatchedSink(sink, 8);
    const expected: number[] = [];
    for (let i = 0; i < 40; i++) {
      const piece = Uint8Array.from({ length: (i % 5) + 1 }, (_, k) => (i * 7 + k) & 255);
      expected.push(...piece);
      await batched.write(piece);
      if (i % 9 === 0) {
        await batched.zeros(3);
        expected.push(0, 0, 0);
      }
    }
    await batched.write(new Uint8Array(20).fill(9)); // larger than a batch: written directly, after the rest
    expected.push(...new Uint8Array(20).fill(9));
    await batched.flush();
    await batched.drain();
    expect(sink.overlapped).toBe(false);
    expect(sink.received).toEqual(expected);
    expect(batched.position).toBe(expected.length);
  });

  it('a write that fails in the background fails the writer at the next step', async () => {
    const batched = new BatchedSink(new SlowSink(0), 8);
    await batched.write(new Uint8Array([1, 2, 3, 4]));
    await batched.flush(); // the failing write is now under way
    await expect(batched.drain()).rejects.toThrow('disk full');
  });
});
