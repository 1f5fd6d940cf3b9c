import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isVmferryError } from '../../../../src/engine/errors';
import type { GuestFs } from '../../../../src/engine/guest/guest-fs';
import { openXfsFs } from '../../../../src/engine/guest/xfs';
import { pseudoRandom } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { fileDevice } from '../partitions/memory-device';

/**
 * XFS v5 and v4 filesystems populated by `mkfs.xfs -p` from a prototype file: shortform, single-block and
 * multi-block directories, short (inline) and long (remote) symlinks, files in extents. A file in B+tree format
 * needs real fragmentation, which only the kernel's allocator makes: that image is written through a loop mount.
 * `xfs_db` is the oracle for names, inode numbers and which on-disk format each inode uses; the source files
 * are the oracle for contents.
 */
let dir: string;
const cleanup: string[] = [];

// The images are sparse but large (XFS needs 300 MiB); remove them when the file's tests are done.
afterAll(() => {
  for (const path of [dir, ...cleanup]) if (path !== undefined) rmSync(path, { recursive: true, force: true });
});
let source: string;
const LONG_TARGET = `../${'very-long-directory-name/'.repeat(24)}target`;

function xfsDb(image: string, ...commands: string[]): string {
  return execFileSync('xfs_db', ['-r', ...commands.flatMap((c) => ['-c', c]), image], { encoding: 'utf8' });
}

/** `xfs_db ls` rows: inode number and name (the name length column makes names with spaces exact). */
function xfsDbList(image: string, path: string): Map<string, number> {
  const rows = new Map<string, number>();
  for (const line of xfsDb(image, `ls ${path}`).split('\n')) {
    const match = /^\s*\d+\s+(\d+)\s+\S+\s+0x[0-9a-f]+\s+(\d+)\s(.*)$/.exec(line);
    if (!match) continue;
    const name = Buffer.from(match[3]!).subarray(0, Number(match[2])).toString('utf8');
    if (name !== '.' && name !== '..') rows.set(name, Number(match[1]));
  }
  return rows;
}

function format(image: string, path: string): string {
  return /core\.format = \d+ \((\w+)\)/.exec(xfsDb(image, `path ${path}`, 'print core.format'))![1]!;
}

function makeImage(name: string, options: string[], longLink: boolean): string {
  const many = Array.from({ length: 400 }, (_, i) => `entry-number-${String(i).padStart(4, '0')}-with-a-long-name ---644 0 0 ${join(source, 'small')}\n`).join('');
  const some = Array.from({ length: 80 }, (_, i) => `file-${i} ---644 0 0 ${join(source, 'small')}\n`).join('');
  const proto =
    '/dev/null\n0 0\nd--755 0 0\n' +
    'etc d--755 0 0\n' +
    `fstab ---644 0 0 ${join(source, 'fstab')}\n` +
    `centos-release ---644 0 0 ${join(source, 'release')}\n` +
    'redhat-release l--777 0 0 centos-release\n' +
    `grub2.cfg l--777 0 0 ../boot/grub2/grub.cfg\n` +
    '$\n' +
    'boot d--755 0 0\n' +
    `vmlinuz-5.14.0 ---644 0 0 ${join(source, 'kernel')}\n` +
    'grub2 d--755 0 0\n' +
    `grub.cfg ---644 0 0 ${join(source, 'grub.cfg')}\n` +
    '$\n$\n' +
    `some d--755 0 0\n${some}$\n` +
    `many d--755 0 0\n${many}$\n` +
    (longLink ? `long-link l--777 0 0 ${LONG_TARGET}\n` : '') +
    `ünïcødé ---644 0 0 ${join(source, 'small')}\n` +
    '$\n';
  const protoFile = join(dir, `${name}.proto`);
  writeFileSync(protoFile, proto);
  const image = join(dir, name);
  execFileSync('truncate', ['-s', '300M', image]);
  execFileSync('mkfs.xfs', ['-q', ...options, '-p', protoFile, image], { stdio: ['ignore', 'ignore', 'pipe'] });
  return image;
}

