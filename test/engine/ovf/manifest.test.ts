import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkManifestEntries, formatManifest, manifestAlgorithm, parseManifest } from '../../../src/engine/ovf/manifest';
import { MemorySource } from '../../../src/engine/io/memory-source';
import { isVmferryError } from '../../../src/engine/errors';

const FIXTURES = resolve(__dirname, '../../../../shared/fixtures/ovf');
const sha = (algorithm: string, data: Uint8Array) => createHash(algorithm).update(data).digest('hex');

describe('parseManifest', () => {
  it('reads the VirtualBox OVF 2.0 manifest from the fixtures, and its digest matches the descriptor', () => {
    const text = readFileSync(resolve(FIXTURES, 'cot-ubuntu-ovf20.mf'), 'utf8');
    const entries = parseManifest(text, 'cot-ubuntu-ovf20.mf');
    expect(entries.map((e) => e.file)).toEqual(['ubuntu.2.0.ovf', 'ubuntu.2.0-disk1.vmdk']);
    expect(entries[0]!.algorithm).toBe('sha256');
    const descriptor = readFileSync(resolve(FIXTURES, 'cot-ubuntu-ovf20.ovf'));
    expect(entries[0]!.digest).toBe(sha('sha256', descriptor));
  });

  it('accepts both spacing styles and all three algorithms', () => {
    const text =
      `SHA1(a.ovf)= ${'a'.repeat(40)}\r\n` +
      `SHA256 (b.vmdk) = ${'B'.repeat(64)}\n\n` +
      `SHA512(c d.iso)=${'c'.repeat(128)}\n`;
    const entries = parseManifest(text, 'x.mf');
    expect(entries.map((e) => [e.algorithm, e.file, e.digest.slice(0, 2)])).toEqual([
      ['sha1', 'a.ovf', 'aa'],
      ['sha256', 'b.vmdk', 'bb'],
      ['sha512', 'c d.iso', 'cc'],
    ]);
    expect(manifestAlgorithm(entries)).toBe('mixed');
    expect(manifestAlgorithm(entries.slice(1, 2))).toBe('sha256');
  });

  it('rejects a malformed line or a digest of the wrong length, naming file and line', () => {
    expect(() => parseManifest('SHA256(a.ovf)= abc\n', 'x.mf')).toThrow(/x\.mf: Manifest line 1.*64 hex digits/);
    try {
      parseManifest(`SHA256(a.ovf)= ${'a'.repeat(64)}\nMD5(b)= 00\n`, 'y.mf');
      expect.unreachable();
    } catch (error) {
      expect(isVmferryError(error, 'corrupt')).toBe(true);
      expect((error as Error).message).toMatch(/y\.mf: Manifest line 2/);
    }
  });

  it('formats what it parses', () => {
    const entries = [{ algorithm: 'sha256' as const, file: 'a.ovf', digest: 'f'.repeat(64) }];
    expect(parseManifest(formatManifest(entries), 'm.mf').map(({ line: _line, ...rest }) => rest)).toEqual(entries);
  });
});

describe('checkManifestEntries', () => {
  const ovf = new TextEncoder().encode('<Envelope/>');
  const disk = Uint8Array.from({ length: 9_000_000 }, (_, i) => i % 251);
  const files = new Map([
    ['a.ovf', new MemorySource(ovf, 'a.ovf')],
    ['disk1.vmdk', new MemorySource(disk, 'disk1.vmdk')],
  ]);

  it('passes when every digest matches, reporting progress up to the total', async () => {
    const entries = parseManifest(`SHA256(a.ovf)= ${sha('sha256', ovf)}\nSHA1(disk1.vmdk)= ${sha('sha1', disk)}\n`, 'a.mf');
    let last = { done: 0, total: 0 };
    const mismatches = await checkManifestEntries(entries, files, ['a.ovf', 'disk1.vmdk'], {
      onProgress: (done, total) => (last = { done, total }),
    });
    expect(mismatches).toEqual([]);
    expect(last).toEqual({ done: ovf.length + disk.length, total: ovf.length + disk.length });
  });

  it('names each file whose digest differs, each listed file that is missing, and each file not listed', async () => {
    const tampered = disk.slice();
    tampered[8_999_999]! ^= 1;
    const entries = parseManifest(`SHA256(disk1.vmdk)= ${sha('sha256', tampered)}\nSHA256(gone.iso)= ${'0'.repeat(64)}\n`, 'a.mf');
    const mismatches = await checkManifestEntries(entries, files, ['a.ovf', 'disk1.vmdk']);
    expect(mismatches).toEqual([
      { file: 'a.ovf', problem: 'not-listed', expected: null, actual: null },
      { file: 'disk1.vmdk', problem: 'digest', expected: sha('sha256', tampered), actual: sha('sha256', disk) },
      { file: 'gone.iso', problem: 'missing-file', expected: '0'.repeat(64), actual: null },
    ]);
  });
});
