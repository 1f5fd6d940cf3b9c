import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { NodeFileSource } from '../../../../src/cli/node-file-source';
import { OverlayDisk } from '../../../../src/engine/disk/overlay';
import { RawDisk } from '../../../../src/engine/disk/raw/raw-disk';
import { diskDevice } from '../../../../src/engine/guest/block-device';
import { openExt, type ExtFs, type ExtOpenOptions } from '../../../../src/engine/guest/ext';
import { pseudoRandom } from '../../../support/disks';

/**
 * ext2/3/4 fixtures made by the real tools (mke2fs -d, debugfs -w, e2fsck -D) in a temp dir, and the oracles
 * that judge our reader and writer (debugfs cat/stat/ls/rdump, e2fsck -fn with its exact output).
 */

/** Our own mke2fs.conf, so the features come from the test and not from the host's /etc/mke2fs.conf. */
const MKE2FS_CONF = `[defaults]
	base_features = sparse_super,large_file,filetype,resize_inode,dir_index,ext_attr
	default_mntopts = acl,user_xattr
	enable_periodic_fsck = 0
	blocksize = 4096
	inode_size = 256
	inode_ratio = 16384
[fs_types]
	ext3 = {
		features = has_journal
	}
	ext4 = {
		features = has_journal,extent,huge_file,flex_bg,metadata_csum,64bit,dir_nlink,extra_isize
	}
`;

export const FSTAB = `# /etc/fstab: static file system information.
/dev/sda1   /boot   ext3    defaults        1 2
/dev/sda2   /       ext3    defaults,errors=remount-ro 0 1
/dev/sda3   none    swap    sw              0 0
/dev/hdc    /media/cdrom0 udf,iso9660 user,noauto 0 0
`;

export const GRUB_CONF = `default=0
timeout=5
title CentOS (2.6.18-398.el5)
	root (hd0,0)
	kernel /vmlinuz-2.6.18-398.el5 ro root=/dev/VolGroup00/LogVol00 resume=/dev/sda3
	initrd /initrd-2.6.18-398.el5.img
`;

/** A target longer than 60 bytes cannot live in i_block: mke2fs stores it in a data block (a slow symlink). */
export const SLOW_LINK_TARGET = '../../usr/share/doc/a-package-with-a-rather-long-name-1.2.3/examples/configuration.conf';

export const BIG_DIR_ENTRIES = 800;

/** Populates `root` with a small Linux-like tree: the files guest repair edits plus the awkward cases. */
export function populateGuestTree(root: string, options: { tripleIndirect?: boolean; bigDirectory?: boolean } = {}): void {
  for (const dir of ['etc', 'boot/grub', 'usr/share/doc', 'var/big', 'data']) mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, 'etc/fstab'), FSTAB);
  writeFileSync(join(root, 'etc/hostname'), 'appliance\n');
  writeFileSync(join(root, 'etc/empty'), '');
  writeFileSync(join(root, 'boot/grub/grub.conf'), GRUB_CONF);
  writeFileSync(join(root, 'boot/grub/device.map'), '(hd0)     /dev/sda\n');
  symlinkSync('grub.conf', join(root, 'boot/grub/menu.lst'));
  symlinkSync('/boot/grub/grub.conf', join(root, 'etc/grub.conf'));
  symlinkSync(SLOW_LINK_TARGET, join(root, 'etc/slow-link'));
  symlinkSync('../etc', join(root, 'boot/etc-link'));
  // 300 KiB: past 12 + 256 blocks at 1 KiB, so a block map needs single and double indirect blocks.
  writeFileSync(join(root, 'data/big.bin'), pseudoRandom(300 * 1024, 7));
  // Data, a hole, data: holes read as zeros.
  const sparse = openSync(join(root, 'data/sparse.bin'), 'w');
  writeSync(sparse, pseudoRandom(5000, 8), 0, 5000, 0);
  writeSync(sparse, pseudoRandom(3000, 9), 0, 3000, 2 * 1024 * 1024 + 100);
  if (options.tripleIndirect) writeSync(sparse, Buffer.from('triple'), 0, 6, 70 * 1024 * 1024);
  closeSync(sparse);
  const entries = options.bigDirectory === false ? 3 : BIG_DIR_ENTRIES;
  for (let i = 0; i < entries; i++) writeFileSync(join(root, `var/big/entry-with-a-long-name-${String(i).padStart(5, '0')}`), `${i}\n`);
}

