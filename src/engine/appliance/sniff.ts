import type { ByteSource } from '../io/byte-source';
import { looksLikeTar } from '../archive/tar-header';
import { isGzip } from '../archive/gzip';

/** What a file is, judged by its first bytes alone (never by its name). */
export type Sniffed = 'tar' | 'gzip' | 'zstd' | 'ovf-xml' | 'other';

/** The zstd frame magic number, 0xFD2FB528 little-endian (RFC 8878 §3.1.1). */
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

export async function sniff(source: ByteSource): Promise<Sniffed> {
  const head = await source.read(0, 1024);
  if (isGzip(head)) return 'gzip';
  if (ZSTD_MAGIC.every((byte, i) => head[i] === byte)) return 'zstd';
  if (head.length >= 512 && looksLikeTar(head.subarray(0, 512))) return 'tar';
  if (looksLikeOvfXml(head)) return 'ovf-xml';
  return 'other';
}

/**
 * An XML document whose root element is `Envelope` in any namespace prefix. The descriptor may be UTF-8 or
 * UTF-16 (with or without BOM); we decode just enough of the head to see the root element.
 */
export function looksLikeOvfXml(head: Uint8Array): boolean {
  const text = decodeHead(head);
  const withoutProlog = text
    .replace(/^\uFEFF/, '')
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    // A DOCTYPE is still an OVF candidate: the reader then refuses it with a clear message (no entity expansion).
    .replace(/<!DOCTYPE[^[>]*(\[[\s\S]*?\])?\s*>/i, '')
    .trimStart();
  return /^<([\w.-]+:)?Envelope[\s>/]/.test(withoutProlog);
}

function decodeHead(head: Uint8Array): string {
  if (head[0] === 0xff && head[1] === 0xfe) return new TextDecoder('utf-16le').decode(head);
  if (head[0] === 0xfe && head[1] === 0xff) return new TextDecoder('utf-16be').decode(head);
  // UTF-16 without a BOM: '<' followed or preceded by a NUL.
  if (head[0] === 0x3c && head[1] === 0) return new TextDecoder('utf-16le').decode(head);
  if (head[0] === 0 && head[1] === 0x3c) return new TextDecoder('utf-16be').decode(head);
  return new TextDecoder('utf-8').decode(head);
}
