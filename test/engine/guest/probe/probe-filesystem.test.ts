import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { probeFilesystem, type FilesystemProbe } from '../../../../src/engine/guest/probe';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { LvmSandbox } from '../lvm/lvm-tools';
import { fileDevice, memoryDevice } from '../partitions/memory-device';

/**
 * Each filesystem is made by its own mkfs with a chosen UUID and label; our probe must say what
 * `blkid -p -o export` says about the same image: TYPE, UUID, LABEL and, where blkid gives one, VERSION.
 */
const BLKID_TYPE: Record<string, string> = { 'lvm2-pv': 'LVM2_member', luks: 'crypto_LUKS' };

let dir: string;
const cleanup: string[] = [];

// The images are sparse but large (XFS needs 300 MiB); remove them when the file's tests are done.
afterAll(() => {
  for (const path of [dir, ...cleanup]) if (path !== undefined) rmSync(path, { recursive: true, force: true });
});

function image(name: string, size: string): string {
  const path = join(dir, name);
  execFileSync('truncate', ['-s', size, path]);
  return path;
}

function blkid(path: string): Record<string, string> {
  const out = execFileSync('blkid', ['-p', '-o', 'export', path], { encoding: 'utf8' });
  return Object.fromEntries(out.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).replace(/\\(.)/g, '$1')]));
}

async function probeAndCompare(path: string): Promise<FilesystemProbe> {
  const found = await probeFilesystem(fileDevice(path));
  const expected = blkid(path);
  expect(found.type === null ? undefined : (BLKID_TYPE[found.type] ?? found.type)).toBe(expected.TYPE);
  expect(found.uuid ?? undefined).toBe(expected.UUID);
  expect(found.label ?? undefined).toBe(expected.LABEL);
  if (expected.VERSION !== undefined) expect(found.version).toBe(expected.VERSION);
  return found;
}

const run = (command: string, ...args: string[]) => execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });

describeWithTools(['blkid', 'mke2fs', 'mkswap'], 'filesystem probe: ext and swap', () => {
  beforeAll(() => {
    dir = tempDir('probe');
  });

  it.each(['ext2', 'ext3', 'ext4'])('%s with UUID and label', async (type) => {
    const path = image(`${type}.img`, '8M');
    run('mke2fs', '-q', '-F', '-t', type, '-U', '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d', '-L', `${type}-root`, path);
    const found = await probeAndCompare(path);
    expect(found.type).toBe(type);
    expect(found.notes).toEqual([]);
  });

  it('ext4 without a journal is still ext4; ext4 whose journal needs recovery says so', async () => {
    const path = image('ext4-nojournal.img', '8M');
    run('mke2fs', '-q', '-F', '-t', 'ext4', '-O', '^has_journal', '-L', '/boot', path);
    expect((await probeAndCompare(path)).type).toBe('ext4');
    const dirty = image('ext4-dirty.img', '8M');
    run('mke2fs', '-q', '-F', '-t', 'ext4', dirty);
    run('debugfs', '-w', '-R', 'feature needs_recovery', dirty);
    expect((await probeAndCompare(dirty)).notes).toEqual(['the journal needs recovery (the guest was not shut down cleanly)']);
  });

  it('swap with UUID and label; a hibernated swap is named', async () => {
    const path = image('swap.img', '4M');
    run('mkswap', '-q', '-U', '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a', '-L', 'SWAP-sda2', path);
    expect((await probeAndCompare(path)).type).toBe('swap');
    const bytes = new Uint8Array(4 * 1024 * 1024);
    bytes.set(new TextEncoder().encode('S1SUSPEND'), 4096 - 10);
    const found = await probeFilesystem(memoryDevice(bytes, 'hibernated'));
    expect(found.type).toBe('swap');
    expect(found.notes[0]).toMatch(/hibernation image .*the guest was hibernated/);
  });

  it('no signature: null with a reason where there is one', async () => {
    expect(await probeFilesystem(memoryDevice(new Uint8Array(1 << 20), 'zeros'))).toEqual({ type: null, uuid: null, label: null, notes: ['empty (all zeros at the start)'] });
    expect((await probeFilesystem(memoryDevice(new Uint8Array(100).fill(7), 'tiny'))).type).toBeNull();
  });
});

