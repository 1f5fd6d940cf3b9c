import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTools } from '../../../support/tools';
import { tempDir } from '../../../support/packages';
import {
  BIG_DIR_ENTRIES,
  GRUB_CONF,
  SLOW_LINK_TARGET,
  debugfs,
  debugfsList,
  debugfsStat,
  indexDirectories,
  makeImage,
  openImage,
  populateGuestTree,
  writeFragmentedFile,
  type ImageSpec,
  type OpenedImage,
} from './ext-images';

/**
 * Every file, symlink and directory our reader returns is compared with what e2fsprogs reads from the same
 * image: `debugfs rdump` of the whole tree, `debugfs ls -p` for inode numbers, `debugfs stat` for sizes and
 * modes, `debugfs features` for the feature list.
 */
const SPECS: (ImageSpec & { fragmentedBlocks: number; tripleIndirect?: boolean })[] = [
  { name: 'ext2-1k', type: 'ext2', blockSize: 1024, fragmentedBlocks: 700, tripleIndirect: true },
  // Revision 0: no features at all, so directory entries have a 16-bit name length and no file type.
  { name: 'ext2-rev0-4k', type: 'ext2', blockSize: 4096, extraArgs: ['-r', '0'], fragmentedBlocks: 100 },
  { name: 'ext3-4k', type: 'ext3', blockSize: 4096, fragmentedBlocks: 300 },
  { name: 'ext4-1k-csum-64bit', type: 'ext4', blockSize: 1024, fragmentedBlocks: 700 },
  { name: 'ext4-4k-gdt-csum', type: 'ext4', blockSize: 4096, features: '^metadata_csum,^64bit,uninit_bg', fragmentedBlocks: 300 },
  { name: 'ext4-4k-seed-quota', type: 'ext4', blockSize: 4096, features: 'metadata_csum_seed,quota,project', extraArgs: ['-I', '512'], fragmentedBlocks: 300 },
  { name: 'ext4-1k-meta-bg', type: 'ext4', blockSize: 1024, features: 'meta_bg,^resize_inode', fragmentedBlocks: 100 },
];

