import { describe, expect, it } from 'vitest';
import { deflateZlib, inflateZlib, looksLikeZlib, ZlibError } from '../../../../src/engine/disk/vmdk/zlib';
import { pseudoRandom } from '../../../support/disks';

/** A zlib stream of stored blocks only (RFC 1950/1951), as zlib emits for incompressible data. */
function storedZlib(data: Uint8Array, blockSize: number, adlerDelta = 0): Uint8Array {
  const parts: number[] = [0x78, 0x01];
  for (let at = 0; at < data.length || at === 0; at += blockSize) {
    const block = data.subarray(at, at + blockSize);
    const last = at + blockSize >= data.length;
    parts.push(last ? 1 : 0, block.length & 0xff, block.length >> 8, ~block.length & 0xff, (~block.length >> 8) & 0xff, ...block);
  }
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  const adler = (((b << 16) | a) + adlerDelta) >>> 0;
  parts.push(adler >>> 24, (adler >>> 16) & 0xff, (adler >>> 8) & 0xff, adler & 0xff);
  return Uint8Array.from(parts);
}

describe('grain zlib helpers', () => {
  it('deflate then inflate gives the data back, for compressible and random grains', async () => {
    for (const data of [new Uint8Array(65536).fill(7), pseudoRandom(65536, 3)]) {
      const compressed = await deflateZlib(data);
      expect(looksLikeZlib(compressed)).toBe(true);
      expect(Buffer.from(await inflateZlib(compressed, 65536)).equals(Buffer.from(data))).toBe(true);
    }
  });

  it('stored-block streams are copied and their Adler-32 checked', async () => {
    const data = pseudoRandom(65536, 5);
    expect(Buffer.from(await inflateZlib(storedZlib(data, 16000), 65536)).equals(data)).toBe(true);
    await expect(inflateZlib(storedZlib(data, 16000, 1), 65536)).rejects.toThrow(/Adler-32/);
    await expect(inflateZlib(storedZlib(data, 65535), 4096)).rejects.toBeInstanceOf(ZlibError);
  });

  it('a stream that inflates past the grain, and garbage, are ZlibErrors', async () => {
    await expect(inflateZlib(await deflateZlib(new Uint8Array(70000)), 65536)).rejects.toBeInstanceOf(ZlibError);
    await expect(inflateZlib(Uint8Array.from([0x78, 0x9c, 0xff, 0xff, 0xff, 0xff]), 65536)).rejects.toBeInstanceOf(ZlibError);
  });

  it('with unknown length (no marker), bytes after the stream are ignored once the grain is full', async () => {
    const data = new Uint8Array(65536).fill(9);
    const compressed = await deflateZlib(data);
    const padded = new Uint8Array(compressed.length + 300).fill(0xee);
    padded.set(compressed);
    expect(Buffer.from(await inflateZlib(padded, 65536, true)).equals(Buffer.from(data))).toBe(true);
  });
});
