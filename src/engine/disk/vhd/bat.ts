import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import type { VhdDynamicHeader } from './dynamic-header';

/**
 * The block allocation table ("Virtual Hard Disk Image Format Specification" v1.0, §"Block Allocation Table
 * and Data Blocks"): one big-endian u32 per block, the sector (512-byte unit) where the block's sector bitmap
 * starts, its data right after; 0xFFFFFFFF for a block that is not stored.
 */
export const UNALLOCATED = 0xffff_ffff;

/** More entries than this is not a disk (2^24 blocks of 2 MiB is 32 TiB, sixteen times the VHD limit). */
const MAX_ENTRIES = 1 << 24;

export interface BatLayout {
  /** Blocks the virtual disk spans; the entries we load and check. */
  blockCount: number;
  /** Bytes of sector bitmap in front of each block's data. */
  bitmapSize: number;
  /** Where stored data must end: the footer at the end of the file. */
  dataEnd: number;
}

/**
 * Loads the entries the disk uses, after checking that the table is of a size a real file can hold, and that
 * every stored block lies inside the file: a bad table is reported before anything is allocated or read.
 */
export async function readBlockAllocationTable(source: ByteSource, header: VhdDynamicHeader, layout: BatLayout): Promise<Uint32Array> {
  const { tableOffset, maxTableEntries, blockSize } = header;
  const where = { file: source.name, offset: tableOffset };
  if (maxTableEntries > MAX_ENTRIES || maxTableEntries * 4 > source.size) {
    throw new VmferryError(
      'corrupt',
      `VHD block allocation table declares ${maxTableEntries} entries (${maxTableEntries * 4} bytes) in a file of ${source.size} bytes`,
      where,
    );
  }
  if (maxTableEntries < layout.blockCount) {
    throw new VmferryError(
      'corrupt',
      `VHD block allocation table has ${maxTableEntries} entries but the disk spans ${layout.blockCount} blocks of ${blockSize} bytes`,
      where,
    );
  }
  if (tableOffset + maxTableEntries * 4 > layout.dataEnd) {
    throw new VmferryError('corrupt', `VHD block allocation table (${maxTableEntries} entries) runs past the end of the file`, where);
  }
  const bytes = await readExact(source, tableOffset, layout.blockCount * 4, 'VHD block allocation table');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const table = new Uint32Array(layout.blockCount);
  for (let i = 0; i < layout.blockCount; i++) {
    const sector = view.getUint32(i * 4, false);
    if (sector !== UNALLOCATED && sector * 512 + layout.bitmapSize + blockSize > layout.dataEnd) {
      throw new VmferryError('corrupt', `VHD block allocation table entry ${i} points to sector ${sector}, past the end of the file`, {
        file: source.name,
        offset: tableOffset + i * 4,
      });
    }
    table[i] = sector;
  }
  return table;
}
