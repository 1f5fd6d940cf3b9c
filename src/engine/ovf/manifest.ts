import { VmferryError, throwIfAborted } from '../errors';
import { readChunks, type ByteSource } from '../io/byte-source';
import { createHash, type HashAlgorithm } from '../io/hash';
import type { ManifestMismatch } from '../appliance/report';

/**
 * The OVF manifest (`.mf`, DSP0243 §5.1): one line per file, `SHA256(disk1.vmdk)= 3f2a...`. Tools disagree on the
 * spacing around `=` (ovftool writes `)= `, others ` = `), so both are accepted, as are SHA1 and SHA512.
 */
export interface ManifestEntry {
  algorithm: HashAlgorithm;
  file: string;
  digest: string;
  line: number;
}

const LINE = /^(SHA1|SHA256|SHA512)\s*\((.+)\)\s*=\s*([0-9a-fA-F]+)\s*$/;
const DIGEST_HEX_LENGTH: Record<HashAlgorithm, number> = { sha1: 40, sha256: 64, sha512: 128 };

export function parseManifest(text: string, fileName: string): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const match = LINE.exec(line);
    if (!match) {
      throw new VmferryError('corrupt', `Manifest line ${index + 1} is not "ALGORITHM(file)= digest": "${clip(line)}"`, {
        file: fileName,
      });
    }
    const algorithm = match[1]!.toLowerCase() as HashAlgorithm;
    const digest = match[3]!.toLowerCase();
    if (digest.length !== DIGEST_HEX_LENGTH[algorithm]) {
      throw new VmferryError(
        'corrupt',
        `Manifest line ${index + 1}: a ${match[1]} digest has ${DIGEST_HEX_LENGTH[algorithm]} hex digits, this one has ${digest.length}`,
        { file: fileName },
      );
    }
    entries.push({ algorithm, file: match[2]!.trim(), digest, line: index + 1 });
  });
  return entries;
}

/** The algorithm the manifest uses, or 'mixed'. */
export function manifestAlgorithm(entries: readonly ManifestEntry[]): string {
  const used = new Set(entries.map((entry) => entry.algorithm));
  if (used.size === 0) return 'none';
  return used.size === 1 ? [...used][0]! : 'mixed';
}

export function formatManifest(entries: readonly { algorithm: HashAlgorithm; file: string; digest: string }[]): string {
  return entries.map((e) => `${e.algorithm.toUpperCase()}(${e.file})= ${e.digest}\n`).join('');
}

export interface ManifestCheckOptions {
  /** Called after every chunk with the bytes hashed so far across all files. */
  onProgress?: (done: number, total: number, file: string) => void;
  signal?: AbortSignal;
}

/**
 * Hashes each listed file while streaming it once and compares. `files` are the package's files by the name the
 * manifest uses; `expected` names the files the manifest must cover (the descriptor and every referenced file),
 * so a file it forgets is reported too.
 */
export async function checkManifestEntries(
  entries: readonly ManifestEntry[],
  files: ReadonlyMap<string, ByteSource>,
  expected: readonly string[],
  { onProgress, signal }: ManifestCheckOptions = {},
): Promise<ManifestMismatch[]> {
  const mismatches: ManifestMismatch[] = [];
  const listed = new Set(entries.map((entry) => entry.file));
  for (const name of expected) {
    if (!listed.has(name)) mismatches.push({ file: name, problem: 'not-listed', expected: null, actual: null });
  }
  const total = entries.reduce((sum, entry) => sum + (files.get(entry.file)?.size ?? 0), 0);
  let done = 0;
  for (const entry of entries) {
    throwIfAborted(signal);
    const source = files.get(entry.file);
    if (!source) {
      mismatches.push({ file: entry.file, problem: 'missing-file', expected: entry.digest, actual: null });
      continue;
    }
    const hash = createHash(entry.algorithm);
    try {
      for await (const chunk of readChunks(source, { signal })) {
        hash.update(chunk);
        done += chunk.length;
        onProgress?.(done, total, entry.file);
      }
    } catch (error) {
      if (error instanceof VmferryError && error.code === 'aborted') throw error;
      mismatches.push({ file: entry.file, problem: 'unreadable', expected: entry.digest, actual: null });
      continue;
    }
    const actual = hash.digestHex();
    if (actual !== entry.digest) mismatches.push({ file: entry.file, problem: 'digest', expected: entry.digest, actual });
  }
  return mismatches;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
