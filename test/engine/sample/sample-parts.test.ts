import { describe, expect, it } from 'vitest';
import { buildCpioNewc } from '../../../src/engine/sample/disk/cpio-newc-build';
import { buildMbr } from '../../../src/engine/sample/disk/mbr-build';
import { buildSwapHeader } from '../../../src/engine/sample/disk/swap-build';
import { planGeometry } from '../../../src/engine/sample/ext/ext-geometry';
import { sampleDescriptor } from '../../../src/engine/sample/sample-descriptor';
import { formatUuid, sampleSeed } from '../../../src/engine/sample/seed';
import { CpioNewcLister } from '../../../src/engine/guest/initrd/cpio-newc';
import { looksLikeMbr, parseMbrEntries } from '../../../src/engine/guest/partitions/mbr';

/** The sample's small structures, and what each refuses (the real-tool checks are in sample-ova.test.ts). */
describe('seed', () => {
  it('derives values by purpose, not by order, with RFC 4122 version 4 bits', () => {
    const a = sampleSeed('s');
    const first = a.uuid('x');
    a.uuid('y');
    expect(sampleSeed('s').uuid('x')).toEqual(first);
    expect(sampleSeed('t').uuid('x')).not.toEqual(first);
    expect(formatUuid(first)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sampleSeed('s').bytes('long', 100)).toHaveLength(100);
  });
});

describe('MBR', () => {
  const disk = 131072;
  it('writes the entries, the signature and boot code whose message pointer lands on the message', () => {
    const mbr = buildMbr([{ startSector: 2048, sectors: 32768, type: 0x83, bootable: true }], 0x12345678, disk);
    const view = new DataView(mbr.buffer);
    expect([mbr[446], mbr[450], view.getUint32(454, true), view.getUint32(458, true), view.getUint32(440, true), mbr[510], mbr[511]]).toEqual([
      0x80, 0x83, 2048, 32768, 0x12345678, 0x55, 0xaa,
    ]);
    // CHS of LBA 2048 in 255/63 geometry: cylinder 0, head 32, sector 33.
    expect([...mbr.subarray(447, 450)]).toEqual([32, 33, 0]);
    const messageAt = view.getUint16(5, true) - 0x7c00; // operand of `mov si, imm16` at byte 4
    expect(new TextDecoder().decode(mbr.subarray(messageAt, messageAt + 8))).toBe('VM Ferry');
    expect(mbr.subarray(0, 440).indexOf(0, messageAt)).toBeGreaterThan(messageAt + 20); // NUL-terminated, within the code area
  });

  it('is read back by the project partition reader as a partition table, not a boot sector', () => {
    const mbr = buildMbr(
      [
        { startSector: 2048, sectors: 4096, type: 0x83, bootable: true },
        { startSector: 6144, sectors: 2048, type: 0x82 },
      ],
      1,
      disk,
    );
    expect(looksLikeMbr(mbr)).toBe(true);
    expect(parseMbrEntries(mbr).map((e) => [e.bootIndicator, e.type, e.lbaStart, e.sectors])).toEqual([
      [0x80, 0x83, 2048, 4096],
      [0, 0x82, 6144, 2048],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('refuses partitions that do not fit, or more than four', () => {
    expect(() => buildMbr([{ startSector: 2048, sectors: disk, type: 0x83 }], 1, disk)).toThrow(/does not fit a 131072-sector disk/);
    expect(() => buildMbr(Array.from({ length: 5 }, (_, i) => ({ startSector: 1 + i, sectors: 1, type: 0x83 })), 1, disk)).toThrow(/at most four/);
  });
});

describe('swap header', () => {
  it('has version 1, the last page, the UUID and label, and the SWAPSPACE2 magic at the end of the page', () => {
    const uuid = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const page = buildSwapHeader(7 * 1024 * 1024, uuid, 'SWAP');
    const view = new DataView(page.buffer);
    expect([view.getUint32(1024, true), view.getUint32(1028, true)]).toEqual([1, 7 * 256 - 1]);
    expect([...page.subarray(1036, 1052)]).toEqual([...uuid]);
    expect(new TextDecoder().decode(page.subarray(1052, 1056))).toBe('SWAP');
    expect(new TextDecoder().decode(page.subarray(4086))).toBe('SWAPSPACE2');
  });
});

describe('cpio newc', () => {
  it('is listed by the project initrd lister, names in order, ending with the trailer', () => {
    const archive = buildCpioNewc(
      [
        { name: 'lib', mode: 0o040755 },
        { name: 'lib/a.ko', mode: 0o100644, data: new Uint8Array(5) },
        { name: 'init', mode: 0o100755, data: new TextEncoder().encode('#!/bin/nash\n') },
      ],
      0,
    );
    expect(archive.length % 512).toBe(0);
    const lister = new CpioNewcLister();
    lister.push(archive);
    expect([lister.names, lister.trailers, lister.error]).toEqual([['lib', 'lib/a.ko', 'init'], 1, null]);
  });
});


describe('ext geometry', () => {
  it('leaves out a last group too small for its metadata, as mke2fs does', () => {
    // 8193 + 100 blocks of 1 KiB: group 1 would hold 100 blocks, less than its 260 metadata blocks plus 50.
    const g = planGeometry((8193 + 100) * 1024, 1024, 4096, 't');
    expect([g.groups.length, g.blocksCount]).toEqual([1, 8193]);
  });
});

describe('descriptor', () => {
  it('escapes what it is given', () => {
    const text = sampleDescriptor({ name: 'a<b', diskFile: 'd"1.vmdk', diskFileSize: 1, diskCapacityBytes: 2, populatedBytes: 3, network: 'n&m', productVersion: '1' });
    expect(text).toContain('<Name>a&lt;b</Name>');
    expect(text).toContain('ovf:href="d&quot;1.vmdk"');
    expect(text).toContain('<rasd:Connection>n&amp;m</rasd:Connection>');
  });
});
