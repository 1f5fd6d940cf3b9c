import { clampRead, type ByteSource } from '../../io/byte-source';

const SECTOR = 4096;

/**
 * A file as it would be after its VHDX log was replayed ([MS-VHDX] 2.3.3), without writing it: the 4 KiB sectors
 * and zeroed ranges the log writes are kept in memory and laid over the file's own bytes. The file is also
 * extended to the log's LastFileOffset (with zeros), as replay would extend it. Memory is bounded by the log.
 */
export class ReplayedSource implements ByteSource {
  private readonly sectors = new Map<number, Uint8Array>();
  private sortedOffsets: number[] | null = null;
  private readonly zeroRanges: { start: number; end: number }[] = [];

  constructor(
    private readonly base: ByteSource,
    readonly size: number,
  ) {}

  get name(): string {
    return this.base.name;
  }

  /** Applies a data descriptor: later writes replace earlier ones. */
  writeSector(fileOffset: number, sector: Uint8Array): void {
    this.sectors.set(fileOffset, sector);
    this.sortedOffsets = null;
  }

  /** Applies a zero descriptor: it hides earlier sector writes inside it; later ones land on top. */
  writeZeros(fileOffset: number, length: number): void {
    if (length <= 0) return;
    const end = fileOffset + length;
    for (const offset of [...this.sectors.keys()]) if (offset >= fileOffset && offset + SECTOR <= end) this.sectors.delete(offset);
    this.sortedOffsets = null;
    this.zeroRanges.push({ start: fileOffset, end });
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const count = clampRead(this, offset, length);
    const end = offset + count;
    const touched = this.zeroRanges.some((r) => r.start < end && offset < r.end) || this.firstSectorIndex(offset, end) >= 0;
    if (!touched && end <= this.base.size) return this.base.read(offset, count);
    const out = new Uint8Array(count);
    if (offset < this.base.size) out.set(await this.base.read(offset, Math.min(end, this.base.size) - offset));
    for (const range of this.zeroRanges) {
      if (range.start < end && offset < range.end) out.fill(0, Math.max(range.start, offset) - offset, Math.min(range.end, end) - offset);
    }
    const offsets = this.sorted();
    for (let i = Math.max(0, this.firstSectorIndex(offset, end)); i < offsets.length && offsets[i]! < end; i++) {
      const at = offsets[i]!;
      const sector = this.sectors.get(at)!;
      const from = Math.max(at, offset);
      const to = Math.min(at + SECTOR, end);
      out.set(sector.subarray(from - at, to - at), from - offset);
    }
    return out;
  }

  /** Index of the first overlay sector that overlaps [start, end), or -1. */
  private firstSectorIndex(start: number, end: number): number {
    const offsets = this.sorted();
    let lo = 0;
    let hi = offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid]! + SECTOR <= start) lo = mid + 1;
      else hi = mid;
    }
    return lo < offsets.length && offsets[lo]! < end ? lo : -1;
  }

  private sorted(): number[] {
    if (!this.sortedOffsets) this.sortedOffsets = [...this.sectors.keys()].sort((a, b) => a - b);
    return this.sortedOffsets;
  }
}
