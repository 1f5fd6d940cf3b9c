import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeFileSink } from '../../../../src/cli/node-file-sink';
import { copyDisk } from '../../../../src/engine/disk/copy';
import type { DiskWriter, WriterOptions } from '../../../../src/engine/disk/disk-writer';
import { RawDisk } from '../../../../src/engine/disk/raw/raw-disk';
import { scanUnits, UnitMap } from '../../../../src/engine/disk/unit-map';
import type { VirtualDisk } from '../../../../src/engine/disk/virtual-disk';
import { coveringGeometry } from '../../../../src/engine/disk/vhd/geometry';
import { vhdDynamicWriter } from '../../../../src/engine/disk/vhd/vhd-dynamic-writer';
import { vhdFixedWriter } from '../../../../src/engine/disk/vhd/vhd-fixed-writer';
import { MemorySink } from '../../../../src/engine/io/byte-sink';
import { MemorySource } from '../../../../src/engine/io/memory-source';
import { makeMixedRaw, MiB, pseudoRandom, qemuCompare, qemuImg } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { rejection, withDiskFile } from './vhd-test-helpers';

const WRITERS: Record<'vhd' | 'vhd-fixed', DiskWriter> = { vhd: vhdDynamicWriter, 'vhd-fixed': vhdFixedWriter };
const BLOCK = 2 * MiB;

/** Converts with our engine and returns the size the writer planned (copyDisk itself checks it was met). */
async function convert(input: string, output: string, format: 'vhd' | 'vhd-fixed', options: WriterOptions = {}): Promise<number> {
  return withDiskFile(input, async (disk) => {
    const writer = WRITERS[format];
    const unitSize = writer.unitSize(disk);
    const planned = writer.plan(disk, unitSize === null ? null : await scanUnits(disk, unitSize), options).outputSize!;
    await copyDisk(disk, format, await NodeFileSink.create(output), options);
    return planned;
  });
}

/** 2 MiB blocks of the raw file holding a non-zero byte: counted here, not by our unit map. */
function nonZeroBlocks(raw: Buffer): number {
  let count = 0;
  for (let start = 0; start < raw.length; start += BLOCK) {
    const block = raw.subarray(start, start + BLOCK);
    if (!block.equals(Buffer.alloc(block.length))) count++;
  }
  return count;
}

const footerField = (footer: Buffer) => ({
  cookie: footer.subarray(0, 8).toString('latin1'),
  dataOffset: footer.readBigUInt64BE(16),
  creator: footer.subarray(28, 32).toString('latin1'),
  hostOs: footer.subarray(36, 40).toString('latin1'),
  originalSize: Number(footer.readBigUInt64BE(40)),
  currentSize: Number(footer.readBigUInt64BE(48)),
  chsBytes: footer.readUInt16BE(56) * footer[58]! * footer[59]! * 512,
  type: footer.readUInt32BE(60),
});

