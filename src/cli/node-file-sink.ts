import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ByteSink } from '../engine/io/byte-sink';

/** Measured on 4 GiB conversions: 16, 32 and 64 MiB all beat no early sync by 20-30%; 32 MiB is the steadiest. */
const SYNC_EVERY = 32 * 1024 * 1024;

/**
 * Writes to `<dir>/.<name>.vmferry-partial-<pid>` and renames onto the real name only on close(), so the
 * output appears only when complete; abort() (or a failure) removes the partial file.
 */
export class NodeFileSink implements ByteSink {
  private finished = false;
  private position = 0;
  private unsynced = 0;
  private syncing: Promise<void> | null = null;

  private constructor(
    private readonly handle: FileHandle,
    private readonly partialPath: string,
    private readonly finalPath: string,
  ) {}

  static async create(path: string): Promise<NodeFileSink> {
    const partialPath = join(dirname(path), `.${basename(path)}.vmferry-partial-${process.pid}`);
    const handle = await open(partialPath, 'w');
    return new NodeFileSink(handle, partialPath, path);
  }

  get name(): string {
    return this.finalPath;
  }

  async write(chunk: Uint8Array): Promise<void> {
    let done = 0;
    while (done < chunk.length) {
      const { bytesWritten } = await this.handle.write(chunk, done, chunk.length - done, this.position + done);
      done += bytesWritten;
    }
    this.position += chunk.length;
    this.syncInBackground(chunk.length);
  }

  async writeAt(offset: number, bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, offset + done);
      done += bytesWritten;
    }
    this.syncInBackground(bytes.length);
  }

  /**
   * Every SYNC_EVERY bytes, starts putting what was written on disk (fdatasync on the thread pool) while the
   * conversion goes on, so that the final sync in close() has little left to wait for: the disk works during the
   * conversion instead of after it. One sync at a time; a failure is reported by close().
   */
  private syncInBackground(written: number): void {
    this.unsynced += written;
    if (this.unsynced < SYNC_EVERY || this.syncing) return;
    this.unsynced = 0;
    const sync = this.handle.datasync().finally(() => {
      if (this.syncing === sync) this.syncing = null;
    });
    sync.catch(() => undefined); // surfaced by close()
    this.syncing = sync;
  }

  /** Leaves a hole: the file system stores nothing for it, as `qemu-img convert` does for raw output. */
  async skipZeros(length: number): Promise<void> {
    this.position += length;
  }

  async close(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    try {
      // A trailing hole has no bytes written after it; setting the size makes it part of the file.
      await this.syncing;
      await this.handle.truncate(this.position);
      await this.handle.sync();
      await this.handle.close();
      await rename(this.partialPath, this.finalPath);
    } catch (error) {
      await rm(this.partialPath, { force: true });
      throw error;
    }
  }

  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.syncing?.catch(() => undefined);
    await this.handle.close().catch(() => undefined);
    await rm(this.partialPath, { force: true });
  }
}
