/** First allocation of the window: most blocks are far smaller than the dictionary their preset declares. */
const INITIAL_CAPACITY = 1024 * 1024;

/**
 * The LZ dictionary: the last `dictionarySize` bytes of output, which matches copy from, kept in a circular
 * buffer that doubles as the output buffer. Output is handed on (`flush`) as views into this buffer, so a piece
 * is valid only until the decoder continues; memory is the dictionary, never the whole output.
 *
 * The buffer starts small and doubles up to the dictionary size while it has not wrapped yet, so a 64 MiB preset
 * (`xz -9`) on a small file costs little. It is reused from block to block and never shrinks, so the largest
 * dictionary seen bounds memory.
 */
export class LzmaWindow {
  private buffer = new Uint8Array(0);
  /** Where the next byte goes in `buffer`. */
  private position = 0;
  /** Start of the bytes not yet handed on. */
  private flushed = 0;
  private dictionarySize = 0;
  /** Bytes written since the last dictionary reset: the LZMA "position" and the reach of a match. */
  total = 0;
  /** Set once `emit` returns false: nothing more is handed on. */
  stopped = false;

  /** `emit` receives each piece of output; it returns false when it wants no more. */
  constructor(private readonly emit: (piece: Uint8Array) => boolean) {}

  /** Starts a block: an empty dictionary of (at most) `dictionarySize` bytes. */
  startBlock(dictionarySize: number): void {
    this.dictionarySize = dictionarySize;
    if (this.buffer.length === 0) this.buffer = new Uint8Array(Math.min(dictionarySize, INITIAL_CAPACITY));
    this.reset();
  }

  /** LZMA2 dictionary reset: earlier output can no longer be referred to. */
  reset(): void {
    this.flush();
    this.position = 0;
    this.flushed = 0;
    this.total = 0;
  }

  /** How far back a match may reach: what was written since the reset, up to the buffer's size. */
  private available(): number {
    return Math.min(this.total, this.buffer.length);
  }

  /** Whether a match at `distance` (0 = the previous byte) stays within the data written since the reset. */
  reaches(distance: number): boolean {
    return distance < this.available();
  }

  /** The byte `distance + 1` bytes back (the caller has checked `reaches`, or knows the window is not empty). */
  byteAt(distance: number): number {
    let at = this.position - distance - 1;
    if (at < 0) at += this.buffer.length;
    return this.buffer[at] ?? 0;
  }

  /** The byte before the next one, or 0 at the start of the dictionary (LZMA's "previous byte" context). */
  previousByte(): number {
    return this.total === 0 ? 0 : this.byteAt(0);
  }

  put(byte: number): void {
    this.buffer[this.position++] = byte;
    this.total++;
    if (this.position === this.buffer.length) this.atEnd();
  }

  /** Repeats `length` bytes starting `distance + 1` bytes back; the copy may overlap what it writes. */
  copyMatch(distance: number, length: number): void {
    let from = this.position - distance - 1;
    if (from < 0) from += this.buffer.length;
    while (length > 0) {
      const run = Math.min(length, this.buffer.length - this.position, this.buffer.length - from);
      if (distance + 1 >= run) {
        this.buffer.copyWithin(this.position, from, from + run);
      } else {
        // Overlapping: the bytes being copied are being written by this same copy (a run of a short pattern).
        for (let i = 0; i < run; i++) this.buffer[this.position + i] = this.buffer[from + i]!;
      }
      this.position += run;
      this.total += run;
      length -= run;
      from += run;
      if (from === this.buffer.length) from = 0;
      if (this.position === this.buffer.length) this.atEnd();
    }
  }

  /** Appends the bytes of an LZMA2 uncompressed chunk. */
  copyIn(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) {
      const run = Math.min(bytes.length - at, this.buffer.length - this.position);
      this.buffer.set(bytes.subarray(at, at + run), this.position);
      this.position += run;
      this.total += run;
      at += run;
      if (this.position === this.buffer.length) this.atEnd();
    }
  }

  /** Hands on what was written since the last flush. */
  flush(): void {
    if (this.position > this.flushed && !this.stopped) this.stopped = !this.emit(this.buffer.subarray(this.flushed, this.position));
    this.flushed = this.position;
  }

  /** The buffer is full: grow it while it is smaller than the dictionary, otherwise hand it on and wrap. */
  private atEnd(): void {
    if (this.buffer.length < this.dictionarySize) {
      const grown = new Uint8Array(Math.min(this.dictionarySize, this.buffer.length * 2));
      grown.set(this.buffer);
      this.buffer = grown;
      return;
    }
    this.flush();
    this.position = 0;
    this.flushed = 0;
  }
}
