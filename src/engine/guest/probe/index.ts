export { probeFilesystem } from './probe-filesystem';
export type { FilesystemProbe, FilesystemType } from './filesystem-probe';