async function walk(fs: GuestFs, path = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await fs.list(path || '/')) ?? []) {
    const child = `${path}/${name}`;
    out.push(child);
    if ((await fs.readlink(child)) === null && (await fs.stat(child))?.type === 'directory') out.push(...(await walk(fs, child)));
  }
  return out;
}

describeWithTools(['mkfs.xfs', 'xfs_db', 'blkid'], 'XFS read-only filesystem', () => {
  beforeAll(() => {
    dir = tempDir('xfs');
    source = join(dir, 'source');
    mkdirSync(source);
    writeFileSync(join(source, 'fstab'), '/dev/mapper/rhel-root / xfs defaults 0 0\nUUID=0a1b /boot xfs defaults 0 0\n');
    writeFileSync(join(source, 'release'), 'CentOS Stream release 9\n');
    writeFileSync(join(source, 'grub.cfg'), 'set default=0\nmenuentry "x" { linux /vmlinuz root=/dev/sda2 }\n');
    writeFileSync(join(source, 'kernel'), pseudoRandom(3 * 1024 * 1024 + 123, 21));
    writeFileSync(join(source, 'small'), 'x\n');
  });

  // mkfs.xfs 6.1 writes a v5 remote symlink without its XSLM header (xfs_repair -n calls it bad), so v5 remote
  // symlinks are made by the kernel in the mounted test below.
  it.each([
    ['v5', 'xfs5.img', [] as string[], false],
    ['v4', 'xfs4.img', ['-m', 'crc=0'], true],
  ])('%s: every directory lists as xfs_db ls lists it, with the same inode numbers; files read as written', async (_, name, options, longLink) => {
    const image = makeImage(name, options, longLink);
    const fs = await openXfsFs(fileDevice(image));
    expect(fs.type).toBe('xfs');
    expect(fs.uuid).toBe(execFileSync('blkid', ['-p', '-o', 'value', '-s', 'UUID', image], { encoding: 'utf8' }).trim());

    // The test covers each directory format: inline, one block, several blocks.
    expect(format(image, '/etc')).toBe('local');
    expect(format(image, '/some')).toBe('extents');
    expect(xfsDb(image, 'path /some', 'print core.size')).toMatch(/core\.size = 4096\n/);
    expect(Number(/core\.size = (\d+)/.exec(xfsDb(image, 'path /many', 'print core.size'))![1])).toBeGreaterThan(4096 * 4);
    if (longLink) expect(format(image, '/long-link')).toBe('extents');
    expect(format(image, '/etc/redhat-release')).toBe('local');

    for (const directory of ['/', '/etc', '/boot', '/boot/grub2', '/some', '/many']) {
      const expected = xfsDbList(image, directory);
      const names = (await fs.list(directory))!;
      expect([...names].sort()).toEqual([...expected.keys()].sort());
      for (const entry of names) {
        const path = `${directory === '/' ? '' : directory}/${entry}`;
        const stat = (await fs.readlink(path)) === null ? await fs.stat(path) : null;
        if (stat) expect(stat.inode, path).toBe(expected.get(entry));
      }
    }
    expect((await walk(fs)).length).toBe((longLink ? 6 : 5) + 4 + 2 + 1 + 80 + 400);

    const text = async (path: string) => new TextDecoder().decode((await fs.readFile(path))!);
    expect(await text('/etc/fstab')).toBe(readFileSync(join(source, 'fstab'), 'utf8'));
    expect(await text('/etc/redhat-release')).toBe('CentOS Stream release 9\n');
    expect(await text('/etc/grub2.cfg')).toBe(readFileSync(join(source, 'grub.cfg'), 'utf8'));
    expect(Buffer.from((await fs.readFile('/boot/vmlinuz-5.14.0'))!).equals(readFileSync(join(source, 'kernel')))).toBe(true);
    expect(await text('/ünïcødé')).toBe('x\n');
    expect(await fs.readlink('/etc/redhat-release')).toBe('centos-release');
    if (longLink) expect(await fs.readlink('/long-link')).toBe(LONG_TARGET);
    expect(await fs.readlink('/etc/fstab')).toBeNull();
    expect((await fs.stat('/etc/redhat-release'))!.type).toBe('file');
    expect(await fs.stat('/etc/missing')).toBeNull();
    expect(await fs.readFile('/etc')).toBeNull();
    expect(await fs.list('/etc/fstab')).toBeNull();
    const error = await fs.writeFile('/etc/fstab', new Uint8Array(1)).catch((e: unknown) => e);
    expect(isVmferryError(error, 'unsupported')).toBe(true);
  });

  it('a damaged v5 inode is a CRC error naming the inode', async () => {
    const image = join(dir, 'xfs5.img');
    const device = fileDevice(image);
    const fs = await openXfsFs(device);
    const inode = (await fs.stat('/etc/fstab'))!.inode;
    const [agblklog, inopblog, agblocks, blocksize, inodesize] = ['agblklog', 'inopblog', 'agblocks', 'blocksize', 'inodesize'].map((field) =>
      Number(new RegExp(`${field} = (\\d+)`).exec(xfsDb(image, 'sb 0', `print ${field}`))![1]),
    ) as [number, number, number, number, number];
    const ag = Math.floor(inode / 2 ** (agblklog + inopblog));
    const block = Math.floor(inode / 2 ** inopblog) % 2 ** agblklog;
    const offset = (ag * agblocks + block) * blocksize + (inode % 2 ** inopblog) * inodesize;
    device.bytes[offset + 60]! ^= 0x10; // inside di_size
    const error = await (await openXfsFs(device)).readFile('/etc/fstab').catch((e: unknown) => e);
    expect(isVmferryError(error, 'corrupt')).toBe(true);
    expect((error as Error).message).toBe(`xfs5.img: XFS inode ${inode}: CRC mismatch (stored 0x${(error as Error).message.match(/stored 0x([0-9a-f]+)/)![1]}, computed 0x${(error as Error).message.match(/computed 0x([0-9a-f]+)/)![1]})`);
  });
});

