import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pseudoRandom } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import {
  FSTAB,
  debugfs,
  debugfsStat,
  expectCleanFsck,
  makeImage,
  openImage,
  populateGuestTree,
  saveOverlay,
  sha256,
  writeFragmentedFile,
  type ImageSpec,
} from './ext-images';

/**
 * In-place rewrites judged by e2fsprogs: after each edit the overlay's disk is written out and must pass
 * `e2fsck -fn` with exactly the clean output, `debugfs cat` must give the new bytes, and `debugfs stat` the same
 * inode number, mode, owner, SELinux label (an in-inode xattr) and our pinned mtime. The source image must not
 * change by a byte.
 */
const SPECS: (ImageSpec & { fragmentedBlocks: number })[] = [
  { name: 'ext2-1k', type: 'ext2', blockSize: 1024, fragmentedBlocks: 400 },
  { name: 'ext3-4k', type: 'ext3', blockSize: 4096, fragmentedBlocks: 100 },
  // 128-byte inodes, as CentOS 5 made them: the SELinux label lives in an xattr block counted in i_blocks.
  { name: 'ext3-1k-128', type: 'ext3', blockSize: 1024, extraArgs: ['-I', '128'], fragmentedBlocks: 100 },
  { name: 'ext4-1k-csum-64bit', type: 'ext4', blockSize: 1024, fragmentedBlocks: 700 },
  { name: 'ext4-4k-csum-64bit', type: 'ext4', blockSize: 4096, fragmentedBlocks: 400 },
  // 128-byte inodes under metadata_csum: only the low 16 bits of the inode checksum exist.
  { name: 'ext4-1k-csum-128', type: 'ext4', blockSize: 1024, extraArgs: ['-I', '128'], fragmentedBlocks: 100 },
  { name: 'ext4-4k-gdt-csum', type: 'ext4', blockSize: 4096, features: '^metadata_csum,^64bit,uninit_bg', fragmentedBlocks: 100 },
  { name: 'ext4-1k-seed-metabg', type: 'ext4', blockSize: 1024, features: 'metadata_csum_seed,meta_bg,^resize_inode', fragmentedBlocks: 400 },
];

const LABEL = 'system_u:object_r:etc_t:s0';
/** 2027-01-15 08:00:00.123 UTC: the clock our writer stamps mtime/ctime with. */
const NOW_MS = 1_799_913_600_123;
const NOW_HEX = `0x${Math.floor(NOW_MS / 1000).toString(16)}`;

const text = (s: string) => new TextEncoder().encode(s);

