import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { xxhash64Hex } from '../../../src/engine/xva/xxhash64';
import { pseudoRandom } from '../../support/disks';
import { tempDir } from '../../support/packages';
import { describeWithTools } from '../../support/tools';

describe('XXH64', () => {
  it('matches the spec value for empty input and values computed by xxhsum -H1 (xxhash 0.8.1)', () => {
    expect(xxhash64Hex(new Uint8Array(0))).toBe('EF46DB3751D8E999');
    // "abc" (the short path), as xxhsum -H1 prints it.
    expect(xxhash64Hex(new TextEncoder().encode('abc'))).toBe('44BC2CF5AD770999');
  });

  it('every tail length (0..40 bytes past the stripes) agrees with itself split differently', () => {
    const data = pseudoRandom(300, 7);
    const seen = new Set<string>();
    for (let n = 0; n <= 72; n++) seen.add(xxhash64Hex(new Uint8Array(data.subarray(0, n))));
    expect(seen.size).toBe(73);
  });
});

describeWithTools(['xxhsum'], 'XXH64 against xxhsum', () => {
  it('agrees with xxhsum -H1 for every length class and a 1 MiB chunk', () => {
    const dir = tempDir('xxh');
    const lengths = [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 31, 32, 33, 63, 64, 65, 100, 1000, 4096 + 13, 1024 * 1024];
    for (const [index, length] of lengths.entries()) {
      const path = join(dir, `f${index}`);
      const data = pseudoRandom(length, index + 1);
      writeFileSync(path, data);
      const expected = execFileSync('xxhsum', ['-H1', path], { encoding: 'utf8' }).split(/\s+/)[0]!.toUpperCase();
      expect(xxhash64Hex(new Uint8Array(data)), `length ${length}`).toBe(expected);
    }
  });
});
