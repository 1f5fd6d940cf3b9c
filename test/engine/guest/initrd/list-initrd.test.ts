import { expect, it } from 'vitest';
import { CpioNewcLister } from '../../../../src/engine/guest/initrd/cpio-newc';
import { compressionAt, listInitrd } from '../../../../src/engine/guest/initrd/list-initrd';
import { moduleNameOf } from '../../../../src/engine/guest/initrd/storage-drivers';
import { describeWithTools } from '../../../support/tools';
import { cpioList, makeInitrd } from './make-initrd';

const FILES: Record<string, string> = {
  init: '#!/bin/sh\nexec /sbin/init\n',
  'lib/modules/5.15.0-91-generic/kernel/drivers/block/virtio_blk.ko': 'x'.repeat(5000),
  'lib/modules/5.15.0-91-generic/kernel/drivers/scsi/hv_storvsc.ko.zst': 'y'.repeat(123),
  'lib/modules/5.15.0-91-generic/kernel/drivers/block/xen-blkfront.ko.xz': 'z',
  'etc/modprobe.d/a.conf': '',
};

describeWithTools(['cpio', 'gzip', 'lz4', 'xz', 'zstd', 'bzip2'], 'listInitrd', () => {
  it('lists a gzip newc initrd exactly as GNU cpio does', async () => {
    const initrd = makeInitrd(FILES);
    const listing = await listInitrd(initrd, 'initrd.img');
    expect(listing.problem).toBeNull();
    expect(listing.segments).toEqual(['gzip']);
    expect(listing.names).toEqual(cpioList(initrd).filter((name) => name !== '.'));
    expect(listing.names.map(moduleNameOf).filter(Boolean)).toEqual(['virtio_blk', 'xen_blkfront', 'hv_storvsc']);
  });

  it("lists the '070702' (crc) variant", async () => {
    const initrd = makeInitrd(FILES, { format: 'crc' });
    expect(new TextDecoder().decode(initrd.subarray(0, 6))).not.toBe('070702'); // compressed
    const listing = await listInitrd(initrd, 'initrd.img');
    expect(listing.problem).toBeNull();
    expect(listing.names).toContain('lib/modules/5.15.0-91-generic/kernel/drivers/block/virtio_blk.ko');
  });

  it('lists an early-microcode cpio followed by the gzip main archive', async () => {
    const initrd = makeInitrd(FILES, { early: true });
    const listing = await listInitrd(initrd, 'initrd.img');
    expect(listing.problem).toBeNull();
    expect(listing.segments).toEqual(['none', 'gzip']);
    expect(listing.names).toContain('kernel/x86/microcode/GenuineIntel.bin');
    expect(listing.names).toContain('lib/modules/5.15.0-91-generic/kernel/drivers/block/virtio_blk.ko');
  });

  it('lists an uncompressed initrd', async () => {
    const initrd = makeInitrd(FILES, { compression: 'none' });
    const listing = await listInitrd(initrd, 'initrd.img');
    expect(listing.problem).toBeNull();
    expect(listing.names).toEqual(cpioList(initrd).filter((name) => name !== '.'));
  });

  it('lists an LZ4 legacy initrd (lz4 -l, as initramfs-tools writes) after its early cpio, as GNU cpio does', async () => {
    const big: Record<string, string> = { ...FILES };
    // Enough repetitive and varied data for long matches, overlapping copies and several 8 MiB blocks.
    for (let i = 0; i < 40; i++) big[`usr/share/data/file${i}`] = `${i}`.repeat(300_000 + i * 7);
    const initrd = makeInitrd(big, { compression: 'lz4', early: true });
    const listing = await listInitrd(initrd, 'initrd.img');
    expect(listing.problem).toBeNull();
    expect(listing.segments).toEqual(['none', 'lz4']);
    const plain = makeInitrd(big, { compression: 'none' });
    expect(listing.names.slice(4)).toEqual(cpioList(plain).filter((name) => name !== '.'));
  });

  it('says honestly that a bzip2 initrd cannot be listed (after its early cpio)', async () => {
    const initrd = makeInitrd(FILES, { compression: 'bzip2', early: true });
    expect(compressionAt(initrd, 0)).toBeNull(); // starts with the plain cpio
    const listing = await listInitrd(initrd, 'initrd.img');
    expect(listing.problem).toBe('cannot list (bzip2)');
    expect(listing.segments).toEqual(['none', 'bzip2']);
    expect(listing.names).toContain('kernel/x86/microcode/GenuineIntel.bin');
  });

  for (const compression of ['zstd', 'xz'] as const) {
    it(`lists a ${compression} initrd (zstd: Ubuntu 22.04, Debian 12; xz: SUSE, dracut) after its early cpio, as GNU cpio does, even followed by padding`, async () => {
      const big: Record<string, string> = { ...FILES };
      // Several zstd blocks and long matches, as a real initramfs has.
      for (let i = 0; i < 30; i++) big[`usr/lib/firmware/blob${i}`] = `${i}:${'abcdefgh'.repeat(i + 1)}`.repeat(20_000);
      const initrd = makeInitrd(big, { compression, early: true });
      const padded = new Uint8Array(initrd.length + 512);
      padded.set(initrd);
      const plainNames = cpioList(makeInitrd(big, { compression: 'none' })).filter((name) => name !== '.');
      for (const bytes of [initrd, padded]) {
        const listing = await listInitrd(bytes, 'initrd.img');
        expect(listing.problem).toBeNull();
        expect(listing.segments).toEqual(['none', compression]);
        expect(listing.names.slice(0, 4)).toEqual(['kernel', 'kernel/x86', 'kernel/x86/microcode', 'kernel/x86/microcode/GenuineIntel.bin']);
        expect(listing.names.slice(4)).toEqual(plainNames);
      }
    });
  }

  it('a damaged or cut xz initrd is a problem naming the file, not a crash', async () => {
    const initrd = makeInitrd(FILES, { compression: 'xz' });
    const cut = await listInitrd(initrd.subarray(0, Math.floor(initrd.length / 2)), 'initrd.img');
    expect(cut.problem).toMatch(/^initrd.img: xz: /);
    const damaged = initrd.slice();
    damaged.fill(0xff, 30, 60);
    expect((await listInitrd(damaged, 'initrd.img')).problem).toMatch(/^initrd.img: /);
  });

  it('a damaged or cut zstd initrd is a problem naming the file, not a crash', async () => {
    const initrd = makeInitrd(FILES, { compression: 'zstd' });
    const cut = await listInitrd(initrd.subarray(0, Math.floor(initrd.length / 2)), 'initrd.img');
    expect(cut.problem).toMatch(/^initrd.img: /);
    const damaged = initrd.slice();
    damaged.fill(0xff, 6, 60);
    expect((await listInitrd(damaged, 'initrd.img')).problem).toMatch(/^initrd.img: /);
    expect((await listInitrd(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]), 'initrd.img')).problem).toMatch(/^initrd.img: /);
  });

  it('the streaming lister gives the same names whatever the chunk sizes (headers and names split across chunks)', () => {
    const initrd = makeInitrd(FILES, { compression: 'none' });
    const expected = cpioList(initrd).filter((name) => name !== '.');
    for (const size of [1, 3, 7, 64, 109, 110, 111, 4096]) {
      const lister = new CpioNewcLister();
      for (let at = 0; at < initrd.length; at += size) expect(lister.push(initrd.subarray(at, at + size))).toBe(true);
      expect(lister.names).toEqual(expected);
      expect(lister.trailers).toBe(1);
    }
  });

  it('a damaged or cut LZ4 initrd is a problem, not a crash', async () => {
    const initrd = makeInitrd(FILES, { compression: 'lz4' });
    const cut = await listInitrd(initrd.subarray(0, initrd.length - 20), 'initrd.img');
    expect(cut.problem).toMatch(/^initrd.img: /);
    const damaged = initrd.slice();
    damaged.fill(0xff, 12, 40);
    expect((await listInitrd(damaged, 'initrd.img')).problem).toMatch(/^initrd.img: /);
  });

  it('a damaged gzip initrd is a problem, not a crash', async () => {
    const initrd = makeInitrd(FILES).slice();
    initrd.fill(0x55, 40, 200);
    const listing = await listInitrd(initrd, 'initrd.img');
    expect(listing.problem).toMatch(/^initrd.img: /);
  });

  it('garbage is named as not cpio', async () => {
    const listing = await listInitrd(new TextEncoder().encode('this is not an initrd at all, really'.repeat(10)), 'initrd.img');
    expect(listing.problem).toContain("not a cpio 'newc' archive");
  });
});