for (const spec of SPECS) {
  describeWithTools(['mke2fs', 'debugfs', 'e2fsck', 'sha256sum'], `ext in-place write on ${spec.name}`, () => {
    let dir: string;
    let image: string;
    let sourceHash: string;
    const bs = spec.blockSize;
    const blockMapped = spec.type !== 'ext4';

    beforeAll(() => {
      dir = tempDir(`ext-write-${spec.name}`);
      const root = join(dir, 'root');
      populateGuestTree(root, { bigDirectory: false });
      image = makeImage(dir, spec, root);
      writeFragmentedFile(dir, image, '/data/fragmented', spec.fragmentedBlocks, bs);
      for (const path of ['/etc/fstab', '/boot/grub/grub.conf', '/data/big.bin', '/data/fragmented', '/data/sparse.bin']) {
        debugfs(image, `ea_set ${path} security.selinux ${LABEL}`, true);
      }
      expectCleanFsck(image);
      sourceHash = sha256(image);
    }, 120_000);

    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** Rewrites `path` in a fresh overlay and checks everything; `inspect` looks further at the written image. */
    async function rewrite(path: string, contents: Uint8Array, storedPath = path, inspect?: (output: string) => void): Promise<void> {
      const before = debugfsStat(image, storedPath);
      const opened = await openImage(image, { now: () => NOW_MS });
      try {
        await opened.fs.writeFile(path, contents);
        const output = join(dir, `out-${Math.random().toString(36).slice(2)}.img`);
        await saveOverlay(opened.overlay, output);
        expectCleanFsck(output);
        expect(Buffer.from(debugfs(output, `cat ${storedPath}`)).equals(Buffer.from(contents)), `debugfs cat ${storedPath}`).toBe(true);
        const after = debugfsStat(output, storedPath);
        expect({ inode: after.inode, mode: after.mode, uid: after.uid, gid: after.gid, flags: after.flags, size: after.size }).toEqual({
          inode: before.inode,
          mode: before.mode,
          uid: before.uid,
          gid: before.gid,
          flags: before.flags,
          size: contents.length,
        });
        expect(after.mtime?.split(':')[0]).toBe(NOW_HEX);
        expect(debugfs(output, `ea_get ${storedPath} security.selinux`).toString()).toContain(LABEL);
        // Our reader agrees with what it wrote, through the overlay.
        expect(Buffer.from((await opened.fs.readFile(path))!).equals(Buffer.from(contents))).toBe(true);
        inspect?.(output);
        rmSync(output);
      } finally {
        await opened.close();
      }
    }

    it('rewrites a file with the same size (sda → hda)', async () => {
      const edited = text(FSTAB.replaceAll('/dev/sda', '/dev/hda'));
      expect(edited.length).toBe(FSTAB.length);
      await rewrite('/etc/fstab', edited);
    });

    it('rewrites within the same blocks with another size', async () => {
      await rewrite('/etc/fstab', text(`${FSTAB}# edited by vmferry\n`));
    });

    it('grows a file by several blocks', async () => {
      const before = debugfsStat(image, '/etc/fstab').blockcount; // one data block, plus the xattr block with 128-byte inodes
      await rewrite('/etc/fstab', pseudoRandom(5 * bs + 77, 21), '/etc/fstab', (output) => {
        expect(debugfsStat(output, '/etc/fstab').blockcount).toBe(before + (5 * bs) / 512);
      });
    });

    it('shrinks a file across a block boundary, and to a few bytes, and to nothing', async () => {
      await rewrite('/data/big.bin', pseudoRandom(100 * 1024 + 17, 22));
      await rewrite('/data/big.bin', text('tiny\n'));
      await rewrite('/etc/fstab', new Uint8Array(0));
    });

    it('grows a small file into indirect blocks (or a longer extent)', async () => {
      await rewrite('/etc/fstab', pseudoRandom(17 * bs + 5, 23));
      if (blockMapped && bs === 1024) await rewrite('/etc/fstab', pseudoRandom((12 + 256 + 3) * bs, 24)); // double indirect
    });

    it('grows a file past its group into the next initialised groups, never a BLOCK_UNINIT one', async () => {
      const uninit = new Set(
        [...spawnSync('dumpe2fs', [image]).stdout.toString().matchAll(/^Group (\d+):.*\[[^\]]*BLOCK_UNINIT/gm)].map((m) => Number(m[1])),
      );
      await rewrite('/etc/fstab', pseudoRandom(9 * 1024 * 1024 + 3, 32), '/etc/fstab', (output) => {
        const perGroup = 8 * bs;
        const blocks = debugfs(output, 'blocks /etc/fstab').toString().trim().split(/\s+/).map(Number);
        const groups = new Set(blocks.map((block) => Math.floor((block - (bs === 1024 ? 1 : 0)) / perGroup)));
        if (bs === 1024) expect(groups.size).toBeGreaterThan(1);
        expect([...groups].filter((group) => uninit.has(group))).toEqual([]);
      });
      if (spec.type === 'ext4' && bs === 1024) expect(uninit.size).toBeGreaterThan(0);
    }, 30_000);

    it('writes through a symlink to its target (menu.lst → grub.conf)', async () => {
      await rewrite('/boot/grub/menu.lst', text('default=1\ntimeout=10\n'), '/boot/grub/grub.conf');
    });

    it('rewrites a fragmented file (deep extent tree or indirect blocks): same size, shrunk, grown', async () => {
      const size = spec.fragmentedBlocks * bs - 123;
      await rewrite('/data/fragmented', pseudoRandom(size, 25));
      await rewrite('/data/fragmented', pseudoRandom(Math.floor(size / 3), 26));
      await rewrite('/data/fragmented', pseudoRandom(size + 9 * bs, 27));
      await rewrite('/data/fragmented', pseudoRandom(3 * bs, 28));
    }, 60_000);

    it('fills the holes of a sparse file', async () => {
      await rewrite('/data/sparse.bin', pseudoRandom(2 * 1024 * 1024 + 5000, 29));
    });

    it('makes several edits on one open filesystem', async () => {
      const opened = await openImage(image, { now: () => NOW_MS });
      try {
        const fstab = pseudoRandom(3 * bs + 1, 30);
        const grub = pseudoRandom(2 * bs + 2, 31);
        await opened.fs.writeFile('/etc/fstab', fstab);
        await opened.fs.writeFile('/boot/grub/grub.conf', grub);
        await opened.fs.writeFile('/data/big.bin', text('short'));
        const output = join(dir, 'several.img');
        await saveOverlay(opened.overlay, output);
        expectCleanFsck(output);
        expect(Buffer.from(debugfs(output, 'cat /etc/fstab')).equals(fstab)).toBe(true);
        expect(Buffer.from(debugfs(output, 'cat /boot/grub/grub.conf')).equals(grub)).toBe(true);
        expect(debugfs(output, 'cat /data/big.bin').toString()).toBe('short');
      } finally {
        await opened.close();
      }
    });

    it('stamps times after 2038 with the epoch bits of the extra fields', async () => {
      if (spec.extraArgs?.includes('128')) return; // 128-byte inodes have no extra time fields
      const later = (2 ** 31 + 100) * 1000 + 250; // 2038-01-19T03:15:08.250Z
      const opened = await openImage(image, { now: () => later });
      try {
        await opened.fs.writeFile('/etc/hostname', text('later\n'));
        const output = join(dir, 'later.img');
        await saveOverlay(opened.overlay, output);
        expectCleanFsck(output);
        const stat = debugfs(output, 'stat /etc/hostname').toString();
        // Low 32 bits of the seconds in the base field; the extra field is 250 000 000 ns << 2 | epoch 1.
        expect(stat).toContain('mtime: 0x80000064:3b9aca01');
        expect(stat).toMatch(/ctime: 0x80000064:3b9aca01 -- .* 2038/);
        rmSync(output);
      } finally {
        await opened.close();
      }
    });

    it('has left the source image byte-identical through every edit', () => {
      expect(sha256(image)).toBe(sourceHash);
    });

    it('refuses what is not a regular file, and a missing file, writing nothing', async () => {
      const opened = await openImage(image);
      try {
        await expect(opened.fs.writeFile('/etc', text('x'))).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/is a directory, not a regular file/) });
        await expect(opened.fs.writeFile('/etc/missing', text('x'))).rejects.toMatchObject({ code: 'missing-file' });
        expect(opened.overlay.changedBytes).toBe(0);
      } finally {
        await opened.close();
      }
    });
  });
}
