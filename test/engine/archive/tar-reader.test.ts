import { mkdirSync, readFileSync, symlinkSync, linkSync, writeFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listTar } from '../../../src/engine/archive/tar-reader';
import { looksLikeTar, readTarHeaderName } from '../../../src/engine/archive/tar-header';
import { headerChecksums } from '../../../src/engine/archive/tar-checksum';
import { MemorySource } from '../../../src/engine/io/memory-source';
import { describeWithTools } from '../../support/tools';
import { expectVmferryError, FileSource, makeTempDir, pseudoRandomBytes, run } from './support';

/**
 * Archives written by GNU tar in each format it offers, read back by listTar and compared with the files they
 * were made from: names, sizes, types, times and every byte of content.
 */
const MTIME = 1_600_000_000;
const LONG_101 = `${'a'.repeat(60)}/${'b'.repeat(60)}.txt`; // 125 chars: ustar needs its prefix field
const LONG_COMPONENT = `${'c'.repeat(120)}.dat`; // one component over 100: only pax or GNU long names
const DEEP = `deep/${Array.from({ length: 6 }, (_, i) => `${i}${'d'.repeat(49)}`).join('/')}/${'e'.repeat(40)}.bin`; // > 255
const NON_ASCII = 'données-ä.txt';

interface Expected {
  name: string;
  content: Uint8Array;
}

const files: Expected[] = [
  { name: 'appliance.ovf', content: new TextEncoder().encode('<Envelope/>\n') },
  { name: 'disk1.vmdk', content: pseudoRandomBytes(70_001, 1) },
  { name: 'empty.bin', content: new Uint8Array(0) },
  { name: 'exact.bin', content: pseudoRandomBytes(1024, 2) },
  { name: LONG_101, content: pseudoRandomBytes(513, 3) },
  { name: LONG_COMPONENT, content: pseudoRandomBytes(99, 4) },
  { name: DEEP, content: pseudoRandomBytes(5000, 5) },
  { name: NON_ASCII, content: pseudoRandomBytes(10, 6) },
];

let temp: ReturnType<typeof makeTempDir>;
let tree: string;
const sources: FileSource[] = [];
const open = (path: string, name?: string) => {
  const source = new FileSource(path, name);
  sources.push(source);
  return source;
};

function writeTree(root: string, withLongNames: boolean): void {
  for (const file of files) {
    if (!withLongNames && (file.name === LONG_COMPONENT || file.name === DEEP)) continue;
    const path = join(root, file.name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, file.content);
  }
  mkdirSync(join(root, 'empty-dir'));
  symlinkSync('disk1.vmdk', join(root, 'link-to-disk'));
  linkSync(join(root, 'appliance.ovf'), join(root, 'hard.ovf'));
  // What the macOS archiver adds beside real files.
  writeFileSync(join(root, '._disk1.vmdk'), 'AppleDouble');
  mkdirSync(join(root, '__MACOSX'));
  writeFileSync(join(root, '__MACOSX', '._appliance.ovf'), 'AppleDouble');
  run('find', [root, '-exec', 'touch', '-h', '-d', `@${MTIME}`, '{}', '+']);
}

