import { layerOver, readFromParent } from '../allocation';
import { clampDiskRead, type DiskExtent, type VirtualDisk } from '../virtual-disk';
import type { VmdkExtent } from './extent';

/**
 * A VMDK as one VirtualDisk: its extents end to end (descriptor order), over its parent when it is a snapshot
 * (where an extent stores nothing, the parent shows through).
 */
export class VmdkDisk implements VirtualDisk {
  readonly format = 'vmdk' as const;
  readonly virtualSize: number;
  readonly storedBytes: number;
  /** Where each extent starts in the virtual disk; one more entry than extents (the total at the end). */
  private readonly starts: number[];

  constructor(
    readonly name: string,
    readonly subformat: string | null,
    private readonly extents: readonly VmdkExtent[],
    readonly parent: VirtualDisk | null,
    /** The descriptor's content ID: what a child's parentCID must equal. */
    readonly cid: number | null,
    readonly blockSize: number,
    /** Bytes of a separate descriptor file (0 when embedded). */
    descriptorBytes: number,
  ) {
    this.starts = [0];
    for (const extent of extents) this.starts.push(this.starts[this.starts.length - 1]! + extent.length);
    this.virtualSize = this.starts[this.starts.length - 1]!;
    this.storedBytes = extents.reduce((sum, extent) => sum + extent.storedBytes, descriptorBytes);
  }

  allocation(): AsyncIterable<DiskExtent> {
    return layerOver(this.ownAllocation(), this.parent, this.virtualSize);
  }

  private async *ownAllocation(): AsyncGenerator<DiskExtent> {
    for (let i = 0; i < this.extents.length; i++) {
      for await (const extent of this.extents[i]!.allocation()) yield { ...extent, offset: extent.offset + this.starts[i]! };
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const count = clampDiskRead(this, offset, length);
    const first = this.extentAt(offset);
    if (count > 0 && offset + count <= this.starts[first + 1]!) {
      // Within one extent (nearly every read): its bytes as they come, no copy.
      const start = this.starts[first]!;
      return this.extents[first]!.read(offset - start, count, (at, bytes) => readFromParent(this.parent, start + at, bytes));
    }
    const out = new Uint8Array(count);
    for (let i = this.extentAt(offset); count > 0 && i < this.extents.length; i++) {
      const start = this.starts[i]!;
      const from = Math.max(offset, start);
      const to = Math.min(offset + count, this.starts[i + 1]!);
      if (from >= to) {
        if (start >= offset + count) break;
        continue;
      }
      const below = (at: number, bytes: number) => readFromParent(this.parent, start + at, bytes);
      out.set(await this.extents[i]!.read(from - start, to - from, below), from - offset);
    }
    return out;
  }

  /** Binary search for the extent holding `offset`. */
  private extentAt(offset: number): number {
    let low = 0;
    let high = this.extents.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return Math.max(0, low);
  }
}