for (const spec of SPECS) {
  describeWithTools(['mke2fs', 'debugfs', 'e2fsck'], `ext reader on ${spec.name}`, () => {
    let dir: string;
    let image: string;
    let dump: string;
    let opened: OpenedImage;
    let fragmented: Buffer;

    beforeAll(async () => {
      dir = tempDir(`ext-read-${spec.name}`);
      const root = join(dir, 'root');
      populateGuestTree(root, { tripleIndirect: spec.tripleIndirect ?? false });
      image = makeImage(dir, spec, root);
      indexDirectories(image);
      fragmented = writeFragmentedFile(dir, image, '/data/fragmented', spec.fragmentedBlocks, spec.blockSize);
      if (spec.name !== 'ext2-rev0-4k') debugfs(image, 'ssv last_mounted /boot', true); // revision 0 has no such field
      dump = join(dir, 'dump');
      mkdirSync(dump);
      debugfs(image, `rdump / ${dump}`);
      opened = await openImage(image);
    }, 120_000);

    afterAll(async () => {
      await opened?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('reports the superblock as dumpe2fs does', () => {
      const { fs } = opened;
      expect(fs.type).toBe(spec.type);
      expect(fs.blockSize).toBe(spec.blockSize);
      expect(fs.uuid).toBe('c0ffee00-1234-4abc-8def-0123456789ab');
      expect(fs.label).toBe(spec.name.slice(0, 16));
      expect(fs.state).toBe('clean');
      expect(fs.lastMountPoint).toBe(spec.name === 'ext2-rev0-4k' ? null : '/boot');
      const features = /Filesystem features:\s*(.*)/.exec(debugfs(image, 'features').toString())![1]!.trim().split(/\s+/).filter((name) => name !== '' && name !== '(none)');
      expect(fs.features).toEqual(features);
      expect(fs.writeRefusal).toBeNull();
    });

    it('reads every file, symlink and directory as debugfs rdump does', async () => {
      const { fs } = opened;
      let files = 0;
      const walk = async (hostDir: string, guestDir: string): Promise<void> => {
        const names = readdirSync(hostDir).sort();
        expect((await fs.list(guestDir))?.sort(), guestDir).toEqual(names);
        for (const name of names) {
          const host = join(hostDir, name);
          const guest = guestDir === '/' ? `/${name}` : `${guestDir}/${name}`;
          const kind = lstatSync(host);
          if (kind.isSymbolicLink()) {
            expect(await fs.readlink(guest), guest).toBe(readlinkSync(host));
          } else if (kind.isDirectory()) {
            await walk(host, guest);
          } else {
            files++;
            const ours = await fs.readFile(guest);
            expect(ours, guest).not.toBeNull();
            expect(Buffer.from(ours!).equals(readFileSync(host)), `${guest} differs from debugfs rdump`).toBe(true);
          }
        }
      };
      await walk(dump, '/');
      expect(files).toBeGreaterThan(BIG_DIR_ENTRIES);
      expect(fs.warnings).toEqual([]);
    }, 60_000);

    it('gives the inode numbers and modes debugfs lists, for plain and hashed directories', async () => {
      for (const path of ['/', '/etc', '/boot/grub', '/var/big']) {
        const ours = (await opened.fs.directoryEntries(path))!.map((entry) => ({ inode: entry.inode, name: entry.name }));
        const theirs = debugfsList(image, path).map(({ inode, name }) => ({ inode, name }));
        const key = (e: { inode: number; name: string }) => `${e.name}:${e.inode}`;
        expect(ours.map(key).sort(), path).toEqual(theirs.map(key).sort());
      }
      // e2fsck -D indexes the big directory wherever the filesystem has dir_index (all but revision 0).
      if (opened.fs.features.includes('dir_index')) expect(debugfs(image, 'htree /var/big').toString()).toMatch(/Indirect levels: \d/);
    });

    it('stats files as debugfs does', async () => {
      for (const path of ['/etc/fstab', '/data/big.bin', '/data/sparse.bin', '/data/fragmented', '/etc/empty']) {
        const theirs = debugfsStat(image, path);
        const ours = (await opened.fs.stat(path))!;
        expect({ inode: ours.inode, size: ours.size, mode: (ours.mode & 0o7777).toString(8), type: ours.type }, path).toEqual({
          inode: theirs.inode,
          size: theirs.size,
          mode: theirs.mode.replace(/^0+/, ''),
          type: 'file',
        });
      }
      const link = await opened.fs.inodeOf('/boot/grub/menu.lst', false);
      expect(link).toBe(debugfsStat(image, '/boot/grub/menu.lst').inode);
      expect((await opened.fs.stat('/etc'))!.type).toBe('directory');
    });

    it('follows relative, absolute and directory symlinks, fast and slow', async () => {
      const { fs } = opened;
      const grub = new TextEncoder().encode(GRUB_CONF);
      expect(await fs.readFile('/boot/grub/menu.lst')).toEqual(grub);
      expect(await fs.readFile('/etc/grub.conf')).toEqual(grub);
      expect(await fs.readFile('/boot/etc-link/../boot/grub/menu.lst')).toEqual(grub);
      expect((await fs.stat('/boot/grub/menu.lst'))!.inode).toBe(debugfsStat(image, '/boot/grub/grub.conf').inode);
      expect(await fs.readlink('/boot/grub/menu.lst')).toBe('grub.conf');
      expect(await fs.readlink('/etc/slow-link')).toBe(SLOW_LINK_TARGET);
      expect(debugfsStat(image, '/etc/slow-link').blockcount).toBeGreaterThan(0);
      expect(await fs.readFile('/boot/etc-link/fstab')).toEqual(await fs.readFile('/etc/fstab'));
      expect(await fs.stat('/etc/slow-link')).toBeNull(); // its target does not exist in this filesystem
      expect(await fs.stat('/nonexistent/path')).toBeNull();
      expect(await fs.readFile('/etc/fstab/below-a-file')).toBeNull();
      expect(await fs.list('/etc/fstab')).toBeNull();
      expect(await fs.readlink('/etc/fstab')).toBeNull();
    });

    it('reads a file fragmented into a deep mapping', async () => {
      expect(Buffer.from((await opened.fs.readFile('/data/fragmented'))!).equals(fragmented)).toBe(true);
      if (spec.type === 'ext4') {
        const extents = debugfs(image, 'ex /data/fragmented').toString();
        expect(extents, 'the fixture should have an extent tree below the inode').toMatch(/^ 1\/ [12]/m);
      }
    });
  });
}
