import { copyFileSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySource } from '../../../../src/engine/io/memory-source';
import { openExt } from '../../../../src/engine/guest/ext';
import type { BlockDevice } from '../../../../src/engine/guest/block-device';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { debugfs, inodeOffset, makeImage, openImage, patchImage, populateGuestTree, writeFragmentedFile } from './ext-images';

/** Damaged or forged filesystems give a named VmferryError — never a crash, a hang or a huge allocation. */
function memoryDevice(bytes: Uint8Array, name = 'disk.img'): BlockDevice {
  const source = new MemorySource(bytes, name);
  return { name, size: bytes.length, read: (o, l) => source.read(o, l), write: async () => undefined };
}

describe('ext superblock checks', () => {
  it('says a device without the magic is not ext', async () => {
    await expect(openExt(memoryDevice(new Uint8Array(65536)))).rejects.toMatchObject({ code: 'unknown-format', message: expect.stringMatching(/^disk\.img \(at byte 1080\): No ext2\/ext3\/ext4 superblock/) });
  });

  it('reports a device too small for a superblock as truncated', async () => {
    await expect(openExt(memoryDevice(new Uint8Array(1500)))).rejects.toMatchObject({ code: 'truncated' });
  });
});

describeWithTools(['mke2fs', 'debugfs'], 'ext bad input', () => {
  let dir: string;
  let ext4: string;
  let ext2: string;
  let counter = 0;

  beforeAll(() => {
    dir = tempDir('ext-bad-input');
    const root = join(dir, 'root');
    populateGuestTree(root, { bigDirectory: false });
    ext4 = makeImage(dir, { name: 'bad-ext4', type: 'ext4', blockSize: 1024 }, root);
    writeFragmentedFile(dir, ext4, '/data/fragmented', 600, 1024);
    ext2 = makeImage(dir, { name: 'bad-ext2', type: 'ext2', blockSize: 1024 }, root);
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function damaged(base: string, damage: (image: string) => void): string {
    const image = join(dir, `damaged-${counter++}.img`);
    copyFileSync(base, image);
    damage(image);
    return image;
  }

  const le32 = (n: number) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);

  it('refuses an impossible block size', async () => {
    const image = damaged(ext4, (img) => patchImage(img, 1024 + 0x18, le32(20)));
    await expect(openImage(image)).rejects.toMatchObject({ code: 'corrupt', message: expect.stringMatching(/block size 2\^\(10\+20\) is impossible/) });
  });

  it('reports an image cut short as truncated', async () => {
    const image = damaged(ext4, (img) => truncateSync(img, 4 * 1024 * 1024));
    await expect(openImage(image)).rejects.toMatchObject({ code: 'truncated', message: expect.stringMatching(/more than the 4194304-byte device holds/) });
  });

  it('stops at an extent index node that points at itself', async () => {
    const image = damaged(ext4, (img) => {
      const extents = debugfs(img, 'ex /data/fragmented').toString();
      const node = Number(/^ 0\/ 2 +1\/ +\d+ +\d+ - +\d+ +(\d+)/m.exec(extents)![1]);
      patchImage(img, node * 1024 + 12 + 4, le32(node));
    });
    const opened = await openImage(image);
    await expect(opened.fs.readFile('/data/fragmented')).rejects.toMatchObject({ code: 'corrupt', message: expect.stringMatching(/has depth 1, expected 0|reaches block \d+ twice/) });
    await opened.close();
  });

  it('refuses an extent that points past the end of the filesystem', async () => {
    const image = damaged(ext4, (img) => patchImage(img, inodeOffset(img, '/etc/fstab', 1024) + 0x28 + 12 + 8, le32(0x7ffffff0)));
    const opened = await openImage(image);
    await expect(opened.fs.readFile('/etc/fstab')).rejects.toMatchObject({ code: 'corrupt', message: expect.stringMatching(/points at block 2147483632, outside the filesystem's 49152 blocks/) });
    await opened.close();
  });

  it('refuses a block map whose indirect pointer is out of range', async () => {
    const image = damaged(ext2, (img) => patchImage(img, inodeOffset(img, '/data/big.bin', 1024) + 0x28 + 12 * 4, le32(0xfffffff0)));
    const opened = await openImage(image);
    await expect(opened.fs.readFile('/data/big.bin')).rejects.toMatchObject({ code: 'corrupt', message: expect.stringMatching(/block map indirect block 1 points at block/) });
    await opened.close();
  });

  it('refuses a directory entry with an impossible rec_len', async () => {
    const image = damaged(ext2, (img) => {
      const block = Number(/\(0\):(\d+)/.exec(debugfs(img, 'stat /etc').toString())![1]);
      patchImage(img, block * 1024 + 4, Uint8Array.of(3, 0));
    });
    const opened = await openImage(image);
    await expect(opened.fs.list('/etc')).rejects.toMatchObject({ code: 'corrupt', message: expect.stringMatching(/directory entry at byte 0 has rec_len 3/) });
    await opened.close();
  });

  it('refuses forged sizes instead of allocating them', async () => {
    const image = damaged(ext2, (img) => debugfs(img, 'set_inode_field /etc size 2000000000', true));
    const opened = await openImage(image);
    await expect(opened.fs.list('/etc')).rejects.toMatchObject({ code: 'corrupt', message: expect.stringMatching(/directory inode \d+ claims 2000000000 bytes/) });
    await expect(opened.fs.readFile('/boot/grub/grub.conf')).resolves.toBeInstanceOf(Uint8Array);
    await opened.close();
    const hostname = damaged(ext2, (img) => debugfs(img, 'set_inode_field /etc/hostname size 0x100000000', true));
    const again = await openImage(hostname);
    await expect(again.fs.readFile('/etc/hostname')).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/4294967296 bytes, more than the \d+-byte read limit/) });
    await again.close();
  });

  it('names the image file in every error', async () => {
    const image = damaged(ext2, (img) => patchImage(img, inodeOffset(img, '/data/big.bin', 1024) + 0x28, le32(0xfffffff0)));
    const opened = await openImage(image);
    await expect(opened.fs.readFile('/data/big.bin')).rejects.toThrow(image);
    await opened.close();
  });
});
