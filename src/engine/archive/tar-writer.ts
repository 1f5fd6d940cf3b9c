import { VmferryError } from '../errors';
import type { ByteSink } from '../io/byte-sink';
import { assertSafeMemberName } from './member-name';
import { buildEntryHeaders } from './tar-header-build';
import { BLOCK_SIZE, paddedSize } from './tar-layout';

export interface TarEntryOptions {
  /** Seconds since 1970; defaults to the time the writer was created, so every entry of one archive agrees. */
  mtime?: number;
  /** Permission bits; defaults to 0o644 for files, 0o755 for directories. */
  mode?: number;
}

/** The end-of-archive marker: two zero blocks (IEEE 1003.1 `pax`, ustar "two consecutive blocks of zeros"). */
const END_OF_ARCHIVE = new Uint8Array(2 * BLOCK_SIZE);
const PADDING = new Uint8Array(BLOCK_SIZE);

/**
 * Writes a tar archive onto a sink, one entry after another, each entry's data passed straight through in the
 * chunks it comes in. Sizes are declared up front, as tar headers need them before the data; data longer or
 * shorter than declared fails the whole archive (the sink is aborted, so no broken file is left behind).
 *
 * Entries are ustar where ustar can express them and pax (`x` header with `path`, `size`, `mtime`) where it
 * cannot: names over ustar's 100 + 155 bytes or not ASCII, sizes of 8 GiB and more.
 */
export class TarWriter {
  private state: 'idle' | 'writing' | 'finished' | 'failed' = 'idle';
  private readonly defaultMtime = Math.floor(Date.now() / 1000);
  /** Bytes written so far: where the next entry's header starts. */
  offset = 0;

  constructor(private readonly sink: ByteSink) {}

  async addFile(name: string, size: number, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: TarEntryOptions = {}): Promise<void> {
    this.assertIdle(`add ${JSON.stringify(name)}`);
    if (!Number.isSafeInteger(size) || size < 0) throw new VmferryError('usage', `Invalid size ${size} for ${JSON.stringify(name)}`, { file: this.sink.name });
    const headers = this.headers(name, size, options, '0');
    this.state = 'writing';
    try {
      await this.put(headers);
      const written = await this.copyData(name, size, chunks);
      if (written < size) {
        throw new VmferryError('size-mismatch', `The data for ${JSON.stringify(name)} ended after ${written} bytes, but ${size} were declared`, {
          file: this.sink.name,
        });
      }
      await this.put(PADDING.subarray(0, paddedSize(size) - size));
      this.state = 'idle';
    } catch (error) {
      throw await this.fail(error);
    }
  }

  /** A directory entry; an OVA needs none, but an archive meant for people may want them. */
  async addDirectory(name: string, options: TarEntryOptions = {}): Promise<void> {
    this.assertIdle(`add ${JSON.stringify(name)}`);
    const headers = this.headers(name.replace(/\/+$/, '') + '/', 0, { mode: 0o755, ...options }, '5');
    this.state = 'writing';
    try {
      await this.put(headers);
      this.state = 'idle';
    } catch (error) {
      throw await this.fail(error);
    }
  }

  /** Writes the end-of-archive blocks and closes (commits) the sink. */
  async finish(): Promise<void> {
    this.assertIdle('finish');
    this.state = 'writing';
    try {
      await this.put(END_OF_ARCHIVE);
      await this.sink.close();
      this.state = 'finished';
    } catch (error) {
      throw await this.fail(error);
    }
  }

  /** Gives up: the sink discards what was written. */
  async abort(reason?: unknown): Promise<void> {
    if (this.state === 'finished' || this.state === 'failed') return;
    this.state = 'failed';
    await this.sink.abort(reason);
  }

  /** Validation errors (a bad name, a call out of turn) are the caller's and leave the archive as it was. */
  private assertIdle(what: string): void {
    if (this.state !== 'idle') {
      throw new VmferryError('usage', `Cannot ${what}: the tar writer is ${this.state === 'writing' ? 'still writing the previous entry' : this.state}`, {
        file: this.sink.name,
      });
    }
  }

  private headers(name: string, size: number, options: TarEntryOptions, typeflag: '0' | '5'): Uint8Array {
    if (name === '' || name.includes('\u0000')) throw new VmferryError('usage', `Invalid tar member name ${JSON.stringify(name)}`, { file: this.sink.name });
    assertSafeMemberName(name, this.sink.name);
    const mode = options.mode ?? 0o644;
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777777) throw new VmferryError('usage', `Invalid mode ${mode} for ${JSON.stringify(name)}`, { file: this.sink.name });
    const mtime = Math.floor(options.mtime ?? this.defaultMtime);
    return buildEntryHeaders({ name, size, mtime, mode, typeflag });
  }

  private async copyData(name: string, size: number, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<number> {
    let written = 0;
    for await (const chunk of chunks) {
      if (written + chunk.length > size) {
        throw new VmferryError('size-mismatch', `The data for ${JSON.stringify(name)} is longer than the ${size} bytes declared`, {
          file: this.sink.name,
        });
      }
      await this.put(chunk);
      written += chunk.length;
    }
    return written;
  }

  private async put(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    await this.sink.write(bytes);
    this.offset += bytes.length;
  }

  /** Aborts the sink (once) and returns the error to throw. */
  private async fail(error: unknown): Promise<unknown> {
    if (this.state !== 'failed') {
      this.state = 'failed';
      try {
        await this.sink.abort(error);
      } catch {
        // The original error is what the caller needs to see.
      }
    }
    return error;
  }
}
