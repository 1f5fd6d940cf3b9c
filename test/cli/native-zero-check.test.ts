import { afterEach, describe, expect, it } from 'vitest';
import { nativeIsAllZero } from '../../src/cli/native-zero-check';
import { forEachZeroRun, installNativeZeroCheck, isAllZero } from '../../src/engine/disk/zero';

/** Buffers with zeros and a few set bytes at awkward places: offsets, lengths and chunk boundaries. */
function cases(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const length of [1, 3, 4095, 4096, 4097, 65536, 1024 * 1024 + 5, 3 * 1024 * 1024]) {
    out.push(new Uint8Array(length));
    for (const at of [0, length >> 1, length - 1, Math.min(length - 1, 1024 * 1024)]) {
      const bytes = new Uint8Array(length);
      bytes[at] = 1 << (at % 8);
      out.push(bytes);
    }
  }
  // Views that start at odd offsets of a larger buffer.
  const big = new Uint8Array(70_000);
  big[69_999] = 7;
  out.push(big.subarray(3, 69_999), big.subarray(5));
  return out;
}

describe('the native zero check of the CLI', () => {
  afterEach(() => installNativeZeroCheck(null));

  it('agrees with the engine word loop on every case', () => {
    for (const bytes of cases()) expect(nativeIsAllZero(bytes), `${bytes.length} bytes`).toBe(isAllZero(bytes));
  });

  it('installed, the engine answers the same, and zero runs split the same way', () => {
    const expected = cases().map((bytes) => {
      const runs: [number, number, boolean][] = [];
      forEachZeroRun(bytes, 4096, (start, end, zero) => runs.push([start, end, zero]));
      return { zero: isAllZero(bytes), runs };
    });
    installNativeZeroCheck(nativeIsAllZero);
    cases().forEach((bytes, i) => {
      const runs: [number, number, boolean][] = [];
      forEachZeroRun(bytes, 4096, (start, end, zero) => runs.push([start, end, zero]));
      expect({ zero: isAllZero(bytes), runs }).toEqual(expected[i]);
    });
  });
});
