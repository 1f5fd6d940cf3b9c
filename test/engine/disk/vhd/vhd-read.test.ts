import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { DiskExtent } from '../../../../src/engine/disk/virtual-disk';
import { convertFile, makeMixedRaw, MiB, pseudoRandom, qemuCompare, qemuImg } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { fileDataRanges } from '../../../../src/cli/file-data-ranges';
import { describeWithTools } from '../../../support/tools';
import { buildVhd, newUuid, SECTOR } from './vhd-spec-builder';
import { collect, withDiskFile } from './vhd-test-helpers';

/**
 * Every VHD qemu-img makes (subformat dynamic and fixed, each with and without force_size, i.e. creators
 * `qemu` and `qem2`), at a size CHS geometry represents exactly (17 MiB = 512×4×17 sectors) and one it does
 * not (64 MiB, which qemu rounds up for `qemu`), read by our engine and checked against qemu-img.
 */
const SIZES = [17 * MiB, 64 * MiB];
const VARIANTS = [
  { subformat: 'dynamic', forceSize: false, creator: 'qemu' },
  { subformat: 'dynamic', forceSize: true, creator: 'qem2' },
  { subformat: 'fixed', forceSize: false, creator: 'qemu' },
  { subformat: 'fixed', forceSize: true, creator: 'qem2' },
] as const;

interface QemuInfo {
  'virtual-size': number;
}

interface QemuMapEntry {
  start: number;
  length: number;
  data: boolean;
}

const qemuInfo = (path: string) => JSON.parse(qemuImg('info', '--output=json', '-f', 'vpc', path)) as QemuInfo;

/** Data ranges, merged where they touch. */
function dataRanges(extents: { start: number; length: number; data: boolean }[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const { start, length, data } of extents) {
    if (!data) continue;
    const last = ranges.at(-1);
    if (last && last[1] === start) last[1] = start + length;
    else ranges.push([start, start + length]);
  }
  return ranges;
}

const ourRanges = (extents: DiskExtent[]) => dataRanges(extents.map((e) => ({ start: e.offset, length: e.length, data: e.kind === 'data' })));

describeWithTools(['qemu-img', 'truncate'], 'reading VHDs made by qemu-img', () => {
  let dir = '';
  beforeAll(() => {
    dir = tempDir('vhd-read');
    for (const size of SIZES) {
      makeMixedRaw(join(dir, `mixed-${size}.img`), size);
      for (const { subformat, forceSize } of VARIANTS) {
        const options = `subformat=${subformat}${forceSize ? ',force_size=on' : ''}`;
        qemuImg('convert', '-q', '-f', 'raw', '-O', 'vpc', '-o', options, join(dir, `mixed-${size}.img`), join(dir, name(size, subformat, forceSize)));
      }
    }
  });

  const name = (size: number, subformat: string, forceSize: boolean) => `${size / MiB}M-${subformat}${forceSize ? '-forced' : ''}.vhd`;

  for (const size of SIZES) {
    for (const { subformat, forceSize, creator } of VARIANTS) {
      it(`${size / MiB} MiB ${subformat}, creator ${creator}: same size, same bytes, allocation as qemu-img (dynamic) or the file system (fixed)`, async () => {
        const path = join(dir, name(size, subformat, forceSize));
        const file = readFileSync(path);
        const footer = file.subarray(file.length - SECTOR);
        expect(footer.subarray(28, 32).toString('latin1')).toBe(creator); // the variant is what we meant to make
        const qemuSize = qemuInfo(path)['virtual-size'];
        // qemu rounds 64 MiB up to whole cylinders for `qemu`; 17 MiB and force_size keep the size.
        expect(qemuSize === size).toBe(forceSize || size === 17 * MiB);

        await withDiskFile(path, async (disk) => {
          expect([disk.format, disk.subformat, disk.virtualSize, disk.storedBytes]).toEqual(['vhd', subformat, qemuSize, file.length]);
          const extents = await collect(disk.allocation());
          if (subformat === 'dynamic') {
            const map = JSON.parse(qemuImg('map', '--output=json', '-f', 'vpc', path)) as QemuMapEntry[];
            expect(ourRanges(extents)).toEqual(dataRanges(map));
            expect(extents.some((e) => e.kind === 'unallocated')).toBe(true);
          } else {
            // A fixed VHD is raw data: where the file system reports holes in it (a sparse file), they are
            // unallocated; the data extents are exactly the file's data ranges within the disk (xfs_io, lseek).
            const fileData = await fileDataRanges(path, file.length);
            const expected = fileData
              ? fileData.filter((r) => r.offset < qemuSize).map((r) => [r.offset, Math.min(qemuSize, r.offset + r.length)])
              : [[0, qemuSize]];
            expect(ourRanges(extents)).toEqual(expected);
            expect(extents.reduce((sum, e) => sum + e.length, 0)).toBe(qemuSize);
          }
        });
        await convertFile(path, `${path}.raw`, 'raw');
        const result = qemuCompare(path, 'vpc', `${path}.raw`, 'raw');
        expect(result.output).toContain('Images are identical');
        expect(result.status).toBe(0);
        expect(statSync(`${path}.raw`).size).toBe(qemuSize);
      });
    }
  }

  it('sizes by geometry or by current size as the creator says, as qemu-img does', async () => {
    // A geometry smaller than the current size: `vpc ` disks are sized by C×H×S, `win ` disks by current size.
    const geometry = { cylinders: 900, heads: 8, sectorsPerTrack: 17 };
    const writes = [{ sector: 0, data: pseudoRandom(4096, 5) }];
    for (const [creator, expected] of [
      ['vpc ', 900 * 8 * 17 * SECTOR],
      ['win ', 64 * MiB],
      ['tap\0', 64 * MiB],
    ] as const) {
      const path = join(dir, `creator-${creator.replace(/[^a-z]/g, '')}.vhd`);
      writeFileSync(path, buildVhd({ type: 'dynamic', size: 64 * MiB, blockSize: 2 * MiB, uuid: newUuid(), creator, geometry, writes }));
      expect(qemuInfo(path)['virtual-size']).toBe(expected);
      await withDiskFile(path, async (disk) => expect(disk.virtualSize).toBe(expected));
    }
  });

  it('reads the allocated blocks of a dynamic disk whole, whatever their bitmap says, as qemu does', async () => {
    // Sector bitmap with only the first sector set; the rest of the block holds 0xEE.
    const path = join(dir, 'partial-bitmap.vhd');
    writeFileSync(path, buildVhd({ type: 'dynamic', size: 8 * MiB, blockSize: 2 * MiB, uuid: newUuid(), writes: [{ sector: 4096, data: pseudoRandom(512, 9) }], filler: 0xee }));
    await convertFile(path, `${path}.raw`, 'raw');
    const raw = readFileSync(`${path}.raw`);
    expect(raw[2 * MiB + 512]).toBe(0xee);
    expect(qemuCompare(path, 'vpc', `${path}.raw`, 'raw').status).toBe(0);
  });
});
