import { gunzipChunks } from '../../archive';
import { MemorySource } from '../../io/memory-source';
import { CpioNewcLister } from './cpio-newc';
import { lz4LegacyBlocks } from './lz4-legacy';
import { decompressXz, decompressZstd } from '../../archive';

/**
 * The file names inside an initrd/initramfs. It is one or more cpio 'newc' archives, each plain or compressed:
 * typically an uncompressed early-microcode cpio (Ubuntu, RHEL 7+) followed by the gzip/xz/lz4/zstd-compressed
 * main archive (kernel Documentation/driver-api/early-userspace/buffer-format.rst). gzip, zstd, xz and LZ4
 * (legacy frame) are listed here; the rest (bzip2, lzop, lzma) are reported by name, honestly, as not listable.
 */
export type InitrdCompression = 'gzip' | 'xz' | 'lzma' | 'lz4' | 'zstd' | 'bzip2' | 'lzop';

export interface InitrdListing {
  names: string[];
  /** Null when everything was listed; otherwise what stopped the listing: `cannot list (zstd)`. */
  problem: string | null;
  /** The compressions met, in order ('none' for a plain cpio segment). */
  segments: (InitrdCompression | 'none')[];
}

const MAGICS: [InitrdCompression, number[]][] = [
  ['gzip', [0x1f, 0x8b]],
  ['gzip', [0x1f, 0x9e]], // old gzip magic, accepted by the kernel's decompressor table
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['lz4', [0x02, 0x21, 0x4c, 0x18]], // legacy frame, what the kernel and lz4 -l write
  ['lz4', [0x04, 0x22, 0x4d, 0x18]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['lzop', [0x89, 0x4c, 0x5a, 0x4f]],
  ['lzma', [0x5d, 0x00, 0x00]],
];

export function compressionAt(bytes: Uint8Array, offset: number): InitrdCompression | null {
  for (const [name, magic] of MAGICS) {
    if (magic.every((byte, i) => bytes[offset + i] === byte)) return name;
  }
  return null;
}

export async function listInitrd(bytes: Uint8Array, name: string): Promise<InitrdListing> {
  const names: string[] = [];
  const segments: InitrdListing['segments'] = [];
  let position = 0;
  while (position < bytes.length) {
    while (position < bytes.length && bytes[position] === 0) position++;
    if (position >= bytes.length) break;
    const compression = compressionAt(bytes, position);
    if (compression === null) {
      // A plain cpio segment; the lister says where the next, foreign, segment starts.
      const lister = new CpioNewcLister();
      lister.push(bytes.subarray(position));
      names.push(...lister.names);
      if (lister.error) return { names, segments, problem: `${name}: ${lister.error} at byte ${position}` };
      segments.push('none');
      if (lister.foreignAt === null) break;
      position += lister.foreignAt;
      continue;
    }
    segments.push(compression);
    if (compression === 'lz4' && bytes[position] === 0x02) {
      const lister = new CpioNewcLister();
      try {
        for (const block of lz4LegacyBlocks(bytes, position)) if (!lister.push(block)) break;
      } catch (error) {
        if (lister.trailers === 0) return { names: [...names, ...lister.names], segments, problem: `${name}: ${(error as Error).message}` };
      }
      names.push(...lister.names);
      if (lister.error) return { names, segments, problem: `${name}: ${lister.error} inside the LZ4 data` };
      break;
    }
    if (compression === 'zstd' || compression === 'xz') {
      const lister = new CpioNewcLister();
      const decompress = compression === 'zstd' ? decompressZstd : decompressXz;
      try {
        decompress(bytes, position, (chunk) => lister.push(chunk));
      } catch (error) {
        // Padding or another segment after the compressed data may upset the decoder once the archive is complete.
        if (lister.trailers === 0) return { names: [...names, ...lister.names], segments, problem: `${name}: ${compression}: ${(error as Error).message}` };
      }
      names.push(...lister.names);
      if (lister.error) return { names, segments, problem: `${name}: ${lister.error} inside the ${compression} data` };
      if (lister.trailers === 0) return { names, segments, problem: `${name}: the ${compression} data ends before the cpio archive does` };
      break;
    }
    if (compression !== 'gzip') return { names, segments, problem: `cannot list (${compression})` };
    const lister = new CpioNewcLister();
    try {
      for await (const chunk of gunzipChunks(new MemorySource(bytes.subarray(position), name))) {
        if (!lister.push(chunk)) break;
      }
    } catch (error) {
      // Data after the compressed archive may upset the decompressor once the archive is complete.
      if (lister.trailers === 0) return { names: [...names, ...lister.names], segments, problem: `${name}: ${(error as Error).message}` };
    }
    names.push(...lister.names);
    if (lister.error) return { names, segments, problem: `${name}: ${lister.error} inside the gzip data` };
    break;
  }
  return { names, segments, problem: null };
}
