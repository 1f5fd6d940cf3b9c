import { VmferryError } from '../errors';
import { clampRead, type ByteSource } from './byte-source';

/**
 * A Blob or File as a ByteSource. `slice()` is lazy, so a multi-GB File picked by the user is read a chunk at a
 * time, from disk, in whatever worker holds it (Files clone cheaply into workers).
 */
export class BlobSource implements ByteSource {
  readonly size: number;

  constructor(
    private readonly blob: Blob,
    readonly name: string = (blob as { name?: string }).name ?? 'blob',
  ) {
    this.size = blob.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const count = clampRead(this, offset, length);
    if (count === 0) return new Uint8Array(0);
    try {
      return new Uint8Array(await this.blob.slice(offset, offset + count).arrayBuffer());
    } catch (error) {
      // A File whose underlying disk file changed or vanished after it was picked fails here (NotReadableError).
      throw new VmferryError('io', `Cannot read the file: ${(error as Error).message}`, {
        file: this.name,
        offset,
        hint: 'Was it moved, changed or deleted after it was opened? Open it again.',
      });
    }
  }
}
