import { VmferryError } from '../src/engine/errors';
import type { ByteSink } from '../src/engine/io/byte-sink';

/** A positional write or a seek, as FileSystemWritableFileStream.write takes them (File System Access §WriteParams). */
export type WriteCommand = { type: 'write'; position: number; data: Uint8Array<ArrayBuffer> } | { type: 'seek'; position: number };

/** What the sink needs of a FileSystemWritableFileStream (File System Access), so tests can pass a fake. */
export interface Writable {
  write(data: Uint8Array<ArrayBuffer> | WriteCommand): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}

/**
 * A ByteSink over a File System Access writable. Chromium writes into a swap file (`name.crswap`) and moves it
 * over the real file only on `close()`; `abort()` deletes the swap file, so the user's file never holds a half
 * output. Written sequentially from the start, never with `keepExistingData`, which would copy the whole file
 * into the swap first (WICG/file-system-access #260); `writeAt` patches what this writable wrote itself (a disk
 * writer's tables, in its single pass) and seeks back to the end.
 */
export class WritableSink implements ByteSink {
  private done = false;
  private position = 0;

  constructor(
    private readonly writable: Writable,
    readonly name: string,
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    try {
      await this.writable.write(chunk as Uint8Array<ArrayBuffer>);
    } catch (error) {
      throw ioError(this.name, 'write', error);
    }
    this.position += chunk.length;
  }

  async writeAt(offset: number, bytes: Uint8Array): Promise<void> {
    if (offset + bytes.length > this.position) throw new Error(`${this.name}: patch at ${offset} runs past what was written`);
    try {
      await this.writable.write({ type: 'write', position: offset, data: bytes as Uint8Array<ArrayBuffer> });
      await this.writable.write({ type: 'seek', position: this.position });
    } catch (error) {
      throw ioError(this.name, 'write', error);
    }
  }

  async close(): Promise<void> {
    this.done = true;
    try {
      await this.writable.close();
    } catch (error) {
      throw ioError(this.name, 'save', error);
    }
  }

  async abort(reason?: unknown): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.writable.abort(reason instanceof Error ? reason.message : reason).catch(() => undefined);
  }
}

/** A browser write failure (quota, permission, disk full) as the engine's error, naming the file. */
function ioError(name: string, what: string, error: unknown): VmferryError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const full = /quota|space/i.test(reason);
  return new VmferryError('io', `Could not ${what} ${name}: ${reason}`, {
    file: name,
    ...(full ? { hint: 'The disk (or the browser storage quota) is full; free some space or choose another place.' } : {}),
  });
}
