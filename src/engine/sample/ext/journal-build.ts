/**
 * The ext3 journal: an ordinary block-mapped file in inode 8 (KDOC `special_inodes.rst`) whose first block is
 * the JBD2 superblock (KDOC `journal.rst`, "Super Block"; all journal fields are big-endian) and whose other
 * blocks are zeros. A journal that holds nothing to replay is `s_start` = 0 with the filesystem's
 * needs_recovery flag clear; e2fsck then checks only the superblock's shape.
 */
export const JOURNAL_INODE = 8;
const JBD2_MAGIC = 0xc03b3998;
/** h_blocktype 4: superblock version 2, what mke2fs writes (version 1 cannot carry features). */
const JBD2_SUPERBLOCK_V2 = 4;
/** jbd2 refuses journals below JBD2_MIN_JOURNAL_BLOCKS (KDOC `journal.rst`; e2fsck calls it "too short"). */
export const MIN_JOURNAL_BLOCKS = 1024;

/**
 * The journal size mke2fs picks for a filesystem of `blocks` blocks (e2fsprogs `ext2fs_default_journal_size`,
 * a size table; mke2fs 1.47.0 gives a 40960-block filesystem 4096 journal blocks).
 */
export function defaultJournalBlocks(blocks: number): number {
  if (blocks < 2048) return 0;
  if (blocks < 32768) return 1024;
  if (blocks < 256 * 1024) return 4096;
  if (blocks < 512 * 1024) return 8192;
  if (blocks < 4096 * 1024) return 16384;
  return 32768;
}

/** Journal block 0: an empty, clean journal of `maxLength` blocks belonging to the filesystem `uuid`. */
export function buildJournalSuperblock(blockSize: number, maxLength: number, uuid: Uint8Array): Uint8Array {
  const block = new Uint8Array(blockSize);
  const view = new DataView(block.buffer);
  view.setUint32(0x00, JBD2_MAGIC); // h_magic
  view.setUint32(0x04, JBD2_SUPERBLOCK_V2); // h_blocktype
  view.setUint32(0x0c, blockSize); // s_blocksize
  view.setUint32(0x10, maxLength); // s_maxlen
  view.setUint32(0x14, 1); // s_first: the first log block, right after this superblock
  view.setUint32(0x18, 1); // s_sequence: the first transaction ID expected
  view.setUint32(0x1c, 0); // s_start 0: the journal is empty, nothing to replay
  block.set(uuid.subarray(0, 16), 0x30); // s_uuid: the filesystem's, for an internal journal
  view.setUint32(0x40, 1); // s_nr_users: one filesystem uses this journal
  return block;
}