describeWithTools(['qemu-img', 'truncate'], 'writing VHDs', () => {
  let dir = '';
  const SIZES = [64 * MiB, 64 * MiB + 3 * 512];
  const SMALL = 16 * MiB + 3 * 512;
  beforeAll(() => {
    dir = tempDir('vhd-write');
    for (const size of [...SIZES, SMALL]) makeMixedRaw(join(dir, `src-${size}.img`), size);
  });

  for (const format of ['vhd', 'vhd-fixed'] as const) {
    for (const size of SIZES) {
      it(`${format} of ${size} bytes: exact size, identical for qemu-img, valid for qemu-img convert`, async () => {
        const src = join(dir, `src-${size}.img`);
        const out = join(dir, `out-${size}.${format}`);
        const planned = await convert(src, out, format);
        const file = readFileSync(out);
        expect(file.length).toBe(planned);

        expect(JSON.parse(qemuImg('info', '--output=json', '-f', 'vpc', out))['virtual-size']).toBe(size);
        const compared = qemuCompare(src, 'raw', out, 'vpc');
        expect(compared.output).toContain('Images are identical');
        expect(compared.status).toBe(0);
        // qemu-img check does not support vpc: converting through qemu is the validity check (as Xen Orchestra does).
        qemuImg('convert', '-f', 'vpc', '-O', 'qcow2', out, `${out}.qcow2`);
        expect(qemuCompare(src, 'raw', `${out}.qcow2`, 'qcow2').status).toBe(0);

        const end = footerField(file.subarray(file.length - 512));
        expect(end).toMatchObject({ cookie: 'conectix', creator: 'win ', hostOs: 'Wi2k', originalSize: size, currentSize: size });
        expect(end.chsBytes).toBeGreaterThanOrEqual(size);
        if (format === 'vhd-fixed') {
          expect(end).toMatchObject({ type: 2, dataOffset: 0xffffffffffffffffn });
          expect(file.length).toBe(size + 512);
          return;
        }
        expect(end).toMatchObject({ type: 3, dataOffset: 512n });
        expect(file.subarray(0, 512).equals(file.subarray(file.length - 512))).toBe(true);
        const header = file.subarray(512, 1536);
        expect(header.subarray(0, 8).toString('latin1')).toBe('cxsparse');
        expect(header.subarray(8, 16).every((b) => b === 0xff)).toBe(true); // data offset: all 64 bits set
        expect(Number(header.readBigUInt64BE(16))).toBe(1536);
        const entries = Math.ceil(size / BLOCK);
        expect([header.readUInt32BE(28), header.readUInt32BE(32)]).toEqual([entries, BLOCK]);
        const tableBytes = Math.ceil((entries * 4) / 512) * 512;
        expect(file.subarray(1536 + entries * 4, 1536 + tableBytes).every((b) => b === 0xff)).toBe(true);
        const stored = nonZeroBlocks(readFileSync(src));
        expect(stored).toBeLessThan(entries); // zero blocks are left out...
        expect(file.length).toBe(1536 + tableBytes + stored * (512 + BLOCK) + 512); // ...and everything else is there
      });
    }
  }

  it('rounds a size that is not whole sectors up to the next sector, and says so in the current size', async () => {
    const bytes = pseudoRandom(5000, 8);
    for (const format of ['vhd', 'vhd-fixed'] as const) {
      const out = join(dir, `tiny.${format}`);
      await copyDisk(new RawDisk(new MemorySource(bytes, 'tiny.img')), format, await NodeFileSink.create(out));
      expect(JSON.parse(qemuImg('info', '--output=json', '-f', 'vpc', out))['virtual-size']).toBe(5120);
      writeFileSync(join(dir, 'tiny-padded.img'), Buffer.concat([bytes, Buffer.alloc(120)]));
      expect(qemuCompare(join(dir, 'tiny-padded.img'), 'raw', out, 'vpc').status).toBe(0);
    }
  });

  it('writes the creator a target asks for (tap\\0 for XenServer) into both footers', async () => {
    const size = SMALL;
    for (const [requested, stored] of [
      ['tap', 'tap\0'],
      ['tap\0', 'tap\0'],
      ['vpc ', 'vpc '],
    ] as const) {
      const out = join(dir, `creator-${stored.replace(/[^a-z]/g, '')}.vhd`);
      await convert(join(dir, `src-${size}.img`), out, 'vhd', { vhdCreator: requested });
      const file = readFileSync(out);
      expect(file.subarray(28, 32).toString('latin1')).toBe(stored);
      expect(file.subarray(file.length - 512 + 28, file.length - 512 + 32).toString('latin1')).toBe(stored);
      // qemu sizes `vpc ` disks by geometry: ours covers the disk, so nothing is cut off.
      const seen = JSON.parse(qemuImg('info', '--output=json', '-f', 'vpc', out))['virtual-size'] as number;
      if (stored === 'vpc ') expect(seen).toBeGreaterThanOrEqual(size);
      else expect(seen).toBe(size);
      expect(qemuCompare(join(dir, `src-${size}.img`), 'raw', out, 'vpc').status).toBe(0);
    }
  });

  it('gives each disk a fresh random version-4 unique id and a timestamp counted from 2000', async () => {
    const src = join(dir, `src-${SMALL}.img`);
    const ids = [];
    for (const n of [1, 2]) {
      await convert(src, join(dir, `id-${n}.vhd`), 'vhd');
      const footer = readFileSync(join(dir, `id-${n}.vhd`)).subarray(0, 512);
      expect(Math.abs(footer.readUInt32BE(24) - (Date.now() / 1000 - 946684800))).toBeLessThan(60);
      expect(footer[74]! >> 4).toBe(4);
      ids.push(footer.subarray(68, 84).toString('hex'));
    }
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('chooses the geometry qemu-img chooses for the same size, the maximum beyond CHS', () => {
    const sizes = [1 * MiB, 17 * MiB, 64 * MiB, 100 * MiB, 1024 * MiB, 40 * 1024 * MiB, 127 * 1024 * MiB, 200 * 1024 * MiB];
    for (const size of sizes) {
      const path = join(dir, `geometry-${size}.vhd`);
      qemuImg('create', '-q', '-f', 'vpc', path, String(size));
      const footer = readFileSync(path).subarray(0, 512);
      const qemu = { cylinders: footer.readUInt16BE(56), heads: footer[58], sectorsPerTrack: footer[59] };
      expect(coveringGeometry(size / 512), `${size} bytes`).toEqual(qemu);
    }
    expect(coveringGeometry((200 * 1024 * MiB) / 512)).toEqual({ cylinders: 65535, heads: 16, sectorsPerTrack: 255 });
  });

  it('converts a 1 TiB sparse VHD in bounded time, storing only its data', async () => {
    const src = join(dir, 'big.img');
    makeMixedRaw(src, 1024 * 1024 * MiB);
    qemuImg('convert', '-q', '-f', 'raw', '-O', 'vpc', '-o', 'force_size=on', src, join(dir, 'big.vhd'));
    const started = Date.now();
    for (const format of ['vhd', 'vhd-fixed'] as const) {
      const out = join(dir, `big-out.${format}`);
      const planned = await convert(join(dir, 'big.vhd'), out, format);
      expect(statSync(out).size).toBe(planned);
      expect(qemuCompare(src, 'raw', out, 'vpc').status).toBe(0);
      expect(statSync(out).blocks * 512).toBeLessThan(64 * MiB); // a few MiB of data (and the 4 MiB table), the rest holes
      rmSync(out);
    }
    expect(Date.now() - started).toBeLessThan(20_000);
    rmSync(src);
  });

  it('stops when cancelled and leaves no output behind', async () => {
    const out = join(dir, 'cancelled.vhd');
    const controller = new AbortController();
    const error = await rejection(
      withDiskFile(join(dir, `src-${SMALL}.img`), async (disk) =>
        copyDisk(disk, 'vhd', await NodeFileSink.create(out), {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.phase === 'write' && p.done > 0) controller.abort();
          },
        }),
      ),
    );
    expect(error.code).toBe('aborted');
    expect(existsSync(out)).toBe(false);
  });
});

