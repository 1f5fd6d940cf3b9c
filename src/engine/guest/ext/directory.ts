import { VmferryError } from '../../errors';
import { crc32cRaw } from '../../io/crc32c';
import { u16, u32 } from './little-endian';

/**
 * Directory entries (KDOC `directory.rst`): inode (4), rec_len (2), name_len (1, or 2 without the filetype
 * feature), file_type (1), name. Entries with inode 0 are unused space. Hashed (htree) directories are read
 * linearly too: their index blocks look like one unused entry spanning the block (or, in block 0, like a ".."
 * entry spanning it), so a linear reader skips them. Under metadata_csum a leaf block ends in a 12-byte fake
 * entry (inode 0, rec_len 12, name_len 0, type 0xDE) holding crc32c(inode seed, block[0 .. size−12)); an htree
 * node instead has a dx_tail after its `limit` entries.
 */
export interface DirEntry {
  inode: number;
  name: string;
  /** 1 file, 2 directory, 7 symlink, ... (0 when the filesystem does not record types). */
  fileType: number;
}

const TAIL_SIZE = 12;
const TAIL_FILE_TYPE = 0xde;
const decoder = new TextDecoder();

/**
 * rec_len, with the 64 KiB-block encoding (EXT4_MAX_REC_LEN / 0 mean the whole block, low bits carry bits 16-17:
 * E2FS `ext2fs_get_rec_len`).
 */
export function recordLength(bytes: Uint8Array, at: number, blockSize: number): number {
  const length = u16(bytes, at + 4);
  if (blockSize < 65536) return length;
  if (length === 65535 || length === 0) return blockSize;
  return (length & 65532) | ((length & 3) << 16);
}

export interface DirectoryParse {
  hasFileType: boolean;
  blockSize: number;
  where: string;
  deviceName: string;
}

/** The used entries of one directory block (or of an inline-data directory area, whose "block" is smaller). */
export function parseDirectoryEntries(bytes: Uint8Array, parse: DirectoryParse): DirEntry[] {
  const entries: DirEntry[] = [];
  for (let at = 0; at + 8 <= bytes.length; ) {
    const recLen = recordLength(bytes, at, parse.blockSize);
    const nameLength = parse.hasFileType ? bytes[at + 6]! : u16(bytes, at + 6);
    if (recLen < 8 || recLen % 4 !== 0 || at + recLen > bytes.length || 8 + nameLength > recLen) {
      throw new VmferryError('corrupt', `ext: ${parse.where}: directory entry at byte ${at} has rec_len ${recLen} and name length ${nameLength}`, {
        file: parse.deviceName,
      });
    }
    const inode = u32(bytes, at);
    if (inode !== 0 && nameLength > 0) {
      entries.push({ inode, name: decoder.decode(bytes.subarray(at + 8, at + 8 + nameLength)), fileType: parse.hasFileType ? bytes[at + 7]! : 0 });
    }
    at += recLen;
  }
  return entries;
}

export function hasDirentTail(block: Uint8Array): boolean {
  const at = block.length - TAIL_SIZE;
  return at >= 0 && u32(block, at) === 0 && u16(block, at + 4) === TAIL_SIZE && block[at + 6] === 0 && block[at + 7] === TAIL_FILE_TYPE;
}

/** The htree count/limit position of an index block, or -1 (E2FS csum.c `__get_dx_countlimit`). */
export function dxCountOffset(block: Uint8Array): number {
  const blockSize = block.length;
  const first = recordLength(block, 0, blockSize);
  if (first === blockSize && u16(block, 6) === 0) return 8; // interior node: one empty entry spans the block
  if (first !== 12) return -1;
  // Root: "." (12 bytes), ".." spanning the rest, then dx_root_info whose info_length is 8.
  if (recordLength(block, 12, blockSize) !== blockSize - 12 || block[24 + 5] !== 8) return -1;
  return 32;
}

/** Why a directory block's checksum does not verify, or null (E2FS `ext2fs_dir_block_csum_verify`). */
export function directoryBlockChecksumProblem(inodeSeed: number, block: Uint8Array, where: string): string | null {
  if (hasDirentTail(block)) {
    const stored = u32(block, block.length - 4);
    const computed = crc32cRaw(inodeSeed, block.subarray(0, block.length - TAIL_SIZE));
    return stored === computed ? null : `${where} checksum is 0x${stored.toString(16)}, computed 0x${computed.toString(16)}`;
  }
  const countAt = dxCountOffset(block);
  if (countAt < 0) return `${where} has no checksum tail`;
  const limit = u16(block, countAt);
  const count = u16(block, countAt + 2);
  const tailAt = countAt + limit * 8;
  if (count > limit || tailAt + 8 > block.length) return `${where} (htree index) has no room for its checksum`;
  // crc32c(inode seed, block[0 .. count entries)) then the dx_tail with its checksum field taken as zero.
  const tail = block.slice(tailAt, tailAt + 8);
  tail.fill(0, 4);
  const computed = crc32cRaw(crc32cRaw(inodeSeed, block.subarray(0, countAt + count * 8)), tail);
  const stored = u32(block, tailAt + 4);
  return stored === computed ? null : `${where} (htree index) checksum is 0x${stored.toString(16)}, computed 0x${computed.toString(16)}`;
}
