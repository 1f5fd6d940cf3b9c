import { be32 } from './little-endian';

/**
 * The jbd2 journal superblock, the first block of the journal inode (KDOC `journal.rst`; big-endian):
 * h_magic 0xC03B3998, h_blocktype 3 (v1) or 4 (v2), ... s_start @0x1C (first block of the log still to be
 * replayed, 0 when empty), s_errno @0x20.
 */
const JBD2_MAGIC = 0xc03b3998;
const SUPERBLOCK_V1 = 3;
const SUPERBLOCK_V2 = 4;

export interface JournalState {
  start: number;
  errno: number;
}

/** The journal superblock's state, or a sentence saying why it is not a journal superblock. */
export function parseJournalSuperblock(block: Uint8Array): JournalState | string {
  if (block.length < 0x24 || be32(block, 0) !== JBD2_MAGIC) return 'the journal superblock has no jbd2 magic';
  const type = be32(block, 4);
  if (type !== SUPERBLOCK_V1 && type !== SUPERBLOCK_V2) return `the journal superblock has block type ${type}`;
  return { start: be32(block, 0x1c), errno: be32(block, 0x20) | 0 };
}

/**
 * Why the journal makes editing unsafe, or null. The superblock's needs_recovery flag is authoritative and is
 * checked by the caller; a journal whose log is not empty (s_start ≠ 0) or that recorded an error is refused
 * too, since the kernel would replay or distrust it at the next mount.
 */
export function journalRefusal(block: Uint8Array): string | null {
  const state = parseJournalSuperblock(block);
  if (typeof state === 'string') return `journal: ${state}`;
  if (state.start !== 0) return `journal: the log holds transactions not yet replayed (s_start = ${state.start}); mount the filesystem once or run e2fsck to replay it`;
  if (state.errno !== 0) return `journal: it recorded error ${state.errno}; run e2fsck`;
  return null;
}