export interface ImageSpec {
  name: string;
  type: 'ext2' | 'ext3' | 'ext4';
  blockSize: 1024 | 4096;
  /** Extra `-O` features (comma list, `^` to remove). */
  features?: string;
  extraArgs?: string[];
  size?: string;
}

function run(command: string, args: string[], env?: NodeJS.ProcessEnv): { status: number; stdout: Buffer; stderr: string } {
  const result = spawnSync(command, args, { env: env ?? process.env, maxBuffer: 512 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr.toString() };
}

/** mke2fs -d `root` into `image` with our config; returns the image path. */
export function makeImage(dir: string, spec: ImageSpec, root: string): string {
  const conf = join(dir, 'mke2fs.conf');
  writeFileSync(conf, MKE2FS_CONF);
  const image = join(dir, `${spec.name}.img`);
  const args = ['-q', '-F', '-t', spec.type, '-b', String(spec.blockSize), '-L', spec.name.slice(0, 16), '-U', 'c0ffee00-1234-4abc-8def-0123456789ab', '-E', 'root_owner=0:0'];
  if (spec.features) args.push('-O', spec.features);
  args.push(...(spec.extraArgs ?? []), '-d', root, image, spec.size ?? '48M');
  const result = run('mke2fs', args, { ...process.env, MKE2FS_CONFIG: conf });
  if (result.status !== 0) throw new Error(`mke2fs ${args.join(' ')} failed: ${result.stderr}`);
  return image;
}

/** Runs debugfs commands (read-only unless `write`), returning stdout. */
export function debugfs(image: string, request: string, write = false): Buffer {
  const result = run('debugfs', [...(write ? ['-w'] : []), '-R', request, image]);
  if (result.status !== 0) throw new Error(`debugfs -R "${request}" failed: ${result.stderr}`);
  return result.stdout;
}

/** Runs a file of debugfs commands with -w. */
export function debugfsScript(dir: string, image: string, commands: string[]): void {
  const script = join(dir, `debugfs-${Date.now()}-${Math.random().toString(36).slice(2)}.cmd`);
  writeFileSync(script, `${commands.join('\n')}\n`);
  const result = run('debugfs', ['-w', '-f', script, image]);
  if (result.status !== 0) throw new Error(`debugfs -f failed: ${result.stderr}`);
}

/** e2fsck -fyD: indexes large directories (htree), as a real system's e2fsck run would. */
export function indexDirectories(image: string): void {
  fsckFix(image, '-fyD');
}

/** e2fsck -fy: brings in what mke2fs -d leaves undone (quota usage is not counted by mke2fs -d). */
export function fsckFix(image: string, flags = '-fy'): void {
  const result = run('e2fsck', [flags, image]);
  if (result.status > 1) throw new Error(`e2fsck ${flags} failed (${result.status}): ${result.stdout}${result.stderr}`);
}

/**
 * Fragments free space (many 1-block files, every other one deleted) and writes `blocks` blocks of data into the
 * gaps with debugfs, so the file gets one extent (or a run of block pointers) per block: a deep extent tree.
 */
export function writeFragmentedFile(dir: string, image: string, path: string, blocks: number, blockSize: number): Buffer {
  const fillers: string[] = ['mkdir /frag'];
  const one = join(dir, 'one-block');
  writeFileSync(one, pseudoRandom(blockSize, 11));
  for (let i = 0; i < blocks * 2; i++) fillers.push(`write ${one} /frag/f${i}`);
  debugfsScript(dir, image, fillers);
  debugfsScript(dir, image, Array.from({ length: blocks }, (_, i) => `rm /frag/f${i * 2}`));
  const data = pseudoRandom(blocks * blockSize - 123, 12);
  const source = join(dir, 'fragmented-source');
  writeFileSync(source, data);
  debugfsScript(dir, image, [`write ${source} ${path}`]);
  return data;
}

export interface DebugfsStat {
  inode: number;
  type: string;
  mode: string;
  flags: number;
  uid: number;
  gid: number;
  size: number;
  blockcount: number;
  mtime: string | null;
}

export function debugfsStat(image: string, path: string): DebugfsStat {
  const text = debugfs(image, `stat ${path}`).toString();
  const field = (pattern: RegExp) => {
    const match = pattern.exec(text);
    if (!match) throw new Error(`debugfs stat ${path}: no ${pattern} in\n${text}`);
    return match[1]!;
  };
  return {
    inode: Number(field(/Inode: (\d+)/)),
    type: field(/Type: (\S+)/),
    mode: field(/Mode: +(\d+)/),
    flags: Number(field(/Flags: (0x[0-9a-f]+)/)),
    uid: Number(field(/User: +(\d+)/)),
    gid: Number(field(/Group: +(\d+)/)),
    size: Number(field(/Size: (\d+)/)),
    blockcount: Number(field(/Blockcount: (\d+)/)),
    mtime: /mtime: (0x[0-9a-f]+(?::[0-9a-f]+)?)/.exec(text)?.[1] ?? null,
  };
}

/** `debugfs ls -p`: inode, mode and name of each entry ("." and ".." included). */
export function debugfsList(image: string, path: string): { inode: number; mode: number; name: string }[] {
  return debugfs(image, `ls -p ${path}`)
    .toString()
    .split('\n')
    .filter((line) => line.startsWith('/'))
    .map((line) => {
      const [, inode, mode, , , name] = line.split('/');
      return { inode: Number(inode), mode: parseInt(mode!, 8), name: name! };
    });
}

/** The exact output of a clean `e2fsck -fn`: the five passes and the summary, nothing else; exit status 0. */
export function expectCleanFsck(image: string): void {
  const result = run('e2fsck', ['-fn', image]);
  const lines = result.stdout.toString().trimEnd().split('\n');
  expect({ status: result.status, lines: lines.slice(0, 5) }, result.stdout.toString()).toEqual({
    status: 0,
    lines: [
      'Pass 1: Checking inodes, blocks, and sizes',
      'Pass 2: Checking directory structure',
      'Pass 3: Checking directory connectivity',
      'Pass 4: Checking reference counts',
      'Pass 5: Checking group summary information',
    ],
  });
  expect(lines.length, result.stdout.toString()).toBe(6);
  expect(lines[5]).toMatch(/^\S+: \d+\/\d+ files \([\d.]+% non-contiguous\), \d+\/\d+ blocks$/);
}

export function sha256(path: string): string {
  return execFileSync('sha256sum', [path]).toString().split(' ')[0]!;
}

export interface OpenedImage {
  fs: ExtFs;
  overlay: OverlayDisk;
  close: () => Promise<void>;
}

/** Opens an image file read-only, with writes going to an in-memory overlay (as guest repair does). */
export async function openImage(image: string, options: ExtOpenOptions = {}): Promise<OpenedImage> {
  const source = await NodeFileSource.open(image);
  const overlay = new OverlayDisk(new RawDisk(source));
  try {
    const fs = await openExt(diskDevice(overlay), options);
    return { fs, overlay, close: () => source.close() };
  } catch (error) {
    await source.close();
    throw error;
  }
}

/** Writes the overlay's whole disk (base plus edits) to a new raw file, for e2fsck and debugfs to judge. */
export async function saveOverlay(overlay: OverlayDisk, path: string): Promise<void> {
  const fd = openSync(path, 'w');
  try {
    const chunk = 4 * 1024 * 1024;
    for (let offset = 0; offset < overlay.virtualSize; offset += chunk) {
      const bytes = await overlay.read(offset, Math.min(chunk, overlay.virtualSize - offset));
      writeSync(fd, bytes, 0, bytes.length, offset);
    }
  } finally {
    closeSync(fd);
  }
}

/** Patches bytes of an image file in place (for corruption and state tests on a copy). */
export function patchImage(image: string, offset: number, bytes: Uint8Array): void {
  const fd = openSync(image, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

/** `debugfs imap`: the byte offset of an inode in the image. */
export function inodeOffset(image: string, path: string, blockSize: number): number {
  const text = debugfs(image, `imap ${path}`).toString();
  const match = /located at block (\d+), offset (0x[0-9a-f]+)/.exec(text);
  if (!match) throw new Error(`debugfs imap ${path}: ${text}`);
  return Number(match[1]) * blockSize + Number(match[2]);
}
