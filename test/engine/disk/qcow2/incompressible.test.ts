import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { looksIncompressible } from '../../../../src/engine/disk/qcow2/incompressible';
import { pseudoRandom } from '../../../support/disks';

describe('looksIncompressible', () => {
  it('is true only for clusters deflate cannot shrink below the cluster size', () => {
    const random = pseudoRandom(65536, 5);
    expect(looksIncompressible(random)).toBe(true);
    expect(deflateRawSync(random).length).toBeGreaterThanOrEqual(65536);
    const text = Buffer.from('a cluster of ordinary text, which compresses well. '.repeat(1400).slice(0, 65536));
    expect(looksIncompressible(text)).toBe(false);
    expect(looksIncompressible(new Uint8Array(65536))).toBe(false);
    // Half random, half zeros: compressible, and not flagged.
    const half = Buffer.concat([pseudoRandom(32768, 6), Buffer.alloc(32768)]);
    expect(looksIncompressible(half)).toBe(false);
    expect(deflateRawSync(half).length).toBeLessThan(65536);
  });
});
