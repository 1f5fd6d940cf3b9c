import type { ByteSource } from '../io/byte-source';

/**
 * gzip (RFC 1952): a file is one or more members, each a 10-byte header (ID1 0x1F, ID2 0x8B, CM 8 = deflate,
 * FLG, MTIME, XFL, OS), optional fields, deflate data, and an 8-byte trailer (CRC32, ISIZE) — both little-endian.
 */

/** A gzip header at the start of `bytes`: magic and the deflate method, the only one RFC 1952 defines. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08;
}

/**
 * A member header could start at `at`: magic, CM 8, and none of FLG's reserved bits (RFC 1952 §2.3.1: "must be
 * zero"). Used to find where one member ends and the next begins.
 */
export function looksLikeGzipMemberAt(bytes: Uint8Array, at: number): boolean {
  return at + 10 <= bytes.length && isGzip(bytes.subarray(at)) && (bytes[at + 3]! & 0xe0) === 0;
}

/**
 * ISIZE from the trailer: the uncompressed size modulo 2^32 of the *last* member. Only a hint — wrong for data
 * of 4 GiB or more, and for files of several members — so nothing may rely on it, but it is free to read.
 */
export async function readGzipSizeHint(source: ByteSource): Promise<number | undefined> {
  if (source.size < 20) return undefined; // 10-byte header + smallest deflate stream (2) + 8-byte trailer
  const trailer = await source.read(source.size - 4, 4);
  if (trailer.length !== 4) return undefined;
  return new DataView(trailer.buffer, trailer.byteOffset, 4).getUint32(0, true);
}
