/**
 * Feature flags of the ext2/3/4 superblock (KDOC `super.rst` tables super_compat, super_incompat,
 * super_rocompat), named as e2fsprogs names them in `dumpe2fs` and `debugfs features` (lib/e2p/feature.c), so
 * what we report matches what an administrator sees with the real tools.
 */
export const COMPAT = {
  dirPrealloc: 0x1,
  imagicInodes: 0x2,
  hasJournal: 0x4,
  extAttr: 0x8,
  resizeInode: 0x10,
  dirIndex: 0x20,
  lazyBg: 0x40,
  excludeBitmap: 0x100,
  sparseSuper2: 0x200,
  fastCommit: 0x400,
  stableInodes: 0x800,
  orphanFile: 0x1000,
} as const;

export const INCOMPAT = {
  compression: 0x1,
  filetype: 0x2,
  recover: 0x4,
  journalDev: 0x8,
  metaBg: 0x10,
  extents: 0x40,
  is64bit: 0x80,
  mmp: 0x100,
  flexBg: 0x200,
  eaInode: 0x400,
  dirdata: 0x1000,
  csumSeed: 0x2000,
  largedir: 0x4000,
  inlineData: 0x8000,
  encrypt: 0x10000,
  casefold: 0x20000,
} as const;

export const RO_COMPAT = {
  sparseSuper: 0x1,
  largeFile: 0x2,
  btreeDir: 0x4,
  hugeFile: 0x8,
  gdtCsum: 0x10,
  dirNlink: 0x20,
  extraIsize: 0x40,
  hasSnapshot: 0x80,
  quota: 0x100,
  bigalloc: 0x200,
  metadataCsum: 0x400,
  replica: 0x800,
  readonly: 0x1000,
  project: 0x2000,
  sharedBlocks: 0x4000,
  verity: 0x8000,
  orphanPresent: 0x10000,
} as const;

const COMPAT_NAMES: [number, string][] = [
  [COMPAT.dirPrealloc, 'dir_prealloc'],
  [COMPAT.imagicInodes, 'imagic_inodes'],
  [COMPAT.hasJournal, 'has_journal'],
  [COMPAT.extAttr, 'ext_attr'],
  [COMPAT.resizeInode, 'resize_inode'],
  [COMPAT.dirIndex, 'dir_index'],
  [COMPAT.lazyBg, 'lazy_bg'],
  [COMPAT.excludeBitmap, 'snapshot_bitmap'],
  [COMPAT.sparseSuper2, 'sparse_super2'],
  [COMPAT.fastCommit, 'fast_commit'],
  [COMPAT.stableInodes, 'stable_inodes'],
  [COMPAT.orphanFile, 'orphan_file'],
];

const INCOMPAT_NAMES: [number, string][] = [
  [INCOMPAT.compression, 'compression'],
  [INCOMPAT.filetype, 'filetype'],
  [INCOMPAT.recover, 'needs_recovery'],
  [INCOMPAT.journalDev, 'journal_dev'],
  [INCOMPAT.metaBg, 'meta_bg'],
  [INCOMPAT.extents, 'extent'],
  [INCOMPAT.is64bit, '64bit'],
  [INCOMPAT.mmp, 'mmp'],
  [INCOMPAT.flexBg, 'flex_bg'],
  [INCOMPAT.eaInode, 'ea_inode'],
  [INCOMPAT.dirdata, 'dirdata'],
  [INCOMPAT.csumSeed, 'metadata_csum_seed'],
  [INCOMPAT.largedir, 'large_dir'],
  [INCOMPAT.inlineData, 'inline_data'],
  [INCOMPAT.encrypt, 'encrypt'],
  [INCOMPAT.casefold, 'casefold'],
];

const RO_COMPAT_NAMES: [number, string][] = [
  [RO_COMPAT.sparseSuper, 'sparse_super'],
  [RO_COMPAT.largeFile, 'large_file'],
  [RO_COMPAT.btreeDir, 'btree_dir'],
  [RO_COMPAT.hugeFile, 'huge_file'],
  [RO_COMPAT.gdtCsum, 'uninit_bg'],
  [RO_COMPAT.dirNlink, 'dir_nlink'],
  [RO_COMPAT.extraIsize, 'extra_isize'],
  [RO_COMPAT.hasSnapshot, 'snapshot'],
  [RO_COMPAT.quota, 'quota'],
  [RO_COMPAT.bigalloc, 'bigalloc'],
  [RO_COMPAT.metadataCsum, 'metadata_csum'],
  [RO_COMPAT.replica, 'replica'],
  [RO_COMPAT.readonly, 'read-only'],
  [RO_COMPAT.project, 'project'],
  [RO_COMPAT.sharedBlocks, 'shared_blocks'],
  [RO_COMPAT.verity, 'verity'],
  [RO_COMPAT.orphanPresent, 'orphan_present'],
];

/** Incompatible features a reader must understand; anything else makes the filesystem unreadable to us. */
export const READABLE_INCOMPAT = INCOMPAT_NAMES.reduce((mask, [bit]) => mask | bit, 0);

export interface FeatureSet {
  compat: number;
  incompat: number;
  roCompat: number;
}

/** Feature names in e2fsprogs' order (compat, incompat, ro_compat); unknown bits as `FEATURE_<class><bit>`. */
export function featureNames({ compat, incompat, roCompat }: FeatureSet): string[] {
  return [...namesOf(compat, COMPAT_NAMES, 'C'), ...namesOf(incompat, INCOMPAT_NAMES, 'I'), ...namesOf(roCompat, RO_COMPAT_NAMES, 'R')];
}

function namesOf(mask: number, table: [number, string][], letter: string): string[] {
  const names: string[] = [];
  for (let bit = 0; bit < 32; bit++) {
    const value = (1 << bit) >>> 0;
    if (!(mask & value)) continue;
    names.push(table.find(([flag]) => flag === value)?.[1] ?? `FEATURE_${letter}${bit}`);
  }
  return names;
}