describeWithTools(['blkid', 'mkfs.vfat'], 'filesystem probe: FAT', () => {
  beforeAll(() => {
    dir ??= tempDir('probe');
  });

  it.each([
    ['12', '4M'],
    ['16', '16M'],
    ['32', '40M'],
  ])('FAT%s with volume id and label', async (bits, size) => {
    const path = image(`fat${bits}.img`, size);
    run('mkfs.vfat', '-F', bits, '-i', '1234ABCD', '-n', 'EFI-PART', path);
    const found = await probeAndCompare(path);
    expect(found).toMatchObject({ type: 'vfat', uuid: '1234-ABCD', label: 'EFI-PART', version: `FAT${bits}` });
  });

  it('FAT without a label', async () => {
    const path = image('fat-nolabel.img', '4M');
    run('mkfs.vfat', '-i', 'CAFE0001', path);
    expect((await probeAndCompare(path)).label).toBeNull();
  });
});

describeWithTools(['blkid', 'mkfs.xfs', 'mkfs.btrfs', 'mkreiserfs'], 'filesystem probe: XFS, btrfs, ReiserFS', () => {
  beforeAll(() => {
    dir ??= tempDir('probe');
  });

  it('XFS (v5, and v4 without CRCs)', async () => {
    const v5 = image('xfs5.img', '300M');
    run('mkfs.xfs', '-q', '-m', 'uuid=5e7f0a3b-2c4d-4e6f-8a9b-0c1d2e3f4a5b', '-L', 'xfsroot', v5);
    expect(await probeAndCompare(v5)).toMatchObject({ type: 'xfs', version: '5' });
    const v4 = image('xfs4.img', '300M');
    run('mkfs.xfs', '-q', '-m', 'crc=0', '-L', 'old', v4);
    expect(await probeAndCompare(v4)).toMatchObject({ type: 'xfs', version: '4' });
  });

  it('btrfs', async () => {
    const path = image('btrfs.img', '128M');
    run('mkfs.btrfs', '-q', '-U', '6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d', '-L', 'btr', path);
    expect((await probeAndCompare(path)).type).toBe('btrfs');
  });

  it('ReiserFS 3.6', async () => {
    const path = image('reiser.img', '64M');
    run('mkreiserfs', '-q', '-f', '-u', '7b6a5c4d-3e2f-4b1a-8c9d-0e1f2a3b4c5d', '-l', 'reiser', path);
    expect((await probeAndCompare(path)).type).toBe('reiserfs');
  });
});

describeWithTools(['blkid', 'cryptsetup', 'genisoimage'], 'filesystem probe: LUKS, ISO 9660', () => {
  beforeAll(() => {
    dir ??= tempDir('probe');
  });

  it('LUKS2 with label and LUKS1, reported and refused', async () => {
    const key = join(dir, 'key');
    writeFileSync(key, 'passphrase');
    const fast = ['--key-file', key, '--pbkdf', 'pbkdf2', '--pbkdf-force-iterations', '1000'];
    const luks2 = image('luks2.img', '20M');
    run('cryptsetup', 'luksFormat', '-q', '--type', 'luks2', '--uuid', '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b0a', '--label', 'cryptroot', ...fast, luks2);
    const found = await probeAndCompare(luks2);
    expect(found.notes).toEqual(['encrypted (LUKS): its contents cannot be read or repaired here']);
    const luks1 = image('luks1.img', '20M');
    run('cryptsetup', 'luksFormat', '-q', '--type', 'luks1', '--key-file', key, '--iter-time', '1', luks1);
    expect((await probeAndCompare(luks1)).version).toBe('1');
  });

  it('ISO 9660, plain and with Joliet', async () => {
    const content = join(dir, 'iso-content');
    execFileSync('mkdir', ['-p', content]);
    writeFileSync(join(content, 'README'), 'hello');
    for (const [name, extra, label] of [
      ['plain.iso', [], 'INSTALL_CD'],
      ['joliet.iso', ['-J'], 'Mixed Case Label'],
    ] as const) {
      const path = join(dir, name);
      run('genisoimage', '-quiet', ...extra, '-V', label, '-o', path, content);
      expect(await probeAndCompare(path)).toMatchObject({ type: 'iso9660', label });
    }
  });
});

describeWithTools(['blkid', 'pvcreate', 'losetup'], 'filesystem probe: LVM2 PV', () => {
  it('an LVM physical volume, with the PV UUID', async () => {
    dir ??= tempDir('probe');
    const path = image('pv.img', '8M');
    const lvm = new LvmSandbox(dir);
    try {
      const loop = lvm.attach(path);
      lvm.run('pvcreate', '-q', loop);
    } finally {
      lvm.detachAll();
    }
    expect(await probeAndCompare(path)).toMatchObject({ type: 'lvm2-pv', version: 'LVM2 001' });
  });
});
