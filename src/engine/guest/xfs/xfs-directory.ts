import { VmferryError } from '../../errors';
import type { BlockDevice } from '../block-device';
import { hasMagic, viewOf } from '../partitions/bytes';
import { readExtents, readMapped } from './xfs-bmap';
import { FORMAT_LOCAL, type XfsInode } from './xfs-inode';
import type { XfsGeometry } from './xfs-superblock';

/**
 * XFS directories (XFS Algorithms & Data Structures, "Directories"):
 * - shortform, inside the inode: count u8, i8count u8, parent inode (4 bytes, or 8 when i8count > 0), then
 *   entries of namelen u8, offset u16, name, [ftype u8], inode number (4 or 8 bytes);
 * - otherwise data blocks in the first 32 GiB of the directory's address space (leaf and free-index blocks
 *   live above it and are not needed to list names). Each data block has a header ("XD2B"/"XD2D", 16 bytes; v5
 *   "XDB3"/"XDD3", 64 bytes), then entries: inumber u64, namelen u8, name, [ftype u8], padding to 8, tag u16;
 *   or unused space: 0xFFFF, length u16. A single-block directory ("XD2B"/"XDB3") ends with its hash leaf
 *   entries (8 bytes each) and a tail (count u32, stale u32), which are not entries.
 */
export interface XfsDirEntry {
  name: string;
  inode: bigint;
}

const LEAF_OFFSET_BYTES = 32 * 1024 * 1024 * 1024;
/** Far more than a guest's /etc or /boot holds; a larger map is damage (or an attack on memory). */
const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;
const decoder = new TextDecoder('utf-8');

export async function readDirectory(device: BlockDevice, geometry: XfsGeometry, inode: XfsInode): Promise<XfsDirEntry[]> {
  if (inode.format === FORMAT_LOCAL) return shortform(device, geometry, inode);
  const fail = (what: string) => new VmferryError('corrupt', `XFS directory inode ${inode.number}: ${what}`, { file: device.name });
  const extents = await readExtents(device, geometry, inode);
  const entries: XfsDirEntry[] = [];
  const dirBlock = geometry.dirBlockSize;
  const header = geometry.version === 5 ? 64 : 16;
  const [blockMagic, dataMagic] = geometry.version === 5 ? ['XDB3', 'XDD3'] : ['XD2B', 'XD2D'];
  const starts = new Set<number>();
  let mappedBytes = 0;
  for (const extent of extents) {
    if (extent.fileOffset * geometry.blockSize >= LEAF_OFFSET_BYTES) continue;
    mappedBytes += extent.length * geometry.blockSize;
    if (mappedBytes > MAX_DIRECTORY_BYTES) throw fail(`its data blocks exceed ${MAX_DIRECTORY_BYTES} bytes`);
    for (let b = 0; b < extent.length; b++) {
      const byte = (extent.fileOffset + b) * geometry.blockSize;
      if (byte < LEAF_OFFSET_BYTES) starts.add(byte - (byte % dirBlock));
    }
  }
  for (const start of [...starts].sort((a, b) => a - b)) {
    const block = await readMapped(device, geometry, extents, start, dirBlock);
    const view = viewOf(block);
    let end = dirBlock;
    if (hasMagic(block, 0, blockMagic)) {
      const leafCount = view.getUint32(dirBlock - 8, false);
      end = dirBlock - 8 - leafCount * 8;
      if (end < header) throw fail('its single-block leaf overlaps the entries');
    } else if (!hasMagic(block, 0, dataMagic)) {
      throw fail(`data block at directory offset ${start} has no ${dataMagic} magic`);
    }
    for (let at = header; at < end; ) {
      if (view.getUint16(at, false) === 0xffff) {
        const length = view.getUint16(at + 2, false);
        if (length < 8 || length % 8 !== 0 || at + length > end) throw fail(`an unused region at ${start + at} has length ${length}`);
        at += length;
        continue;
      }
      if (at + 12 > end) throw fail(`an entry at ${start + at} runs past the data`);
      const number = view.getBigUint64(at, false);
      const nameLength = block[at + 8]!;
      const size = Math.ceil((8 + 1 + nameLength + (geometry.hasFileType ? 1 : 0) + 2) / 8) * 8;
      if (nameLength === 0 || at + size > end) throw fail(`an entry at ${start + at} runs past the data`);
      const name = decoder.decode(block.subarray(at + 9, at + 9 + nameLength));
      if (name !== '.') entries.push({ name, inode: number });
      at += size;
    }
  }
  return entries;
}

function shortform(device: BlockDevice, geometry: XfsGeometry, inode: XfsInode): XfsDirEntry[] {
  const fork = inode.dataFork.subarray(0, Math.min(inode.size, inode.dataFork.length));
  const fail = () => new VmferryError('corrupt', `XFS directory inode ${inode.number}: its inline entries run past the inode`, { file: device.name });
  if (fork.length < 6) throw fail();
  const view = viewOf(fork);
  const count = fork[0]!;
  const wide = fork[1]! > 0;
  const numberBytes = wide ? 8 : 4;
  const readNumber = (at: number) => (wide ? view.getBigUint64(at, false) : BigInt(view.getUint32(at, false)));
  const entries: XfsDirEntry[] = [{ name: '..', inode: readNumber(2) }];
  let at = 2 + numberBytes;
  for (let i = 0; i < count; i++) {
    if (at + 3 > fork.length) throw fail();
    const nameLength = fork[at]!;
    const nameAt = at + 3;
    const numberAt = nameAt + nameLength + (geometry.hasFileType ? 1 : 0);
    if (nameLength === 0 || numberAt + numberBytes > fork.length) throw fail();
    entries.push({ name: decoder.decode(fork.subarray(nameAt, nameAt + nameLength)), inode: readNumber(numberAt) });
    at = numberAt + numberBytes;
  }
  return entries;
}
