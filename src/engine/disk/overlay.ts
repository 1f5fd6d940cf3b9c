import { VmferryError } from '../errors';
import { ExtentRun } from './allocation';
import { clampDiskRead, type DiskExtent, type VirtualDisk } from './virtual-disk';

/** Granularity of copy-on-write: an ext4 block, and the smallest unit any writer stores. */
const PAGE = 4096;

/**
 * A copy-on-write disk over another: writes land in memory, in 4 KiB pages, and every read and every writer sees
 * them over the base. Guest repair edits a guest's files through it; the source image is never written.
 * Memory grows only with what is edited (a few pages for fstab and GRUB files).
 */
export class OverlayDisk implements VirtualDisk {
  private readonly pages = new Map<number, Uint8Array>();

  constructor(private readonly base: VirtualDisk) {}

  get name(): string {
    return this.base.name;
  }
  get format() {
    return this.base.format;
  }
  get subformat() {
    return this.base.subformat;
  }
  get virtualSize(): number {
    return this.base.virtualSize;
  }
  get blockSize(): number {
    return this.base.blockSize;
  }
  get parent(): VirtualDisk {
    return this.base;
  }
  /** The overlay costs memory, not file space. */
  get storedBytes(): number {
    return 0;
  }

  /** Changed bytes, in 4 KiB pages. */
  get changedBytes(): number {
    return this.pages.size * PAGE;
  }

  /** The offsets of the changed pages, in order. */
  changedPages(): number[] {
    return [...this.pages.keys()].sort((a, b) => a - b).map((page) => page * PAGE);
  }

  async write(offset: number, bytes: Uint8Array): Promise<void> {
    if (offset < 0 || offset + bytes.length > this.virtualSize) {
      throw new VmferryError('usage', `Write of ${bytes.length} bytes at ${offset} is outside the ${this.virtualSize}-byte disk`, { file: this.name });
    }
    for (let done = 0; done < bytes.length; ) {
      const at = offset + done;
      const index = Math.floor(at / PAGE);
      const page = await this.pageForWrite(index);
      const inPage = at - index * PAGE;
      const take = Math.min(PAGE - inPage, bytes.length - done);
      page.set(bytes.subarray(done, done + take), inPage);
      done += take;
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const count = clampDiskRead(this, offset, length);
    const bytes = await this.base.read(offset, count);
    if (this.pages.size === 0 || count === 0) return bytes;
    let out: Uint8Array | null = null;
    for (let index = Math.floor(offset / PAGE); index * PAGE < offset + count; index++) {
      const page = this.pages.get(index);
      if (!page) continue;
      out ??= bytes.slice(); // never modify the base reader's buffer
      const start = Math.max(offset, index * PAGE);
      const end = Math.min(offset + count, (index + 1) * PAGE);
      out.set(page.subarray(start - index * PAGE, end - index * PAGE), start - offset);
    }
    return out ?? bytes;
  }

  /** The base's allocation, with every changed page counted as data. */
  async *allocation(): AsyncGenerator<DiskExtent> {
    const changed = this.changedPages();
    const run = new ExtentRun();
    let next = 0; // index into `changed`
    for await (const extent of this.base.allocation()) {
      let cursor = extent.offset;
      const end = extent.offset + extent.length;
      while (next < changed.length && changed[next]! < end) {
        const pageStart = Math.max(changed[next]!, cursor);
        const pageEnd = Math.min(changed[next]! + PAGE, end, this.virtualSize);
        const before = run.push(cursor, pageStart - cursor, extent.kind);
        if (before) yield before;
        const page = run.push(pageStart, pageEnd - pageStart, 'data');
        if (page) yield page;
        cursor = pageEnd;
        if (changed[next]! + PAGE <= end) next++;
        else break;
      }
      const rest = run.push(cursor, end - cursor, extent.kind);
      if (rest) yield rest;
    }
    const last = run.flush();
    if (last) yield last;
  }

  private async pageForWrite(index: number): Promise<Uint8Array> {
    let page = this.pages.get(index);
    if (!page) {
      page = new Uint8Array(PAGE);
      page.set(await this.base.read(index * PAGE, PAGE));
      this.pages.set(index, page);
    }
    return page;
  }
}