describeWithTools(['mkfs.xfs', 'xfs_db', 'mount', 'umount'], 'XFS written by the kernel (loop mount)', () => {
  it('a B+tree-format file (a hundred extents: holes, preallocation), a remote symlink, a large directory', async () => {
    const where = tempDir('xfs-btree');
    cleanup.push(where);
    const image = join(where, 'frag.img');
    const mountpoint = join(where, 'mnt');
    mkdirSync(mountpoint);
    execFileSync('truncate', ['-s', '300M', image]);
    execFileSync('mkfs.xfs', ['-q', image]);
    const expected = Buffer.alloc(59 * 8192 + 4096);
    execFileSync('mount', ['-o', 'loop', image, mountpoint]);
    try {
      // Every other 4 KiB block written: each written block is its own extent, separated by holes.
      const fd = openSync(join(mountpoint, 'frag.bin'), 'w');
      try {
        for (let i = 0; i < 60; i++) writeSync(fd, Buffer.alloc(4096, i + 1), 0, 4096, i * 8192);
      } finally {
        closeSync(fd);
      }
      symlinkSync(LONG_TARGET, join(mountpoint, 'long-link'));
      mkdirSync(join(mountpoint, 'big'));
      for (let i = 0; i < 3000; i++) writeFileSync(join(mountpoint, 'big', `a-file-with-a-fairly-long-name-${i}`), '');
    } finally {
      execFileSync('umount', [mountpoint]);
    }
    for (let i = 0; i < 60; i++) expected.fill(i + 1, i * 8192, i * 8192 + 4096);
    expect(format(image, '/frag.bin')).toBe('btree');
    const fs = await openXfsFs(fileDevice(image));
    expect(Buffer.from((await fs.readFile('/frag.bin'))!).equals(expected)).toBe(true);
    expect(format(image, '/long-link')).toBe('extents');
    expect(await fs.readlink('/long-link')).toBe(LONG_TARGET);
    const names = (await fs.list('/big'))!;
    expect(names).toHaveLength(3000);
    expect([...names].sort()).toEqual([...xfsDbList(image, '/big').keys()].sort());
  });
});
