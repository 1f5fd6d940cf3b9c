/** The archive layer: tar read (ustar, pax, GNU) without copying member data, streaming tar write, gzip. */
export { listTar, type TarListing, type TarMember, type TarMemberType } from './tar-reader';
export { looksLikeTar, readTarHeaderName } from './tar-header';
export { TarWriter, type TarEntryOptions } from './tar-writer';
export { assertSafeMemberName, isMacMetadata, normaliseMemberName, unsafeNameReason } from './member-name';
export {
  gunzipChunks,
  ForwardReader,
  isGzip,
  nativeGzipDecompressor,
  readGzipSizeHint,
  type GunzipOptions,
  type GzipDecompressor,
  type ForwardReaderOptions,
} from './gzip';
export { decompressZstd } from './zstd';
export { decompressXz, XzError } from './xz';
