/**
 * The cpio "new ASCII" format that initramfs uses (kernel Documentation/driver-api/early-userspace/
 * buffer-format.rst): a 110-byte header of `070701` (or `070702`, with checksum) and 13 eight-digit hex fields,
 * the name (namesize bytes with its NUL), padding to 4 bytes, the data, padding to 4 bytes. `TRAILER!!!` ends
 * an archive; the kernel accepts several archives one after the other, with zero padding between them.
 *
 * The lister is fed bytes as they are decompressed and keeps only the header being read, so listing a 100 MB
 * initrd holds a few hundred bytes, not the files.
 */
export const NEWC_HEADER = 110;
const MAX_NAME = 4096;

export class CpioNewcLister {
  readonly names: string[] = [];
  /** Archives that ended with `TRAILER!!!`. */
  trailers = 0;
  /**
   * Where data that is not cpio starts after a complete archive (the compressed main archive after an early
   * microcode cpio), as a byte offset in everything pushed; null while all data was cpio.
   */
  foreignAt: number | null = null;
  private pending = new Uint8Array(0);
  /** Offset of `pending[0]` in everything pushed. */
  private base = 0;
  private skip = 0;
  private problem: string | null = null;
  private afterTrailer = true;

  get error(): string | null {
    return this.problem;
  }

  /** Feeds the next bytes; returns false once the data is not cpio (the error says why). */
  push(chunk: Uint8Array): boolean {
    if (this.problem || this.foreignAt !== null) return false;
    let at = 0;
    if (this.skip > 0) {
      const skipped = Math.min(this.skip, chunk.length);
      this.skip -= skipped;
      this.base += skipped;
      at = skipped;
    }
    const data = at === 0 && this.pending.length === 0 ? chunk : concat(this.pending, chunk.subarray(at));
    let offset = 0;
    for (;;) {
      // Zero padding between archives.
      while (offset < data.length && data[offset] === 0 && this.afterTrailer) offset++;
      if (data.length - offset < 6) break;
      const magic = ascii(data, offset, 6);
      if (magic !== '070701' && magic !== '070702') {
        if (this.trailers > 0 && this.afterTrailer) {
          this.foreignAt = this.base + offset;
          return false;
        }
        this.problem = `not a cpio 'newc' archive (found ${JSON.stringify(magic)} where a header should start)`;
        return false;
      }
      if (data.length - offset < NEWC_HEADER) break;
      const field = (index: number) => parseInt(ascii(data, offset + 6 + index * 8, 8), 16);
      const fileSize = field(6);
      const nameSize = field(11);
      if (!Number.isFinite(fileSize) || !Number.isFinite(nameSize) || nameSize < 1 || nameSize > MAX_NAME) {
        this.problem = 'a cpio header has an impossible name or file size';
        return false;
      }
      const nameEnd = pad4(NEWC_HEADER + nameSize);
      if (data.length - offset < nameEnd) break;
      const name = ascii(data, offset + NEWC_HEADER, nameSize - 1);
      offset += nameEnd;
      if (name === 'TRAILER!!!') {
        this.trailers++;
        this.afterTrailer = true;
        continue;
      }
      this.afterTrailer = false;
      const path = name.replace(/^\.?\//, '');
      if (path !== '.' && path !== '') this.names.push(path);
      const dataSize = pad4(fileSize);
      if (data.length - offset < dataSize) {
        this.skip = dataSize - (data.length - offset);
        offset = data.length;
        break;
      }
      offset += dataSize;
    }
    this.pending = data.slice(offset);
    this.base += offset;
    return true;
  }
}

export function looksLikeCpio(bytes: Uint8Array, offset = 0): boolean {
  const magic = ascii(bytes, offset, 6);
  return magic === '070701' || magic === '070702';
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  let text = '';
  for (let i = offset; i < Math.min(bytes.length, offset + length); i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
