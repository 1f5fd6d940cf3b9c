import { describe, expect, it } from 'vitest';
import { crc32c, crc32cRaw } from '../../../src/engine/io/crc32c';
import { pseudoRandom } from '../../support/disks';

/** The definition, one bit at a time: the independent reference the table-driven code is checked against. */
function bitwiseCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

const ascii = (text: string) => new TextEncoder().encode(text);

describe('crc32c', () => {
  it('matches the published check values', () => {
    // The CRC catalogue's check value for CRC-32/ISCSI, and the RFC 3720 B.4 test patterns.
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('agrees with the bitwise definition at every length and alignment', () => {
    const data = new Uint8Array(pseudoRandom(300, 7));
    for (const start of [0, 1, 3, 5]) {
      for (const length of [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 255]) {
        const view = data.subarray(start, start + length);
        expect(crc32c(view), `start ${start} length ${length}`).toBe(bitwiseCrc32c(view));
      }
    }
  });

  it('chains: the CRC of a+b continues from the CRC of a', () => {
    const data = new Uint8Array(pseudoRandom(10_000, 3));
    const whole = crc32c(data);
    for (const cut of [0, 1, 8, 4097, 9999, 10_000]) {
      expect(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut)))).toBe(whole);
    }
  });

  it('exposes the bare register for formats that skip the inversions', () => {
    const data = ascii('123456789');
    expect(~crc32cRaw(0xffffffff, data) >>> 0).toBe(0xe3069283);
    expect(crc32cRaw(crc32cRaw(0xffffffff, data.subarray(0, 4)), data.subarray(4))).toBe(crc32cRaw(0xffffffff, data));
  });

  it('checksums 64 MiB in well under a second', () => {
    const data = new Uint8Array(64 * 1024 * 1024).fill(0xa5);
    const started = performance.now();
    crc32c(data);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
