import { writeZeros, type ByteSink } from '../io/byte-sink';
import { createHash, type HashAlgorithm, type StreamingHash } from '../io/hash';

/**
 * Passes every chunk on and, on the way, counts it and feeds the manifest digest: the package's digests come
 * from the one pass that writes the file, never from reading the output again.
 */
export class DigestingSink implements ByteSink {
  bytes = 0;
  private readonly hash: StreamingHash | null;
  private digest: string | null = null;

  constructor(
    private readonly inner: ByteSink,
    algorithm: HashAlgorithm | null,
  ) {
    this.hash = algorithm ? createHash(algorithm) : null;
  }

  get name(): string {
    return this.inner.name;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.hash?.update(chunk);
    this.bytes += chunk.length;
    await this.inner.write(chunk);
  }

  /** Holes are zeros in the file, so they are hashed as zeros (in bounded pieces). */
  async skipZeros(length: number): Promise<void> {
    if (this.hash) {
      const zeros = new Uint8Array(Math.min(length, 1024 * 1024));
      for (let left = length; left > 0; left -= zeros.length) this.hash.update(left >= zeros.length ? zeros : zeros.subarray(0, left));
    }
    this.bytes += length;
    await writeZeros(this.inner, length);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  abort(reason?: unknown): Promise<void> {
    return this.inner.abort(reason);
  }

  /** The hex digest (once the data is complete); null without an algorithm. */
  digestHex(): string | null {
    if (!this.hash) return null;
    this.digest ??= this.hash.digestHex();
    return this.digest;
  }
}

/** Discards everything: the measuring pass of a disk whose size is known only once it is compressed. */
export class NullSink implements ByteSink {
  constructor(readonly name: string) {}
  async write(): Promise<void> {}
  async skipZeros(): Promise<void> {}
  async close(): Promise<void> {}
  async abort(): Promise<void> {}
}
