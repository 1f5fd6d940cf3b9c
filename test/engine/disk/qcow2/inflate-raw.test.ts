import { deflateRawSync, constants } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateRaw, InflateError } from '../../../../src/engine/disk/qcow2/inflate-raw';
import { pseudoRandom } from '../../../support/disks';

/** Our inflater against zlib's deflater, on every block type and with the trailing bytes qcow2 leaves. */
describe('inflateRaw', () => {
  const cluster = 65536;
  const samples: Record<string, Buffer> = {
    random: pseudoRandom(cluster, 7),
    zeros: Buffer.alloc(cluster),
    text: Buffer.from('the quick brown fox jumps over the lazy dog. '.repeat(2000).slice(0, cluster)),
    mixed: Buffer.concat([pseudoRandom(20000, 3), Buffer.alloc(20000, 0x41), pseudoRandom(cluster - 40000, 5)]),
    runs: Buffer.from(Array.from({ length: cluster }, (_, i) => (i >> 9) & 0xff)),
  };

  for (const [name, data] of Object.entries(samples)) {
    for (const strategy of [constants.Z_DEFAULT_STRATEGY, constants.Z_FIXED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE]) {
      for (const level of [0, 1, 6, 9]) {
        it(`${name}, level ${level}, strategy ${strategy}`, () => {
          const compressed = deflateRawSync(data, { level, strategy });
          const junk = Buffer.concat([compressed, pseudoRandom(300, 9)]);
          expect(Buffer.from(inflateRaw(compressed, cluster)).equals(data)).toBe(true);
          expect(Buffer.from(inflateRaw(junk, cluster)).equals(data)).toBe(true);
        });
      }
    }
  }

  it('stops after the requested length, even inside a block', () => {
    const data = samples.mixed!;
    expect(Buffer.from(inflateRaw(deflateRawSync(data), 30000)).equals(data.subarray(0, 30000))).toBe(true);
  });

  it('refuses truncated and damaged streams', () => {
    const compressed = deflateRawSync(samples.text!);
    expect(() => inflateRaw(compressed.subarray(0, compressed.length >> 1), cluster)).toThrow(InflateError);
    expect(() => inflateRaw(deflateRawSync(samples.text!.subarray(0, 1000)), cluster)).toThrow(/ends after 1000/);
    const bad = Buffer.from(compressed);
    bad[0] = 0x07; // block type 3
    expect(() => inflateRaw(bad, cluster)).toThrow(InflateError);
    expect(() => inflateRaw(Buffer.from(pseudoRandom(2000, 11)), cluster)).toThrow(InflateError);
  });
});
