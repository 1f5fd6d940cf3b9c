import type { ByteSink } from '../../../../src/engine/io/byte-sink';

/** A memory sink that can patch what it wrote, like a file: copyDisk takes the single pass into it. */
export class PatchableMemorySink implements ByteSink {
  readonly name = 'memory';
  patches = 0;
  private bytes = new Uint8Array(0);
  private length = 0;

  async write(chunk: Uint8Array): Promise<void> {
    this.ensure(this.length + chunk.length);
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }

  async writeAt(offset: number, chunk: Uint8Array): Promise<void> {
    if (offset + chunk.length > this.length) throw new Error('patch past the end');
    this.bytes.set(chunk, offset);
    this.patches++;
  }

  async close(): Promise<void> {}
  async abort(): Promise<void> {}

  result(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  private ensure(size: number): void {
    if (size <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(size, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}