describe('VHD writer options', () => {
  it('refuses a creator that does not fit in four ASCII bytes', async () => {
    const disk = new RawDisk(new MemorySource(new Uint8Array(4096), 'small.img'));
    for (const vhdCreator of ['toolong', '', 'é']) {
      const error = await rejection(copyDisk(disk, 'vhd-fixed', new MemorySink('out.vhd'), { vhdCreator }));
      expect(error.code).toBe('usage');
      expect(error.message).toContain('VHD creator application must be 1 to 4 ASCII characters');
    }
  });

  it('refuses disks larger than 2040 GiB, pointing to VHDX', async () => {
    const size = 2041 * 1024 * MiB * 1024;
    const huge: VirtualDisk = {
      name: 'huge.img',
      format: 'raw',
      subformat: null,
      virtualSize: size,
      blockSize: 65536,
      parent: null,
      storedBytes: 0,
      allocation: async function* () {},
      read: async () => new Uint8Array(0),
    };
    for (const writer of [vhdFixedWriter, vhdDynamicWriter]) {
      const units = writer.unitSize(huge) === null ? null : new UnitMap(2 * MiB, size);
      const error = await rejection(Promise.resolve().then(() => writer.plan(huge, units, {})));
      expect(error.code).toBe('unsupported');
      expect(error.message).toBe(`huge.img: A VHD holds at most 2040 GiB; this disk is ${size} bytes. Write VHDX instead (--format vhdx)`);
    }
  });
});
