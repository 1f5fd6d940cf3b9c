import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { isVmferryError } from '../../../../src/engine/errors';
import { openFatFs } from '../../../../src/engine/guest/fat';
import type { GuestFs } from '../../../../src/engine/guest/guest-fs';
import { parseFatBootSector } from '../../../../src/engine/guest/probe/fat-boot-sector';
import { pseudoRandom } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { fileDevice } from '../partitions/memory-device';

/**
 * FAT12/16/32 volumes made by mkfs.vfat and filled by mtools (long names, Unicode, lower case, a fragmented
 * file, a directory of several clusters). What we list must be what `mdir -/ -b` lists, and every file must read
 * back as `mcopy ... -` prints it.
 */
const env = { ...process.env, MTOOLS_SKIP_CHECK: '1' };
const mtools = (command: string, ...args: string[]) => execFileSync(command, args, { env, maxBuffer: 64 << 20 });

let dir: string;
let source: string;

function makeVolume(bits: string, size: string): string {
  const image = join(dir, `fat${bits}.img`);
  execFileSync('truncate', ['-s', size, image]);
  execFileSync('mkfs.vfat', ['-F', bits, '-s', '1', '-n', 'ESP', '-i', '0badcafe', image], { stdio: 'ignore' });
  mtools('mmd', '-i', image, '::/EFI', '::/EFI/debian', '::/EFI/BOOT', '::/many', '::/boot');
  const put = (file: string, target: string) => mtools('mcopy', '-i', image, join(source, file), target);
  put('grub.cfg', '::/EFI/debian/grub.cfg');
  put('shim.bin', '::/EFI/BOOT/BOOTX64.EFI');
  put('long.txt', '::/EFI/debian/A rather long file name, with spaces.conf');
  put('long.txt', '::/EFI/debian/ünïcødé naïve.txt');
  put('long.txt', '::/boot/lowercase.txt');
  put('long.txt', '::/boot/UPPER.TXT');
  // Fragmentation: a file written into the hole left by a deleted one, continuing after the next file.
  put('first.bin', '::/boot/first.bin');
  put('second.bin', '::/boot/second.bin');
  mtools('mdel', '-i', image, '::/boot/first.bin');
  if (bits === '32') forgetNextFreeCluster(image);
  put('third.bin', '::/boot/fragmented.bin');
  for (let i = 0; i < 40; i++) put('long.txt', `::/many/entry number ${i} with a long name.txt`);
  put('empty', '::/empty');
  return image;
}

/**
 * On FAT32 mtools allocates after the FSInfo "next free" hint, so it would not reuse the hole; 0xFFFFFFFF
 * ("unknown", FAT spec §5) makes it search from the start.
 */
function forgetNextFreeCluster(image: string): void {
  const fd = openSync(image, 'r+');
  try {
    const boot = Buffer.alloc(512);
    readSync(fd, boot, 0, 512, 0);
    writeSync(fd, Buffer.from([0xff, 0xff, 0xff, 0xff]), 0, 4, boot.readUInt16LE(48) * 512 + 492);
  } finally {
    closeSync(fd);
  }
}

function mdirPaths(image: string): string[] {
  return mtools('mdir', '-i', image, '-/', '-b', '::/')
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => line.replace(/^::/, '').replace(/\/$/, ''));
}

async function walk(fs: GuestFs, path = ''): Promise<string[]> {
  const names = (await fs.list(path || '/')) ?? [];
  const out: string[] = [];
  for (const name of names) {
    const child = `${path}/${name}`;
    out.push(child);
    if ((await fs.stat(child))?.type === 'directory') out.push(...(await walk(fs, child)));
  }
  return out;
}

