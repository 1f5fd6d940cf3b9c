import { open, type FileHandle } from 'node:fs/promises';
import { VmferryError } from '../engine/errors';
import { clampRead, type ByteSource } from '../engine/io/byte-source';
import { fileDataRanges, type DataRange } from './file-data-ranges';

/** A file on disk as a ByteSource: positioned reads through one open handle, opened read-only. */
export class NodeFileSource implements ByteSource {
  private constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    readonly name: string,
    readonly size: number,
  ) {}

  static async open(path: string, name = path): Promise<NodeFileSource> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      throw new VmferryError('io', `Cannot open: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
        file: path,
      });
    }
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      throw new VmferryError('usage', 'Not a regular file', { file: path });
    }
    return new NodeFileSource(handle, path, name, stat.size);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const count = clampRead(this, offset, length);
    // Not zero-filled (every byte is overwritten by the read, or cut off below; zeroing 4 MiB per read costs), and
    // a plain Uint8Array over it, not a Buffer: the engine relies on Uint8Array semantics (Buffer#slice is a view).
    const slow = Buffer.allocUnsafeSlow(count);
    const buffer = new Uint8Array(slow.buffer, slow.byteOffset, count);
    let done = 0;
    while (done < count) {
      const { bytesRead } = await this.handle.read(buffer, done, count - done, offset + done);
      if (bytesRead === 0) break; // the file shrank under us; callers see a short read
      done += bytesRead;
    }
    return done === count ? buffer : buffer.subarray(0, done);
  }

  private ranges: Promise<DataRange[] | null> | null = null;

  /** Asked once: where the file holds data (see file-data-ranges.ts). */
  dataRanges(): Promise<DataRange[] | null> {
    this.ranges ??= fileDataRanges(this.path, this.size);
    return this.ranges;
  }

  async readInto(offset: number, target: Uint8Array): Promise<number> {
    const count = clampRead(this, offset, target.length);
    let done = 0;
    while (done < count) {
      const { bytesRead } = await this.handle.read(target, done, count - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
