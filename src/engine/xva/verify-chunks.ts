import { throwIfAborted } from '../errors';
import { readExact } from '../io/byte-source';
import { createHash } from '../io/hash';
import type { ChecksumKind, XvaChunk } from './chunk-table';
import { xxhash64Hex } from './xxhash64';

export interface ChunkCheckOptions {
  signal?: AbortSignal;
  /** Bytes of chunk data checked so far, out of the total. */
  onProgress?: (done: number, total: number, chunk: string) => void;
  /** Whether every chunk must carry a checksum (XAPI exports with `export_vsn` > 0 always do). */
  requireChecksums?: boolean;
}

/** What a checksum file must contain for `data`, exactly as XAPI compares it (a string comparison). */
export function chunkChecksum(kind: ChecksumKind, data: Uint8Array): string {
  if (kind === 'xxhash') return xxhash64Hex(data);
  const hash = createHash('sha1');
  hash.update(data);
  return hash.digestHex();
}

/**
 * Reads every chunk once and compares it with its `.checksum` (SHA-1, lower-case hex) or `.xxhash` (XXH64,
 * upper-case hex) member. XAPI compares the strings exactly, so case matters there; here a mismatch in case
 * alone is still reported as a digest mismatch, because XenServer would refuse the file.
 * Returns one line per problem, naming the chunk.
 */
export async function verifyXvaChunks(chunks: readonly XvaChunk[], options: ChunkCheckOptions = {}): Promise<string[]> {
  const problems: string[] = [];
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  let done = 0;
  for (const chunk of chunks) {
    throwIfAborted(options.signal);
    const data = await readExact(chunk.data, 0, chunk.length, `chunk ${chunk.name}`);
    if (!chunk.checksum) {
      if (options.requireChecksums) problems.push(`${chunk.name}: no .checksum or .xxhash member follows this chunk`);
    } else {
      const stored = new TextDecoder().decode(await readExact(chunk.checksum.source, 0, chunk.checksum.source.size, 'checksum'));
      const actual = chunkChecksum(chunk.checksum.kind, data);
      if (stored !== actual) {
        const file = chunk.checksum.kind === 'xxhash' ? '.xxhash' : '.checksum';
        problems.push(`${chunk.name}: ${file} says ${JSON.stringify(stored.slice(0, 80))} but the chunk's ${chunk.checksum.kind === 'xxhash' ? 'XXH64' : 'SHA-1'} is ${actual}`);
      }
    }
    done += chunk.length;
    options.onProgress?.(done, total, chunk.name);
  }
  return problems;
}
