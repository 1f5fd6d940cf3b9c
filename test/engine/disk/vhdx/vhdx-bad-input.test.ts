import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { openVhdx } from '../../../../src/engine/disk/vhdx/open-vhdx';
import { isVmferryError, type ErrorCode } from '../../../../src/engine/errors';
import { MemorySource } from '../../../../src/engine/io/memory-source';
import { convertFile, makeMixedRaw, qemuCompare, qemuImg } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { batEntry, guidBytes, MiB, openError, parseVhdx, seal, setHeaderLogGuid, type ParsedVhdx } from './vhdx-fixture';

/**
 * Damaged VHDX files, each from a good qemu-img image with one structure broken: every error has its code, names
 * the file and the structure, and comes quickly (the tables are validated before anything is allocated for them).
 */
let dir = '';
let good: Buffer;
let layout: ParsedVhdx;

beforeAll(() => {
  dir = tempDir('vhdx-bad');
  makeMixedRaw(join(dir, 'source.img'), 16 * MiB);
  qemuImg('convert', '-f', 'raw', '-O', 'vhdx', '-o', 'block_size=1M', join(dir, 'source.img'), join(dir, 'good.vhdx'));
  good = readFileSync(join(dir, 'good.vhdx'));
  layout = parseVhdx(good);
});

/** Writes a damaged copy and returns its name. */
function damaged(name: string, edit: (file: Buffer) => Buffer | void): string {
  const file = Buffer.from(good);
  const result = edit(file) ?? file;
  writeFileSync(join(dir, name), result);
  return join(dir, name);
}

async function expectError(path: string, code: ErrorCode, pattern: RegExp): Promise<void> {
  const started = Date.now();
  const error = await openError(path);
  expect(isVmferryError(error, code), String(error)).toBe(true);
  const name = path.slice(path.lastIndexOf('/') + 1).replace(/\./g, '\\.');
  expect(String(error)).toMatch(new RegExp(`${name}.*${pattern.source}`));
  expect(Date.now() - started).toBeLessThan(2000);
}

const otherHeader = () => (layout.headerOffset === 64 * 1024 ? 128 * 1024 : 64 * 1024);

