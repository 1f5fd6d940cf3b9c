import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyDisk } from '../../../../src/engine/disk/copy';
import { openVdi } from '../../../../src/engine/disk/vdi/vdi-disk';
import { vdiWriter } from '../../../../src/engine/disk/vdi/vdi-writer';
import { scanUnits } from '../../../../src/engine/disk/unit-map';
import { RawDisk } from '../../../../src/engine/disk/raw/raw-disk';
import type { DiskExtent } from '../../../../src/engine/disk/virtual-disk';
import { NodeFileSink } from '../../../../src/cli/node-file-sink';
import { isVmferryError, type ErrorCode } from '../../../../src/engine/errors';
import { MemorySource } from '../../../../src/engine/io/memory-source';
import { convertFile, makeMixedRaw, MiB, openDiskFile, pseudoRandom, qemuCheck, qemuCompare, qemuImg } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';

/** VDI read (qemu-img's dynamic and static images) and write (checked by qemu-img check and compare). */
async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The ranges holding data, by qemu-img map (which reports VDI's free blocks as zero) and by us. */
function dataRanges(extents: DiskExtent[]): [number, number][] {
  const out: [number, number][] = [];
  for (const e of extents) {
    if (e.kind !== 'data') continue;
    const last = out[out.length - 1];
    if (last && last[1] === e.offset) last[1] += e.length;
    else out.push([e.offset, e.offset + e.length]);
  }
  return out;
}

function qemuDataRanges(image: string): [number, number][] {
  const map = JSON.parse(qemuImg('map', '--output=json', '-f', 'vdi', image)) as { start: number; length: number; data: boolean }[];
  return dataRanges(map.map((e) => ({ offset: e.start, length: e.length, kind: e.data ? 'data' : 'zero' })));
}

describeWithTools(['qemu-img', 'truncate'], 'VDI', () => {
  let dir: string;
  const path = (name: string) => join(dir, name);
  const SIZE = 48 * MiB;

  beforeAll(() => {
    dir = tempDir('vdi');
    makeMixedRaw(path('mixed.img'), SIZE);
    qemuImg('convert', '-q', '-f', 'raw', '-O', 'vdi', path('mixed.img'), path('dynamic.vdi'));
    qemuImg('convert', '-q', '-f', 'raw', '-O', 'vdi', '-o', 'static=on', path('mixed.img'), path('fixed.vdi'));
    // An odd size (not whole blocks, not whole MiB) with data at its very end.
    const odd = 3 * MiB + 5 * 512;
    execFileSync('truncate', ['-s', String(odd), path('odd.img')]);
    writeFileSync(path('odd.img'), pseudoRandom(200_000, 4), { flag: 'r+' });
    execFileSync('dd', ['if=/dev/urandom', `of=${path('odd.img')}`, 'bs=512', `seek=${odd / 512 - 1}`, 'count=1', 'conv=notrunc'], { stdio: 'ignore' });
  });

  for (const [variant, subformat] of [
    ['dynamic.vdi', 'dynamic'],
    ['fixed.vdi', 'fixed'],
  ] as const) {
    it(`reads qemu-img's ${subformat} VDI: identical raw, same size, data where qemu-img map says`, async () => {
      await convertFile(path(variant), path(`${variant}.raw`), 'raw');
      expect(qemuCompare(path(variant), 'vdi', path(`${variant}.raw`), 'raw').status).toBe(0);
      const { disk, close } = await openDiskFile(path(variant));
      expect(disk.format).toBe('vdi');
      expect(disk.subformat).toBe(subformat);
      const info = JSON.parse(qemuImg('info', '--output=json', path(variant))) as { 'virtual-size': number };
      expect(disk.virtualSize).toBe(info['virtual-size']);
      const ours = dataRanges(await collect(disk.allocation()));
      await close();
      if (subformat === 'dynamic') {
        expect(ours).toEqual(qemuDataRanges(path(variant)));
        expect(ours.length).toBeGreaterThan(2);
      } else {
        expect(ours).toEqual([[0, SIZE]]);
      }
    });
  }

  for (const source of ['mixed.img', 'odd.img']) {
    it(`writes a dynamic VDI from ${source}: qemu-img check clean, compare identical, exact size, empty blocks not stored`, async () => {
      const out = path(`${source}.vdi`);
      const { disk, close } = await openDiskFile(path(source));
      const planned = vdiWriter.plan(disk, await scanUnits(disk, MiB), {}).outputSize;
      await copyDisk(disk, 'vdi', await NodeFileSink.create(out));
      await close();
      const size = statSync(out).size;
      expect(planned).toBe(size);
      const check = qemuCheck(out, 'vdi');
      expect(check.output).toContain('No errors were found');
      expect(check.status).toBe(0);
      expect(qemuCompare(path(source), 'raw', out, 'vdi').status).toBe(0);
      const info = JSON.parse(qemuImg('info', '--output=json', out)) as { 'virtual-size': number };
      expect(info['virtual-size']).toBe(statSync(path(source)).size);
      const header = readFileSync(out).subarray(0, 512);
      const view = new DataView(header.buffer, header.byteOffset);
      expect(view.getUint32(340, true)).toBe(MiB); // block map at 1 MiB, data 1 MiB-aligned, as VirtualBox does
      expect(view.getUint32(344, true) % MiB).toBe(0);
      expect(header.subarray(392, 408).some((b) => b !== 0)).toBe(true); // a fresh image UUID
      if (source === 'mixed.img') {
        // Blocks 0, 1, 3, 5, 23..25, 47 hold data: 8 blocks after 2 MiB of header and map.
        expect(size).toBe(2 * MiB + 8 * MiB);
      }
    });
  }

  it('an empty disk and a one-sector disk: clean and identical', async () => {
    for (const [name, bytes] of [
      ['empty', new Uint8Array(0)],
      ['sector', new Uint8Array(512).fill(3)],
    ] as const) {
      writeFileSync(path(`${name}.raw`), bytes);
      const out = path(`${name}.vdi`);
      await copyDisk(new RawDisk(new MemorySource(bytes, name)), 'vdi', await NodeFileSink.create(out));
      expect(qemuCheck(out, 'vdi').status).toBe(0);
      expect(qemuCompare(path(`${name}.raw`), 'raw', out, 'vdi').status).toBe(0);
    }
  });

  it('two writes of the same disk get different UUIDs', async () => {
    const a = readFileSync(path('mixed.img.vdi')).subarray(392, 424);
    await convertFile(path('mixed.img'), path('again.vdi'), 'vdi');
    const b = readFileSync(path('again.vdi')).subarray(392, 424);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  describe('bad input', () => {
    const patched = (edit: (view: DataView, bytes: Uint8Array) => void, name = 'dynamic.vdi') => {
      const bytes = Uint8Array.from(readFileSync(path(name)));
      edit(new DataView(bytes.buffer), bytes);
      return bytes;
    };
    const expectError = async (bytes: Uint8Array, code: ErrorCode, ...fragments: RegExp[]) => {
      const started = Date.now();
      const error = await openVdi(new MemorySource(bytes, 'bad.vdi'), { find: async () => null }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(Date.now() - started).toBeLessThan(1000);
      if (!isVmferryError(error)) throw error ?? new Error('expected an error');
      expect(error.code, error.message).toBe(code);
      expect(error.message).toContain('bad.vdi');
      for (const fragment of fragments) expect(error.message).toMatch(fragment);
    };

    it('wrong signature, version, truncated header', async () => {
      await expectError(patched((v) => v.setUint32(64, 0x12345678, true)), 'corrupt', /signature/);
      await expectError(patched((v) => v.setUint32(68, 0x00010002, true)), 'unsupported', /version 1\.2/);
      await expectError(readFileSync(path('dynamic.vdi')).subarray(0, 300), 'truncated', /VDI header/);
    });

    it('absurd block counts, a block map past the end, sizes that do not fit', async () => {
      await expectError(patched((v) => v.setUint32(384, 0x7fffffff, true)), 'corrupt', /absurd/);
      await expectError(patched((v) => v.setUint32(384, 0x3fff0000, true)), 'corrupt', /block map of \d+ entries/, /past the end of the file/);
      await expectError(patched((v) => v.setBigUint64(368, 1n << 45n, true)), 'corrupt', /cannot hold/);
      await expectError(patched((v) => v.setUint32(376, 3 * 1024 * 1024, true)), 'corrupt', /block size/);
      await expectError(patched((v) => v.setUint32(344, 0x210, true)), 'corrupt', /data offset .* inside the block map/);
    });

    it('a block map entry pointing past the end of the file', async () => {
      const bytes = patched((v) => {
        const map = v.getUint32(340, true);
        v.setUint32(map + 3 * 4, 5000, true);
      });
      await expectError(bytes, 'corrupt', /block map entry 3 points to stored block 5000/, /past the end of the file/);
    });

    it('differencing VDIs are refused with a way out', async () => {
      await expectError(patched((v) => v.setUint32(76, 4, true)), 'unsupported', /differencing/, /clonemedium/);
      await expectError(
        patched((_v, bytes) => bytes.fill(0x11, 424, 440)),
        'unsupported',
        /differencing/,
      );
    });

    it('free and zero blocks read as zeros and are reported as such', async () => {
      const bytes = patched((v) => {
        const map = v.getUint32(340, true);
        v.setUint32(map, 0xfffffffe, true); // block 0: zero
      });
      const disk = await openVdi(new MemorySource(bytes, 'z.vdi'), { find: async () => null });
      const extents = await collect(disk.allocation());
      expect(extents[0]).toEqual({ offset: 0, length: MiB, kind: 'zero' });
      expect(extents.some((e) => e.kind === 'unallocated')).toBe(true);
      expect((await disk.read(0, MiB)).every((b) => b === 0)).toBe(true);
      expect((await disk.read(MiB, 4096)).some((b) => b !== 0)).toBe(true);
    });
  });
});
