/** The sample appliance: generated at build time by src/app/pwa/sample-plugin.ts, served at SAMPLE_OVA_PATH. */
export { buildSampleOva, buildSampleRawDisk, SAMPLE_OVA_PATH, SAMPLE_SEED, type SampleMember, type SampleOva } from './sample-appliance';
export { DISK_BYTES as SAMPLE_DISK_BYTES, SAMPLE_PARTITIONS } from './disk/sample-disk';
export { formatExt, type ExtFormatOptions } from './ext/format-ext';
export { dir, file, symlink, type FsDirectory, type FsFile, type FsNode, type FsSymlink } from './ext/fs-tree';
