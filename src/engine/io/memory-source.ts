import { clampRead, type ByteSource } from './byte-source';

/** Bytes already in memory (a descriptor, a generated test image) as a ByteSource. */
export class MemorySource implements ByteSource {
  readonly size: number;

  constructor(
    private readonly bytes: Uint8Array,
    readonly name: string,
  ) {
    this.size = bytes.length;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const count = clampRead(this, offset, length);
    return this.bytes.subarray(offset, offset + count);
  }
}

export function textSource(text: string, name: string): MemorySource {
  return new MemorySource(new TextEncoder().encode(text), name);
}
