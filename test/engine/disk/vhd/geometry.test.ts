import { describe, expect, it } from 'vitest';
import { chsSectors, coveringGeometry, MAX_CHS, specGeometry } from '../../../../src/engine/disk/vhd/geometry';
import { sectorRuns } from '../../../../src/engine/disk/vhd/sector-bitmap';

describe('VHD CHS geometry', () => {
  it('follows the spec algorithm, which rounds down', () => {
    // 64 MiB: 17 sectors per track, heads = ceil(7710 / 1024) = 8, 963 cylinders; 963×8×17 < 131072.
    expect(specGeometry(131072)).toEqual({ cylinders: 963, heads: 8, sectorsPerTrack: 17 });
    expect(specGeometry(65535 * 16 * 63)).toEqual({ cylinders: 16191, heads: 16, sectorsPerTrack: 255 });
    expect(specGeometry(10 ** 12)).toEqual(MAX_CHS);
  });

  it('covers every size up to the CHS maximum with less than a cylinder to spare', () => {
    let seed = 3;
    const sizes = [1, 2, 17, 131072, 65535 * 16 * 63 - 1, 65535 * 16 * 63, 65535 * 16 * 255 - 1, 65535 * 16 * 255];
    for (let i = 0; i < 2000; i++) sizes.push((seed = (seed * 48271) % 2147483647) % (65535 * 16 * 255) + 1);
    for (const sectors of sizes) {
      const geometry = coveringGeometry(sectors);
      const covered = chsSectors(geometry);
      expect(covered, `${sectors} sectors`).toBeGreaterThanOrEqual(sectors);
      expect(covered - sectors, `${sectors} sectors`).toBeLessThan(2 * geometry.heads * geometry.sectorsPerTrack);
      expect(geometry.cylinders).toBeLessThanOrEqual(65535);
    }
    expect(coveringGeometry(65535 * 16 * 255 + 1)).toEqual(MAX_CHS);
  });
});

describe('VHD sector bitmap runs', () => {
  it('splits a range into runs of set and clear sectors, most significant bit first', () => {
    const bitmap = new Uint8Array(512);
    bitmap[0] = 0b1100_0001; // sectors 0, 1, 7
    bitmap[1] = 0xff; // 8..15
    bitmap[3] = 0x80; // 24
    expect([...sectorRuns(bitmap, 0, 32)]).toEqual([
      { start: 0, end: 2, present: true },
      { start: 2, end: 7, present: false },
      { start: 7, end: 16, present: true },
      { start: 16, end: 24, present: false },
      { start: 24, end: 25, present: true },
      { start: 25, end: 32, present: false },
    ]);
    expect([...sectorRuns(bitmap, 9, 12)]).toEqual([{ start: 9, end: 12, present: true }]);
    expect([...sectorRuns(bitmap, 5, 5)]).toEqual([]);
  });
});
