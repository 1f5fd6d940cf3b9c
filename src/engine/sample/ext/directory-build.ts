import { VmferryError } from '../../errors';

/**
 * Linear directories (KDOC `directory.rst`, "Linear (Classic) Directories"), with the filetype feature:
 * `struct ext2_dir_entry_2` = inode (u32), rec_len (u16), name_len (u8), file_type (u8), name padded to 4 bytes.
 * An entry never crosses a block; the last entry of a block stretches its rec_len to the block's end, and a block
 * with no entries is one empty entry (inode 0) covering it. "." and ".." come first.
 */
export const FT_REG_FILE = 1;
export const FT_DIR = 2;
export const FT_SYMLINK = 7;

export interface DirectoryEntry {
  name: string;
  inode: number;
  fileType: number;
}

const HEADER = 8;
const MAX_NAME = 255;

export function directoryBlocks(entries: readonly DirectoryEntry[], blockSize: number, minBlocks: number, name: string): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  let block = new Uint8Array(blockSize);
  let at = 0;
  let last = -1; // offset of the last entry in the current block
  const close = () => {
    if (last < 0) emptyEntry(block, blockSize);
    else new DataView(block.buffer).setUint16(last + 4, blockSize - last, true);
    blocks.push(block);
  };
  for (const entry of entries) {
    const nameBytes = new TextEncoder().encode(entry.name);
    if (nameBytes.length === 0 || nameBytes.length > MAX_NAME || nameBytes.includes(0x2f) || nameBytes.includes(0)) {
      throw new VmferryError('usage', `"${entry.name}" cannot be a directory entry name`, { file: name });
    }
    const length = recordLength(nameBytes.length);
    if (at + length > blockSize) {
      close();
      block = new Uint8Array(blockSize);
      at = 0;
      last = -1;
    }
    const view = new DataView(block.buffer);
    view.setUint32(at, entry.inode, true);
    view.setUint16(at + 4, length, true);
    block[at + 6] = nameBytes.length;
    block[at + 7] = entry.fileType;
    block.set(nameBytes, at + HEADER);
    last = at;
    at += length;
  }
  close();
  while (blocks.length < minBlocks) {
    const empty = new Uint8Array(blockSize);
    emptyEntry(empty, blockSize);
    blocks.push(empty);
  }
  return blocks;
}

function recordLength(nameLength: number): number {
  return (HEADER + nameLength + 3) & ~3;
}

function emptyEntry(block: Uint8Array, blockSize: number): void {
  new DataView(block.buffer).setUint16(4, blockSize, true);
}
