import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pseudoRandom } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import {
  FSTAB,
  debugfs,
  debugfsList,
  debugfsScript,
  expectCleanFsck,
  fsckFix,
  inodeOffset,
  makeImage,
  openImage,
  patchImage,
  populateGuestTree,
  saveOverlay,
  writeFragmentedFile,
  type ImageSpec,
} from './ext-images';

/**
 * Every unsafe state or feature is refused with an error that names it, the overlay stays untouched, and reading
 * still works. States are made with debugfs -w (needs_recovery, s_state, orphans, inode flags) or by patching
 * bytes the tools locate (checksums, the journal superblock).
 */
const text = (s: string) => new TextEncoder().encode(s);

describeWithTools(['mke2fs', 'debugfs', 'e2fsck', 'dumpe2fs'], 'ext write refusals', () => {
  let dir: string;
  let root: string;
  let base: string;
  let counter = 0;
  const spec: ImageSpec = { name: 'refusals', type: 'ext4', blockSize: 1024 };

  beforeAll(() => {
    dir = tempDir('ext-refusals');
    root = join(dir, 'root');
    populateGuestTree(root, { bigDirectory: false });
    base = makeImage(dir, spec, root);
    writeFragmentedFile(dir, base, '/data/fragmented', 600, 1024);
  }, 120_000);

  afterAll(() => {
    for (const made of [dir, ...extraDirs]) rmSync(made, { recursive: true, force: true });
  });

  const extraDirs: string[] = [];
  /** A temp dir for an image made from scratch, removed at the end. */
  function scratchDir(name: string): string {
    const made = tempDir(name);
    extraDirs.push(made);
    return made;
  }

  /** A copy of the base image, changed by `prepare`. */
  function variant(prepare: (image: string) => void): string {
    const image = join(dir, `variant-${counter++}.img`);
    copyFileSync(base, image);
    prepare(image);
    return image;
  }

  /** Opens `image`, expects writeFile to fail with `code` and a message matching `reason`, and nothing written. */
  async function expectRefused(image: string, path: string, code: string, reason: RegExp, filesystemWide: boolean): Promise<void> {
    const opened = await openImage(image);
    try {
      if (filesystemWide) expect(opened.fs.writeRefusal).toMatch(reason);
      else expect(opened.fs.writeRefusal).toBeNull();
      await expect(opened.fs.writeFile(path, pseudoRandom(5000, 1))).rejects.toMatchObject({ code, message: expect.stringMatching(reason) });
      expect(opened.overlay.changedBytes).toBe(0);
      // Reading is still possible.
      expect(await opened.fs.readFile('/etc/fstab')).toEqual(text(FSTAB));
    } finally {
      await opened.close();
    }
  }

  it('refuses a journal that needs recovery (needs_recovery)', async () => {
    const image = variant((img) => debugfs(img, 'feature needs_recovery', true));
    await expectRefused(image, '/etc/fstab', 'unsupported', /needs_recovery: the journal holds changes/, true);
  });

  it('refuses a journal whose log is not empty even without the flag (s_start ≠ 0)', async () => {
    const image = variant((img) => {
      const block = Number(/(\d+)/.exec(debugfs(img, 'bmap <8> 0').toString())![1]);
      patchImage(img, block * 1024 + 0x1c, Uint8Array.of(0, 0, 0, 1)); // big-endian s_start = 1
    });
    await expectRefused(image, '/etc/fstab', 'unsupported', /journal: the log holds transactions not yet replayed/, true);
  });

  it('refuses a filesystem not cleanly unmounted, or with errors (s_state)', async () => {
    await expectRefused(variant((img) => debugfs(img, 'ssv state 0', true)), '/etc/fstab', 'unsupported', /not cleanly unmounted/, true);
    await expectRefused(variant((img) => debugfs(img, 'ssv state 3', true)), '/etc/fstab', 'unsupported', /marked as having errors/, true);
  });

  it('refuses a filesystem with orphans (s_last_orphan)', async () => {
    const image = variant((img) => debugfs(img, 'ssv last_orphan 13', true));
    await expectRefused(image, '/etc/fstab', 'unsupported', /orphans: .*s_last_orphan 13/, true);
  });

  it('refuses to write when an inode checksum does not verify, and warns when reading', async () => {
    const image = variant((img) => {
      const at = inodeOffset(img, '/etc/fstab', 1024) + 0x8; // i_atime: harmless to readers, covered by the checksum
      patchImage(img, at, Uint8Array.of(readFileSync(img)[at]! ^ 0xff));
    });
    expect(spawnFsckText(image)).toMatch(/checksum does not match inode/);
    await expectRefused(image, '/etc/fstab', 'corrupt', /inode \d+ checksum is 0x[0-9a-f]+, computed 0x[0-9a-f]+; refusing to write/, false);
    const opened = await openImage(image);
    await opened.fs.readFile('/etc/fstab');
    expect(opened.fs.warnings.join('\n')).toMatch(/inode \d+ checksum/);
    await opened.close();
  });

  it('refuses a filesystem whose group descriptor checksum does not verify (crc32c and crc16)', async () => {
    // bg_itable_unused of a group, in the table that follows the superblock (block 2 at 1 KiB, block 1 at 4 KiB).
    const flipDescriptor = (img: string, blockSize: number, descSize: number, group: number) => {
      const at = (blockSize === 1024 ? 2048 : 4096) + group * descSize + 0x1c;
      patchImage(img, at, Uint8Array.of(readFileSync(img)[at]! ^ 0x5a));
    };
    const csum = variant((img) => flipDescriptor(img, 1024, 64, 1));
    expect(spawnFsckText(csum)).toMatch(/checksum/i);
    await expectRefused(csum, '/etc/fstab', 'corrupt', /group descriptor 1 checksum is 0x[0-9a-f]{4}, computed/, true);

    const gdtDir = scratchDir('ext-refusals-gdt');
    const gdt = makeImage(gdtDir, { name: 'gdt', type: 'ext4', blockSize: 4096, features: '^metadata_csum,^64bit,uninit_bg' }, root);
    flipDescriptor(gdt, 4096, 32, 0);
    expect(spawnFsckText(gdt)).toMatch(/checksum/i);
    await expectRefused(gdt, '/etc/fstab', 'corrupt', /group descriptor 0 checksum/, true);
  });

  it('refuses a filesystem whose superblock checksum does not verify', async () => {
    const image = variant((img) => patchImage(img, 1024 + 0x108, Uint8Array.of(readFileSync(img)[1024 + 0x108]! ^ 1))); // s_mkfs_time
    expect(spawnFsckText(image)).toMatch(/checksum/i);
    await expectRefused(image, '/etc/fstab', 'corrupt', /superblock checksum is 0x[0-9a-f]+, computed 0x[0-9a-f]+/, true);
  });

  it('refuses to allocate from a block bitmap whose checksum does not verify', async () => {
    const image = variant((img) => {
      const block = Number(/Block bitmap at (\d+)/.exec(spawnText('dumpe2fs', [img]))![1]);
      patchImage(img, block * 1024 + 1000, Uint8Array.of(0x0f));
    });
    await expectRefused(image, '/etc/fstab', 'corrupt', /block bitmap checksum is 0x[0-9a-f]+, computed .*refusing to write/, false);
  });

  it('refuses to rewrite a file whose extent block checksum does not verify', async () => {
    const image = variant((img) => {
      const node = Number(/^ 0\/ \d+ +1\/ +\d+ +\d+ - +\d+ +(\d+)/m.exec(debugfs(img, 'ex /data/fragmented').toString())![1]);
      patchImage(img, node * 1024 + 8, Uint8Array.of(0x42)); // eh_generation: covered by the tail checksum
    });
    await expectRefused(image, '/data/fragmented', 'corrupt', /extent block \d+ checksum/, false);
  });

  it('warns about a directory block whose checksum does not verify', async () => {
    const image = variant((img) => {
      const block = Number(/\(0\):(\d+)/.exec(debugfs(img, 'stat /etc').toString())![1]);
      patchImage(img, block * 1024 + 1020, Uint8Array.of(1, 2, 3, 4)); // the tail's checksum
    });
    const opened = await openImage(image);
    expect((await opened.fs.list('/etc'))!.length).toBeGreaterThan(3);
    expect(opened.fs.warnings.join('\n')).toMatch(/directory inode \d+ block 0 checksum/);
    await opened.close();
  });

  it('refuses files with unsafe inode flags (encrypt, verity, immutable, append-only)', async () => {
    for (const [flags, reason] of [
      ['0x80800', /encrypt: inode \d+ is encrypted/],
      ['0x180000', /verity: inode \d+ is protected by fs-verity/],
      ['0x80010', /immutable/],
      ['0x80020', /append-only/],
    ] as const) {
      const image = variant((img) => debugfs(img, `set_inode_field /etc/fstab flags ${flags}`, true));
      await expectRefused(image, '/etc/fstab', 'unsupported', reason, false);
    }
  });

  it('refuses a quota filesystem only when the block count would change', async () => {
    const quotaDir = scratchDir('ext-refusals-quota');
    const image = makeImage(quotaDir, { name: 'quota', type: 'ext4', blockSize: 4096, features: 'quota,project' }, root);
    fsckFix(image);
    expectCleanFsck(image);
    await expectRefused(image, '/etc/fstab', 'unsupported', /quota: the file would go from 1 to 2 blocks/, false);
    const opened = await openImage(image);
    await opened.fs.writeFile('/etc/fstab', text(FSTAB.replaceAll('sda', 'vda')));
    const output = join(quotaDir, 'edited.img');
    await saveOverlay(opened.overlay, output);
    await opened.close();
    expectCleanFsck(output);
    expect(debugfs(output, 'cat /etc/fstab').toString()).toBe(FSTAB.replaceAll('sda', 'vda'));
  });

  it('reads inline_data files and directories, refuses to rewrite them, rewrites the others', async () => {
    const inlineDir = scratchDir('ext-refusals-inline');
    const image = makeImage(inlineDir, { name: 'inline', type: 'ext4', blockSize: 1024, features: 'inline_data' }, root);
    expect(debugfs(image, 'stat /etc/hostname').toString()).toMatch(/Flags: 0x10000000/);
    expect(debugfs(image, 'stat /boot/grub').toString()).toMatch(/Flags: 0x10000000/);
    const opened = await openImage(image);
    try {
      expect(await opened.fs.readFile('/etc/hostname')).toEqual(text('appliance\n'));
      const ours = (await opened.fs.directoryEntries('/boot/grub'))!.map((e) => `${e.name}:${e.inode}`).sort();
      expect(ours).toEqual(debugfsList(image, '/boot/grub').map((e) => `${e.name}:${e.inode}`).sort());
      expect(await opened.fs.readFile('/boot/grub/menu.lst')).toEqual(new Uint8Array(debugfs(image, 'cat /boot/grub/grub.conf')));
      await expect(opened.fs.writeFile('/etc/hostname', text('x\n'))).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/inline_data: inode \d+ keeps its data inside the inode/) });
      expect(opened.overlay.changedBytes).toBe(0);
      await opened.fs.writeFile('/data/big.bin', text('shorter now'));
      const output = join(inlineDir, 'edited.img');
      await saveOverlay(opened.overlay, output);
      expectCleanFsck(output);
    } finally {
      await opened.close();
    }
  });

  it('refuses bigalloc and mmp filesystems as a whole, and still reads them', async () => {
    for (const [features, extra, reason] of [
      ['bigalloc', ['-C', '16384'], /bigalloc: blocks are allocated in clusters/],
      ['mmp', [], /mmp: multi-mount protection/],
    ] as const) {
      const featureDir = scratchDir(`ext-refusals-${features}`);
      const image = makeImage(featureDir, { name: features, type: 'ext4', blockSize: 4096, features, extraArgs: [...extra] }, root);
      await expectRefused(image, '/etc/fstab', 'unsupported', reason, true);
      const opened = await openImage(image);
      expect(Buffer.from((await opened.fs.readFile('/data/big.bin'))!).equals(debugfs(image, 'cat /data/big.bin'))).toBe(true);
      await opened.close();
    }
  });

  it('refuses encrypt only for encrypted files', async () => {
    const encryptDir = scratchDir('ext-refusals-encrypt');
    const image = makeImage(encryptDir, { name: 'encrypt', type: 'ext4', blockSize: 4096, features: 'encrypt' }, root);
    debugfs(image, 'set_inode_field /boot/grub/grub.conf flags 0x80800', true);
    const opened = await openImage(image);
    try {
      expect(opened.fs.features).toContain('encrypt');
      await expect(opened.fs.writeFile('/boot/grub/grub.conf', text('x'))).rejects.toMatchObject({ message: expect.stringMatching(/encrypt: inode \d+ is encrypted/) });
      expect(opened.overlay.changedBytes).toBe(0);
    } finally {
      await opened.close();
    }
  });

  it('refuses to grow beyond the free space of initialised groups (BLOCK_UNINIT groups are never used)', async () => {
    const image = variant(() => undefined);
    const free = Number(/Free blocks: +(\d+)/.exec(spawnText('dumpe2fs', ['-h', image]))![1]);
    const opened = await openImage(image);
    try {
      await expect(opened.fs.writeFile('/etc/fstab', new Uint8Array((free - 2000) * 1024))).rejects.toMatchObject({
        code: 'unsupported',
        message: expect.stringMatching(/not enough free blocks: needed \d+, found \d+ in initialised groups/),
      });
      expect(opened.overlay.changedBytes).toBe(0);
    } finally {
      await opened.close();
    }
  });

  it('stops at a symlink loop with a clear error', async () => {
    const image = variant((img) => debugfsScript(dir, img, ['symlink /loop-a /loop-b', 'symlink /loop-b /loop-a']));
    const opened = await openImage(image);
    await expect(opened.fs.stat('/loop-a')).rejects.toMatchObject({ code: 'corrupt', message: expect.stringMatching(/Too many levels of symbolic links resolving \/loop-a/) });
    expect(await opened.fs.readlink('/loop-a')).toBe('/loop-b');
    await opened.close();
  });
});

function spawnText(command: string, args: string[]): string {
  return spawnSync(command, args).stdout.toString();
}

function spawnFsckText(image: string): string {
  return spawnText('e2fsck', ['-fn', image]);
}
