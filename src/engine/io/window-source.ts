import { VmferryError } from '../errors';
import { clampRead, type ByteSource } from './byte-source';

/**
 * A range of another source, seen as a source of its own: a tar member inside an OVA, a partition inside a
 * disk. No bytes are copied; reads are translated.
 */
export class WindowSource implements ByteSource {
  constructor(
    private readonly parent: ByteSource,
    private readonly start: number,
    readonly size: number,
    readonly name: string,
  ) {
    if (start < 0 || size < 0 || start + size > parent.size) {
      throw new VmferryError(
        'truncated',
        `${name} claims bytes ${start}..${start + size} but the file has only ${parent.size} bytes`,
        { file: parent.name, offset: start },
      );
    }
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    const count = clampRead(this, offset, length);
    return this.parent.read(this.start + offset, count);
  }
}
