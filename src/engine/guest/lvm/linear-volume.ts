import { VmferryError } from '../../errors';
import { concatBytes } from '../../io/bytes';
import type { BlockDevice } from '../block-device';

/**
 * A linear logical volume as a BlockDevice: consecutive pieces, each a run of extents at a byte offset on one PV.
 * A read or write that crosses a segment boundary is split at it, which is all device-mapper's "linear" target
 * does.
 */
export interface LinearPiece {
  /** Where the piece starts in the LV, and its length, in bytes. */
  start: number;
  length: number;
  pv: BlockDevice;
  /** Byte offset on the PV device (pe_start + first extent × extent size). */
  pvOffset: number;
}

export function linearVolumeDevice(name: string, pieces: LinearPiece[]): BlockDevice {
  const size = pieces.reduce((sum, piece) => sum + piece.length, 0);
  const each = async (offset: number, length: number, visit: (piece: LinearPiece, at: number, count: number, done: number) => Promise<void>) => {
    let done = 0;
    for (const piece of pieces) {
      if (done === length) break;
      const position = offset + done;
      if (position >= piece.start + piece.length) continue;
      const at = position - piece.start;
      const count = Math.min(piece.length - at, length - done);
      await visit(piece, at, count, done);
      done += count;
    }
  };
  return {
    name,
    size,
    read: async (offset, length) => {
      const wanted = Math.max(0, Math.min(length, size - offset));
      const parts: Uint8Array[] = [];
      await each(offset, wanted, async (piece, at, count) => {
        const bytes = await piece.pv.read(piece.pvOffset + at, count);
        if (bytes.length < count) {
          throw new VmferryError('truncated', `${name}: the physical volume ends ${count - bytes.length} bytes early`, { file: piece.pv.name, offset: piece.pvOffset + at });
        }
        parts.push(bytes.length === count ? bytes : bytes.subarray(0, count));
      });
      return parts.length === 0 ? new Uint8Array(0) : concatBytes(parts);
    },
    write: async (offset, bytes) => {
      if (offset < 0 || offset + bytes.length > size) {
        throw new VmferryError('usage', `Write of ${bytes.length} bytes at ${offset} is outside ${name} (${size} bytes)`);
      }
      await each(offset, bytes.length, (piece, at, count, done) => piece.pv.write(piece.pvOffset + at, bytes.subarray(done, done + count)));
    },
  };
}
