import { INCOMPAT, RO_COMPAT } from './features';
import { INODE_FLAG, S_IFMT, S_IFREG, inodeType, type ExtInode } from './inode';
import { STATE_ERROR, STATE_ORPHANS, STATE_VALID, hasJournal, type Superblock } from './superblock';

/**
 * When editing a file in place would be unsafe, and why: each rule is named after the feature or state it
 * guards (guest-repair note §3.1 and §3.5; E2FS ext2_fs.h). These are about the filesystem as a whole; checksum
 * and journal checks, which need reads, are added by the caller.
 */
const UNDERSTOOD_RO_COMPAT = Object.values(RO_COMPAT).reduce((mask, bit) => mask | bit, 0);

export function filesystemRefusal(sb: Superblock): string | null {
  if (sb.incompat & INCOMPAT.recover) return 'needs_recovery: the journal holds changes not yet written to the filesystem; mount it once or run e2fsck to replay them';
  if (sb.incompat & INCOMPAT.journalDev) return 'journal_dev: this is an external journal device, not a filesystem with files';
  if (hasJournal(sb) && sb.journalInum === 0) return 'has_journal: the journal is on another device, so its state cannot be checked';
  if (sb.state & STATE_ERROR) return 'the filesystem is marked as having errors (s_state); run e2fsck';
  if (!(sb.state & STATE_VALID)) return 'the filesystem was not cleanly unmounted (s_state), or is mounted; shut the guest down cleanly or run e2fsck';
  if (sb.state & STATE_ORPHANS || sb.lastOrphan !== 0) return `orphans: the filesystem has inodes still to be deleted (s_last_orphan ${sb.lastOrphan}); run e2fsck`;
  if (sb.roCompat & RO_COMPAT.orphanPresent) return 'orphan_present: the orphan file lists inodes still to be deleted; run e2fsck';
  if (sb.incompat & INCOMPAT.mmp) return 'mmp: multi-mount protection is on; another host may have it mounted';
  if (sb.incompat & INCOMPAT.compression) return 'compression: compressed ext2 is not supported';
  if (sb.roCompat & RO_COMPAT.bigalloc) return 'bigalloc: blocks are allocated in clusters, which this editor does not do';
  if (sb.roCompat & RO_COMPAT.sharedBlocks) return 'shared_blocks: blocks may be shared between files';
  if (sb.roCompat & RO_COMPAT.hasSnapshot) return 'snapshot: the filesystem has snapshots';
  if (sb.roCompat & RO_COMPAT.readonly) return 'read-only: the filesystem is marked read-only';
  if (sb.roCompat & RO_COMPAT.replica) return 'replica: replicated filesystems are not supported';
  if (sb.roCompat & ~UNDERSTOOD_RO_COMPAT) return `unknown read-only-compatible features 0x${(sb.roCompat & ~UNDERSTOOD_RO_COMPAT).toString(16)}`;
  if (sb.roCompat & RO_COMPAT.metadataCsum && sb.raw[0x175] !== 1) return `metadata_csum: unknown checksum type ${sb.raw[0x175]}`;
  return null;
}

/** Why this inode's contents cannot be rewritten in place, or null. */
export function fileRefusal(sb: Superblock, inode: ExtInode): string | null {
  const name = `inode ${inode.number}`;
  if ((inode.mode & S_IFMT) !== S_IFREG) return `${name} is a ${inodeType(inode.mode) === 'other' ? 'special file' : inodeType(inode.mode)}, not a regular file`;
  if (inode.linksCount === 0) return `${name} has no links (deleted or orphaned)`;
  if (inode.flags & INODE_FLAG.inlineData) return `inline_data: ${name} keeps its data inside the inode`;
  if (inode.flags & INODE_FLAG.encrypt) return `encrypt: ${name} is encrypted`;
  if (inode.flags & INODE_FLAG.verity) return `verity: ${name} is protected by fs-verity`;
  if (inode.flags & (INODE_FLAG.compressed | INODE_FLAG.compressedBlocks)) return `compression: ${name} is compressed`;
  if (inode.flags & INODE_FLAG.eaInode) return `ea_inode: ${name} holds an extended attribute value`;
  if (inode.flags & INODE_FLAG.immutable) return `${name} is immutable (chattr +i)`;
  if (inode.flags & INODE_FLAG.appendOnly) return `${name} is append-only (chattr +a)`;
  if (inode.flags & INODE_FLAG.hugeFile) return `huge_file: ${name} counts its blocks in filesystem blocks`;
  if (inode.flags & INODE_FLAG.extents && !(sb.incompat & INCOMPAT.extents)) return `${name} uses extents on a filesystem without the extent feature`;
  return null;
}

/** quota and project usage are in blocks: a change of the block count would leave them stale for e2fsck. */
export function quotaRefusal(sb: Superblock, blocksBefore: number, blocksAfter: number): string | null {
  if (blocksBefore === blocksAfter) return null;
  const feature = sb.roCompat & RO_COMPAT.quota ? 'quota' : sb.roCompat & RO_COMPAT.project ? 'project' : null;
  if (!feature) return null;
  return `${feature}: the file would go from ${blocksBefore} to ${blocksAfter} blocks and the quota usage would go stale; keep the new contents within the same number of blocks`;
}