describeWithTools(['mkfs.vfat', 'mcopy', 'mdir', 'mshowfat'], 'FAT read-only filesystem', () => {
  beforeAll(() => {
    dir = tempDir('fat');
    source = join(dir, 'source');
    mkdirSync(source);
    writeFileSync(join(source, 'grub.cfg'), 'search --no-floppy --fs-uuid --set=dev 0a1b-2c3d\nset prefix=($dev)/boot/grub2\nexport $prefix\nconfigfile $prefix/grub.cfg\n');
    writeFileSync(join(source, 'shim.bin'), pseudoRandom(150_000, 5));
    writeFileSync(join(source, 'long.txt'), 'some text\n');
    writeFileSync(join(source, 'first.bin'), pseudoRandom(20_000, 6));
    writeFileSync(join(source, 'second.bin'), pseudoRandom(5_000, 7));
    writeFileSync(join(source, 'third.bin'), pseudoRandom(60_000, 8));
    writeFileSync(join(source, 'empty'), '');
  });

  it.each([
    ['12', '2M'],
    ['16', '20M'],
    ['32', '40M'],
  ])('FAT%s: names as mdir lists them, contents as mcopy reads them', async (bits, size) => {
    const image = makeVolume(bits, size);
    const fs = await openFatFs(fileDevice(image));
    expect(fs.type).toBe('vfat');
    expect(fs.uuid).toBe('0BAD-CAFE');
    expect(fs.label).toBe('ESP');
    expect(fs.writeRefusal).toMatch(/read-only/);

    const ours = await walk(fs);
    expect([...ours].sort()).toEqual(mdirPaths(image).sort());
    for (const path of ours) {
      const stat = (await fs.stat(path))!;
      if (stat.type !== 'file') continue;
      const expected = mtools('mcopy', '-n', '-i', image, `::${path}`, '-');
      const got = await fs.readFile(path);
      expect(stat.size).toBe(expected.length);
      expect(Buffer.from(got!).equals(expected), path).toBe(true);
    }
    // The fragmented file really is in two runs of clusters (mshowfat prints them as <a-b> <c-d>).
    expect(mtools('mshowfat', '-i', image, '::/boot/fragmented.bin').toString()).toMatch(/<\d+-\d+> <\d+-\d+>/);
    expect(ours).toContain('/EFI/debian/ünïcødé naïve.txt');
    expect(ours).toContain('/boot/lowercase.txt');
  });

  it('looks names up without regard to case, by long name or 8.3 alias, and refuses writes', async () => {
    const fs = await openFatFs(fileDevice(join(dir, 'fat16.img')));
    const grub = await fs.readFile('/efi/DEBIAN/Grub.Cfg');
    expect(new TextDecoder().decode(grub!)).toMatch(/^search --no-floppy/);
    expect(await fs.readFile('/EFI/debian/ARATHE~1.CON')).not.toBeNull();
    expect(await fs.readFile('/EFI/debian/../debian/./grub.cfg')).not.toBeNull();
    expect(await fs.readFile('/nope')).toBeNull();
    expect(await fs.readFile('/EFI')).toBeNull();
    expect(await fs.list('/EFI/debian/grub.cfg')).toBeNull();
    expect(await fs.readlink('/EFI')).toBeNull();
    expect(await fs.readFile('/empty')).toEqual(new Uint8Array(0));
    const error = await fs.writeFile('/EFI/debian/grub.cfg', new Uint8Array(1)).catch((e: unknown) => e);
    expect(isVmferryError(error, 'unsupported')).toBe(true);
  });

  it('a looping cluster chain is a clear error, not a hang', async () => {
    const device = fileDevice(join(dir, 'fat12.img'));
    const fs = await openFatFs(device);
    // Point every FAT entry of the fragmented file's second cluster back at its first.
    const stat = (await fs.stat('/boot/fragmented.bin'))!;
    const first = stat.inode;
    const fatStart = parseFatBootSector(device.bytes.subarray(0, 512))!.reservedSectors * 512;
    const at = fatStart + first + (first >> 1);
    const value = device.bytes[at]! | (device.bytes[at + 1]! << 8);
    const patched = first & 1 ? (value & 0x000f) | (first << 4) : (value & 0xf000) | first;
    device.bytes[at] = patched & 0xff;
    device.bytes[at + 1] = patched >> 8;
    const broken = await openFatFs(device);
    const error = await broken.readFile('/boot/fragmented.bin').catch((e: unknown) => e);
    expect(isVmferryError(error, 'corrupt')).toBe(true);
    expect((error as Error).message).toMatch(/FAT: \/boot\/fragmented\.bin: its cluster chain loops back to cluster \d+/);
  });
});