describeWithTools(['qemu-img', 'truncate'], 'VHDX bad input', () => {
  it('a bad checksum in the current header: the other header is used', async () => {
    const path = damaged('header-crc.vhdx', (file) => void (file[layout.headerOffset + 4]! ^= 0xff));
    await convertFile(path, join(dir, 'header-crc.raw'), 'raw');
    expect(qemuCompare(join(dir, 'source.img'), 'raw', join(dir, 'header-crc.raw'), 'raw').status).toBe(0);
  });

  it('bad checksums in both headers', async () => {
    const path = damaged('both-headers.vhdx', (file) => {
      file[64 * 1024 + 4]! ^= 0xff;
      file[128 * 1024 + 100]! ^= 0x01; // in the reserved area: still covered by the checksum
    });
    await expectError(path, 'corrupt', /header 1 \(at byte 65536\): checksum mismatch.*header 2 \(at byte 131072\): checksum mismatch/);
  });

  it('two valid headers with the same sequence number and different contents', async () => {
    const path = damaged('same-sequence.vhdx', (file) => {
      const current = file.readBigUInt64LE(layout.headerOffset + 8);
      file.writeBigUInt64LE(current, otherHeader() + 8);
      seal(file.subarray(otherHeader(), otherHeader() + 4096));
    });
    await expectError(path, 'corrupt', /same sequence number/);
  });

  it('a bad region table: the second copy is used; both bad: named', async () => {
    const one = damaged('region-1.vhdx', (file) => void (file[192 * 1024 + 30]! ^= 0x10));
    await convertFile(one, join(dir, 'region-1.raw'), 'raw');
    expect(qemuCompare(join(dir, 'source.img'), 'raw', join(dir, 'region-1.raw'), 'raw').status).toBe(0);
    const both = damaged('region-both.vhdx', (file) => {
      file[192 * 1024 + 30]! ^= 0x10;
      file[256 * 1024 + 4]! ^= 0x10;
    });
    await expectError(both, 'corrupt', /No valid VHDX region table: region table 1 \(at byte 196608\): checksum mismatch.*region table 2/);
  });

  it('no file identifier', async () => {
    const bytes = Buffer.from(good);
    bytes.write('vhdxfilX', 0, 'latin1');
    await expect(openVhdx(new MemorySource(bytes, 'renamed.vhdx'), { find: async () => null })).rejects.toThrow(/renamed\.vhdx.*No VHDX file identifier/);
  });

  it('truncated inside the header section, and before the data blocks', async () => {
    await expectError(damaged('stub.vhdx', (file) => file.subarray(0, 300 * 1024)), 'truncated', /inside the 1 MiB VHDX header section/);
    const dataStart = Math.min(...[0, 1, 2, 3].map((block) => Number(good.readBigUInt64LE(layout.batOffset + block * 8) >> 20n) * MiB).filter((o) => o > 0));
    await expectError(damaged('cut.vhdx', (file) => file.subarray(0, dataStart + 4096)), 'truncated', /BAT entry \d+ \(block \d+\) points to byte \d+, past the end of the file/);
  });

  it('a BAT entry past the end of the file, and one inside the header section', async () => {
    const far = damaged('bat-far.vhdx', (file) => void batEntry(6, 4 * 1024 * 1024 * MiB).copy(file, layout.batOffset + 2 * 8));
    await expectError(far, 'truncated', /BAT entry 2 \(block 2\) points to byte 4398046511104, past the end of the file/);
    const low = damaged('bat-low.vhdx', (file) => void batEntry(6, 0).copy(file, layout.batOffset + 3 * 8));
    await expectError(low, 'corrupt', /BAT entry 3 \(block 3\) points to byte 0, inside the header section/);
  });

  it('a PARTIALLY_PRESENT block in a disk without a parent, and a reserved state', async () => {
    await expectError(damaged('partial.vhdx', (file) => void batEntry(7, 8 * MiB).copy(file, layout.batOffset + 8)), 'corrupt', /BAT entry 1 \(block 1\) is PARTIALLY_PRESENT/);
    await expectError(damaged('state4.vhdx', (file) => void batEntry(4).copy(file, layout.batOffset + 5 * 8)), 'corrupt', /BAT entry 5 \(block 5\) has the reserved state 4/);
  });

  const item = (guid: string) => layout.items.get(`{${guid}}`)!;

  it('block sizes VHDX does not allow', async () => {
    for (const [name, blockSize] of [['3m', 3 * MiB], ['512k', 512 * 1024], ['512m', 512 * MiB]] as const) {
      const path = damaged(`block-${name}.vhdx`, (file) => void file.writeUInt32LE(blockSize, item('CAA16737-FA36-4D43-B3B6-33F0AA44E76B').dataAt));
      await expectError(path, 'corrupt', /block size is .*power of two from 1 MiB to 256 MiB/);
    }
  });

  it('absurd virtual sizes, and a BAT region too small for the size', async () => {
    const sizeAt = item('2FA54224-CD1B-4876-B211-5DBED83BF4B8').dataAt;
    await expectError(damaged('size-huge.vhdx', (file) => void file.writeBigUInt64LE(1n << 50n, sizeAt)), 'corrupt', /virtual disk size is 1125899906842624 bytes.*at most 64 TiB/);
    await expectError(damaged('size-2-64.vhdx', (file) => void file.writeBigUInt64LE(0xffffffffffffff00n, sizeAt)), 'corrupt', /virtual disk size is \d+, larger than any real file/);
    await expectError(damaged('size-odd.vhdx', (file) => void file.writeBigUInt64LE(16n * 1024n * 1024n + 100n, sizeAt)), 'corrupt', /whole 512-byte sectors/);
    await expectError(damaged('size-bat.vhdx', (file) => void file.writeBigUInt64LE(256n << 30n, sizeAt)), 'corrupt', /BAT region is 1048576 bytes, too small for the 262207 entries/);
  });

  it('metadata items outside the metadata region, and missing', async () => {
    const size = item('2FA54224-CD1B-4876-B211-5DBED83BF4B8');
    await expectError(damaged('item-out.vhdx', (file) => void file.writeUInt32LE(MiB - 4, size.entryAt + 16)), 'corrupt', /Virtual Disk Size metadata item is at offset 1048572 with length 8, outside the metadata region/);
    await expectError(damaged('item-in-table.vhdx', (file) => void file.writeUInt32LE(32, size.entryAt + 16)), 'corrupt', /outside the metadata region/);
    await expectError(damaged('item-gone.vhdx', (file) => void file.fill(0, size.entryAt, size.entryAt + 32)), 'corrupt', /no Virtual Disk Size item/);
  });

  it('unknown metadata items and regions: ignored when optional, refused by GUID when required', async () => {
    const addItem = (flags: number) => (file: Buffer) => {
      const count = file.readUInt16LE(layout.metadataOffset + 10);
      const at = layout.metadataOffset + 32 + count * 32;
      guidBytes('DEADBEEF-0000-4000-8000-00000000CAFE').copy(file, at);
      file.writeUInt32LE(item('CAA16737-FA36-4D43-B3B6-33F0AA44E76B').dataAt - layout.metadataOffset, at + 16);
      file.writeUInt32LE(8, at + 20);
      file.writeUInt32LE(flags, at + 24);
      file.writeUInt16LE(count + 1, layout.metadataOffset + 10);
    };
    await convertFile(damaged('item-optional.vhdx', addItem(1)), join(dir, 'item-optional.raw'), 'raw');
    await expectError(damaged('item-required.vhdx', addItem(4)), 'unsupported', /metadata item VM Ferry does not know, \{DEADBEEF-0000-4000-8000-00000000CAFE\}, marked as required/);

    const addRegion = (required: number) => (file: Buffer) => {
      for (const at of [192 * 1024, 256 * 1024]) {
        const table = file.subarray(at, at + 64 * 1024);
        const count = table.readUInt32LE(8);
        const entry = 16 + count * 32;
        guidBytes('FEEDFACE-1111-4222-8333-444455556666').copy(table, entry);
        table.writeBigUInt64LE(BigInt(64 * MiB), entry + 16);
        table.writeUInt32LE(MiB, entry + 24);
        table.writeUInt32LE(required, entry + 28);
        table.writeUInt32LE(count + 1, 8);
        seal(table);
      }
    };
    await convertFile(damaged('region-optional.vhdx', addRegion(0)), join(dir, 'region-optional.raw'), 'raw');
    await expectError(damaged('region-required.vhdx', addRegion(1)), 'unsupported', /region VM Ferry does not know, \{FEEDFACE-1111-4222-8333-444455556666\}, marked as required/);
  });

  it('regions that overlap, or a log in the wrong place', async () => {
    const overlap = damaged('overlap.vhdx', (file) => {
      for (const at of [192 * 1024, 256 * 1024]) {
        const table = file.subarray(at, at + 64 * 1024);
        for (let i = 0; i < table.readUInt32LE(8); i++) table.writeBigUInt64LE(BigInt(layout.batOffset), 16 + i * 32 + 16);
        seal(table);
      }
    });
    await expectError(overlap, 'corrupt', /overlaps the BAT region|overlaps the metadata region/);
    const badLog = damaged('log-place.vhdx', (file) => {
      file.writeBigUInt64LE(BigInt(MiB + 4096), layout.headerOffset + 72);
      setHeaderLogGuid(file, layout.headerOffset, Buffer.alloc(16, 7));
    });
    await expectError(badLog, 'corrupt', /places the log at byte 1052672/);
  });

  it('a differencing disk without its parent locator', async () => {
    const path = damaged('no-locator.vhdx', (file) => void file.writeUInt32LE(2, item('CAA16737-FA36-4D43-B3B6-33F0AA44E76B').dataAt + 4));
    await expectError(path, 'corrupt', /differencing disk \(HasParent\) but has no Parent Locator/);
  });
});
