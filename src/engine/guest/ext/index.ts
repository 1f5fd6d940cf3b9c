/** ext2/ext3/ext4: read in TypeScript, files rewritten in place when safe (see write-file.ts and refusals.ts). */
export { openExt, ExtFs, type ExtOpenOptions } from './ext-fs';
export { hasExtMagic, SUPERBLOCK_OFFSET, type Superblock } from './superblock';
export { type ExtInode, inodeType } from './inode';
export { type DirEntry } from './directory';
export { featureNames } from './features';
