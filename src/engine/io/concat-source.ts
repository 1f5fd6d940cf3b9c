import { clampRead, readExact, type ByteSource } from './byte-source';

/**
 * Several sources end to end, read as one: an OVF file reference split into `ovf:chunkSize` parts
 * (`disk.vmdk.000000000`, `.000000001`, ... DSP0243 §5.3), or a twoGbMaxExtent disk.
 */
export class ConcatSource implements ByteSource {
  readonly size: number;
  /** Start offset of each part inside the whole; one more entry than parts (the total size at the end). */
  private readonly starts: number[];

  constructor(
    private readonly parts: readonly ByteSource[],
    readonly name: string,
  ) {
    this.starts = [0];
    for (const part of parts) this.starts.push(this.starts[this.starts.length - 1]! + part.size);
    this.size = this.starts[this.starts.length - 1]!;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const count = clampRead(this, offset, length);
    const out = new Uint8Array(count);
    let done = 0;
    let index = this.partIndexAt(offset);
    while (done < count) {
      const part = this.parts[index]!;
      const inPart = offset + done - this.starts[index]!;
      const take = Math.min(count - done, part.size - inPart);
      out.set(await readExact(part, inPart, take), done);
      done += take;
      index++;
    }
    return out;
  }

  /** Binary search for the last part starting at or before `offset`: the one holding it. */
  private partIndexAt(offset: number): number {
    let low = 0;
    let high = this.parts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }
}
