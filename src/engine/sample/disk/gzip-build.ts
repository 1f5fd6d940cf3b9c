import { compress } from '../../disk/compression';

/**
 * A gzip file (RFC 1952) of `data`, by the platform's CompressionStream: native zlib in Node and in browsers,
 * with a header of mtime 0, so the same input and zlib give the same bytes.
 */
export function gzipBytes(data: Uint8Array): Promise<Uint8Array> {
  return compress(data, 'gzip');
}
