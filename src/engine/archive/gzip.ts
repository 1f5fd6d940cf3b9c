/** gzip (RFC 1952) for compressed members (`ovf:compression="gzip"`, `.vmdk.gz`) and compressed XVAs. */
export { isGzip, looksLikeGzipMemberAt, readGzipSizeHint } from './gzip-header';
export { gunzipChunks, type GunzipOptions } from './gunzip';
export { nativeGzipDecompressor, type GzipDecompressor } from './gunzip-run';
export { ForwardReader, type ForwardReaderOptions } from './forward-reader';