describeWithTools(['tar', 'find', 'touch'], 'listTar on archives made by GNU tar', () => {
  beforeAll(() => {
    temp = makeTempDir('tar-reader');
    tree = join(temp.dir, 'tree');
    writeTree(tree, true);
    const ustarTree = join(temp.dir, 'ustar-tree');
    writeTree(ustarTree, false);
    for (const format of ['gnu', 'pax', 'oldgnu']) {
      run('tar', [`--format=${format}`, '--sort=name', '-cf', join(temp.dir, `${format}.tar`), '-C', tree, '.']);
    }
    run('tar', ['--format=ustar', '--sort=name', '-cf', join(temp.dir, 'ustar.tar'), '-C', ustarTree, '.']);
    // Names without the leading "./", as `tar -cf x.tar file...` writes them.
    run('tar', ['--format=pax', '-cf', join(temp.dir, 'plain.tar'), '-C', tree, 'appliance.ovf', 'disk1.vmdk']);
  });

  afterAll(() => {
    for (const source of sources) source.close();
    temp?.cleanup();
  });

  for (const format of ['gnu', 'pax', 'oldgnu', 'ustar']) {
    it(`lists and reads a --format=${format} archive byte-exact`, async () => {
      const source = open(join(temp.dir, `${format}.tar`));
      const listing = await listTar(source);
      const expected = format === 'ustar' ? files.filter((f) => f.name !== LONG_COMPONENT && f.name !== DEEP) : files;

      expect(listing.files.map((m) => m.name).sort()).toEqual(expected.map((f) => f.name).sort());
      for (const file of expected) {
        const member = listing.files.find((m) => m.name === file.name)!;
        expect(member.size, file.name).toBe(file.content.length);
        expect(member.mtime, file.name).toBe(MTIME);
        expect(member.source.name).toBe(`${format}.tar/${file.name}`);
        expect(Buffer.from(await member.source.read(0, member.size + 10)).equals(Buffer.from(file.content)), file.name).toBe(true);
      }
      // GNU tar stores the second name of a hard link it meets as a link entry, with no data.
      expect(listing.members.find((m) => m.name === 'hard.ovf')).toMatchObject({ type: 'hardlink', linkName: 'appliance.ovf' });
      expect(listing.members.find((m) => m.name === 'link-to-disk')).toMatchObject({ type: 'symlink', linkName: 'disk1.vmdk', size: 0 });
      expect(listing.members.find((m) => m.name === 'empty-dir')).toMatchObject({ type: 'directory' });
      expect(listing.members.find((m) => m.name === '.')).toMatchObject({ type: 'directory' });
      expect(listing.skipped.sort()).toEqual(['._disk1.vmdk', '__MACOSX', '__MACOSX/._appliance.ovf']);
      expect(listing.members.some((m) => m.name.includes('._') || m.name.includes('PaxHeaders') || m.name.includes('LongLink'))).toBe(false);
      expect(listing.end).toBe('zero-blocks');
    });
  }

  it('reads only headers: one small read per header, never member data', async () => {
    const source = open(join(temp.dir, 'pax.tar'));
    const listing = await listTar(source);
    const headerReads = source.reads;
    // Every member has one header, some a pax header with its data read too, plus the end block.
    expect(headerReads).toBeLessThanOrEqual(3 * (listing.members.length + listing.skipped.length) + 1);
    expect(source.largestRead).toBeLessThanOrEqual(1024);
    expect(source.bytesRead).toBeLessThan(70_001);
  });

  it('uses the pax path, the GNU long name and the ustar prefix for long names', async () => {
    const gnu = await listTar(open(join(temp.dir, 'gnu.tar')));
    const deep = gnu.files.find((m) => m.name === DEEP)!;
    // A GNU long-name member ('L') precedes the real header: the member starts at that first header.
    expect(deep.dataOffset - deep.headerOffset).toBeGreaterThan(512);
    const ustar = await listTar(open(join(temp.dir, 'ustar.tar')));
    const prefixed = ustar.files.find((m) => m.name === LONG_101)!;
    expect(prefixed.dataOffset - prefixed.headerOffset).toBe(512);
  });

  it('normalises names with and without a leading ./ the same way', async () => {
    const listing = await listTar(open(join(temp.dir, 'plain.tar')));
    expect(listing.files.map((m) => m.name)).toEqual(['appliance.ovf', 'disk1.vmdk']);
  });

  it('accepts an archive that ends right after the last member, with no zero blocks', async () => {
    const full = readFileSync(join(temp.dir, 'plain.tar'));
    const listing = await listTar(new MemorySource(full, 'plain.tar'));
    const last = listing.members[listing.members.length - 1]!;
    const cut = last.dataOffset + Math.ceil(last.size / 512) * 512;
    const shortened = await listTar(new MemorySource(full.subarray(0, cut), 'short.tar'));
    expect(shortened.files.map((m) => [m.name, m.size])).toEqual(listing.files.map((m) => [m.name, m.size]));
    expect(shortened.end).toBe('end-of-file');
    // Within the last member's padding the data is complete, so that is accepted too.
    const inPadding = await listTar(new MemorySource(full.subarray(0, last.dataOffset + last.size), 'pad.tar'));
    expect(inPadding.files.map((m) => m.name)).toEqual(['appliance.ovf', 'disk1.vmdk']);
  });

  it('reports a cut inside a header as truncated, naming the archive, the member before and the offset', async () => {
    const full = readFileSync(join(temp.dir, 'pax.tar'));
    const listing = await listTar(new MemorySource(full, 'pax.tar'));
    const disk = listing.members.find((m) => m.name === 'disk1.vmdk')!;
    const next = listing.members[listing.members.indexOf(disk) + 1]!;
    const error = await expectVmferryError(listTar(new MemorySource(full.subarray(0, next.headerOffset + 100), 'cut.ova')), 'truncated', [
      'cut.ova',
      'after the member "disk1.vmdk"',
      `at byte ${next.headerOffset}`,
    ]);
    expect(error.message).toMatch(/header/);
  });

  it('reports a cut inside member data as truncated, naming the archive, the member and the offset', async () => {
    const full = readFileSync(join(temp.dir, 'gnu.tar'));
    const listing = await listTar(new MemorySource(full, 'gnu.tar'));
    const disk = listing.files.find((m) => m.name === 'disk1.vmdk')!;
    await expectVmferryError(listTar(new MemorySource(full.subarray(0, disk.dataOffset + 1000), 'cut.ova')), 'truncated', [
      'cut.ova',
      '"disk1.vmdk"',
      `at byte ${disk.dataOffset}`,
    ]);
  });

  it('reports a damaged header as corrupt', async () => {
    const full = new Uint8Array(readFileSync(join(temp.dir, 'ustar.tar')));
    const listing = await listTar(new MemorySource(full, 'ustar.tar'));
    const disk = listing.files.find((m) => m.name === 'disk1.vmdk')!;
    full[disk.headerOffset + 3] = full[disk.headerOffset + 3]! ^ 0x01;
    await expectVmferryError(listTar(new MemorySource(full, 'bad.ova')), 'corrupt', ['bad.ova', `at byte ${disk.headerOffset}`, 'checksum']);
  });

  it('accepts the historic signed checksum, as GNU tar does', async () => {
    const full = new Uint8Array(readFileSync(join(temp.dir, 'gnu.tar')));
    const listing = await listTar(new MemorySource(full, 'gnu.tar'));
    // The non-ASCII name has bytes >= 0x80, so its signed and unsigned sums differ.
    const member = listing.files.find((m) => m.name === NON_ASCII)!;
    const header = full.subarray(member.headerOffset, member.headerOffset + 512);
    const { signed, unsigned } = headerChecksums(header);
    expect(signed).not.toBe(unsigned);
    header.set(new TextEncoder().encode(`${signed.toString(8).padStart(6, '0')}\0 `), 148);
    const relisted = await listTar(new MemorySource(full, 'signed.tar'));
    expect(relisted.files.find((m) => m.name === NON_ASCII)?.size).toBe(10);
  });

  it('refuses names with ".." or an absolute path, naming the archive and the member', async () => {
    const work = join(temp.dir, 'evil', 'inner');
    mkdirSync(work, { recursive: true });
    writeFileSync(join(temp.dir, 'evil', 'outside.txt'), 'x');
    // -P keeps what GNU tar would otherwise strip: the leading "/" and "..".
    run('tar', ['-P', '-cf', join(temp.dir, 'dotdot.tar'), '../outside.txt'], work);
    run('tar', ['-P', '-cf', join(temp.dir, 'absolute.tar'), join(temp.dir, 'evil', 'outside.txt')]);
    await expectVmferryError(listTar(open(join(temp.dir, 'dotdot.tar'))), 'unsafe-name', ['dotdot.tar', '"../outside.txt"', '..']);
    await expectVmferryError(listTar(open(join(temp.dir, 'absolute.tar'))), 'unsafe-name', [
      'absolute.tar',
      JSON.stringify(join(temp.dir, 'evil', 'outside.txt')),
      'absolute',
    ]);
  });

  it('detects tar content by its first block', async () => {
    for (const format of ['gnu', 'pax', 'ustar', 'v7']) {
      const path = join(temp.dir, `detect-${format}.tar`);
      run('tar', [`--format=${format}`, '-cf', path, '-C', tree, 'appliance.ovf']);
      const first = readFileSync(path).subarray(0, 512);
      expect(looksLikeTar(first), format).toBe(true);
      expect(readTarHeaderName(first)).toBe('appliance.ovf');
    }
    expect(looksLikeTar(new Uint8Array(512))).toBe(false);
    expect(looksLikeTar(pseudoRandomBytes(512, 9))).toBe(false);
    expect(looksLikeTar(new TextEncoder().encode('<?xml version="1.0"?>'.padEnd(512, ' ')))).toBe(false);
  });

  it('lists a v7 archive (no magic, checksum only)', async () => {
    const path = join(temp.dir, 'v7.tar');
    run('tar', ['--format=v7', '-cf', path, '-C', tree, 'appliance.ovf', 'disk1.vmdk']);
    const listing = await listTar(open(path));
    expect(listing.files.map((m) => [m.name, m.size])).toEqual([
      ['appliance.ovf', files[0]!.content.length],
      ['disk1.vmdk', 70_001],
    ]);
  });

  it('reads past a pax global (g) header written by GNU tar', async () => {
    const path = join(temp.dir, 'global.tar');
    run('tar', ['--format=pax', '--pax-option=globexthdr.name=G,comment=shared', '-cf', path, '-C', tree, 'appliance.ovf']);
    const bytes = readFileSync(path);
    expect(String.fromCharCode(bytes[156]!)).toBe('g');
    const listing = await listTar(new MemorySource(bytes, 'global.tar'));
    expect(listing.files.map((m) => m.name)).toEqual(['appliance.ovf']);
  });

  it('marks GNU sparse members and refuses to read them as content', async () => {
    const sparse = join(temp.dir, 'holes.img');
    // truncate leaves holes, which GNU tar --sparse finds with SEEK_HOLE.
    for (const path of [sparse, join(temp.dir, 'holes2.img')]) {
      writeFileSync(path, 'head');
      truncateSync(path, 4 * 1024 * 1024);
    }
    for (const format of ['gnu', 'pax']) {
      const path = join(temp.dir, `sparse-${format}.tar`);
      run('tar', [`--format=${format}`, '--sparse', '-cf', path, '-C', temp.dir, 'holes.img', 'holes2.img']);
      const listing = await listTar(open(path));
      expect(listing.members.map((m) => [m.name, m.type, m.size])).toEqual([
        ['holes.img', 'sparse', 4 * 1024 * 1024],
        ['holes2.img', 'sparse', 4 * 1024 * 1024],
      ]);
      await expectVmferryError(listing.members[0]!.source.read(0, 4), 'unsupported', ['holes.img', 'sparse']);
    }
  });
});
