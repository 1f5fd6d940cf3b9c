import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatExt, type ExtFormatOptions } from '../../../src/engine/sample/ext/format-ext';
import { dir, file, symlink } from '../../../src/engine/sample/ext/fs-tree';
import { hasSuperblockCopy, planGeometry } from '../../../src/engine/sample/ext/ext-geometry';
import { tempDir } from '../../support/packages';
import { describeWithTools } from '../../support/tools';
import { debugfs, debugfsBytes, expectClean, groupSection, superblockFields, writeImage } from './ext-tools';

const UUID = Uint8Array.from([0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x33, 0x33, 0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55]);
const UUID_TEXT = '11111111-2222-3333-4444-555555555555';
const TIME = 1414670400; // 2014-10-30

/** Bytes that do not repeat, so a block written in the wrong place shows up in a compare. */
function patterned(length: number, salt: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = 0x9e3779b9 ^ salt;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

const manyNames = Object.fromEntries(Array.from({ length: 90 }, (_, i) => [`entry-with-a-long-name-${String(i).padStart(3, '0')}`, file(`file ${i}\n`)]));

const TREE = dir({
  etc: dir({
    fstab: file('/dev/sda2 / ext3 defaults 1 1\n'),
    'grub.conf': symlink('../boot/grub/grub.conf'),
    empty: file(''),
  }),
  data: dir({
    'direct-only': file(patterned(12 * 1024, 1)),
    'single-indirect': file(patterned(100 * 1024 + 17, 2)),
    'double-indirect': file(patterned(300 * 1024 + 5, 3)),
    'slow-link': symlink(`/a/target/longer/than/the/sixty/bytes/of/i_block/so/it/needs/a/data/block`),
  }),
  crowded: dir(manyNames),
  tmp: dir({}, 0o1777),
});

function options(overrides: Partial<ExtFormatOptions>): ExtFormatOptions {
  return { name: 'test', journal: false, sizeBytes: 16 * 1024 * 1024, uuid: UUID, hashSeed: UUID, time: TIME, root: TREE, label: 'test', ...overrides };
}

describe('ext geometry', () => {
  it('keeps superblock copies in groups 0, 1 and powers of 3, 5 and 7 (sparse_super)', () => {
    const groups = Array.from({ length: 130 }, (_, g) => g).filter(hasSuperblockCopy);
    expect(groups).toEqual([0, 1, 3, 5, 7, 9, 25, 27, 49, 81, 125]);
  });

  it('lays out a 40 MiB filesystem as mke2fs does: 5 groups, 2048 inodes each, 256 inode-table blocks', () => {
    const g = planGeometry(40 * 1024 * 1024, 1024, 4096, 't');
    expect([g.blocksCount, g.groups.length, g.inodesPerGroup, g.inodeTableBlocks]).toEqual([40960, 5, 2048, 256]);
    expect(g.groups.map((group) => [group.start, group.blockBitmap, group.inodeTable, group.blocks])).toEqual([
      [1, 3, 5, 8192],
      [8193, 8195, 8197, 8192],
      [16385, 16385, 16387, 8192],
      [24577, 24579, 24581, 8192],
      [32769, 32769, 32771, 8191],
    ]);
  });

  it('refuses what it cannot make, by name', () => {
    expect(() => planGeometry(1024 * 1024, 512, 4096, 'tiny')).toThrow(/Block size 512/);
    expect(() => formatExt(options({ sizeBytes: 1024 * 1024, journal: true }))).toThrow(/too small for a journal/);
    expect(() => formatExt(options({ root: dir({ 'lost+found': dir({}) }) }))).toThrow(/lost\+found is made by the formatter/);
    expect(() => formatExt(options({ root: dir({ 'a/b': file('x') }) }))).toThrow(/"a\/b" cannot be a directory entry name/);
    expect(() => formatExt(options({ sizeBytes: 2 * 1024 * 1024, root: dir({ big: file(new Uint8Array(3 * 1024 * 1024)) }) }))).toThrow(/do not fit/);
  });
});

describeWithTools(['e2fsck', 'debugfs', 'dumpe2fs', 'mke2fs'], 'ext formatter checked by e2fsprogs', () => {
  let work: string;
  beforeAll(() => {
    work = tempDir('sample-ext');
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const cases: { name: string; overrides: Partial<ExtFormatOptions>; features: string }[] = [
    { name: 'ext2-1k', overrides: {}, features: 'filetype sparse_super' },
    { name: 'ext3-1k', overrides: { journal: true, sizeBytes: 40 * 1024 * 1024 }, features: 'has_journal filetype sparse_super' },
    { name: 'ext2-4k', overrides: { blockSize: 4096, sizeBytes: 300 * 1024 * 1024 }, features: 'filetype sparse_super' },
    { name: 'ext3-2k', overrides: { journal: true, blockSize: 2048, sizeBytes: 48 * 1024 * 1024 }, features: 'has_journal filetype sparse_super' },
  ];

  for (const { name, overrides, features } of cases) {
    describe(name, () => {
      let image: string;
      beforeAll(() => {
        image = writeImage(join(work, `${name}.img`), formatExt(options({ ...overrides, label: name })));
      });

      it('is clean to e2fsck -fn (only the pass lines and the summary)', () => {
        expect(expectClean(image)).toMatch(new RegExp(`^${name}: 1\\d\\d/`));
      });

      it(`has exactly the features ${features}, the UUID, label and a clean state`, () => {
        const fields = superblockFields(image);
        expect(fields.get('Filesystem features')).toBe(features);
        expect(fields.get('Filesystem UUID')).toBe(UUID_TEXT);
        expect(fields.get('Filesystem volume name')).toBe(name);
        expect(fields.get('Filesystem state')).toBe('clean');
        if (overrides.journal) {
          expect(fields.get('Journal inode')).toBe('8');
          expect(fields.get('Journal backup')).toBe('inode blocks');
          expect(fields.get('Journal start')).toBe('0');
          expect(fields.get('Journal sequence')).toBe('0x00000001');
        }
      });

      it('reads back every file and link with debugfs', () => {
        expect(debugfs(image, 'cat /etc/fstab')).toBe('/dev/sda2 / ext3 defaults 1 1\n');
        for (const [path, size, salt] of [
          ['/data/direct-only', 12 * 1024, 1],
          ['/data/single-indirect', 100 * 1024 + 17, 2],
          ['/data/double-indirect', 300 * 1024 + 5, 3],
        ] as const) {
          expect(Buffer.compare(debugfsBytes(image, `cat ${path}`), Buffer.from(patterned(size, salt)))).toBe(0);
        }
        expect(debugfs(image, 'stat /etc/grub.conf')).toMatch(/Type: symlink[\s\S]*Fast link dest: "\.\.\/boot\/grub\/grub\.conf"/);
        expect(debugfs(image, 'cat /data/slow-link')).toBe('/a/target/longer/than/the/sixty/bytes/of/i_block/so/it/needs/a/data/block');
        expect(debugfs(image, 'stat /tmp')).toMatch(/Mode: +01777/);
        const listing = debugfs(image, 'ls -l /crowded');
        expect(listing.match(/entry-with-a-long-name-\d{3}/g)).toHaveLength(90);
      });
    });
  }

  it('puts every group structure where mke2fs 1.47.0 puts it, with the same counts for an empty filesystem', () => {
    const ours = writeImage(join(work, 'empty-ours.img'), formatExt(options({ journal: true, sizeBytes: 40 * 1024 * 1024, root: dir({}) })));
    const theirs = join(work, 'empty-mke2fs.img');
    execFileSync('truncate', ['-s', '40M', theirs]);
    execFileSync('mke2fs', ['-q', '-F', '-t', 'ext3', '-b', '1024', '-I', '128', '-i', '4096', '-O', 'none,filetype,sparse_super,has_journal', '-U', UUID_TEXT, theirs], {
      stdio: 'ignore',
    });
    expect(groupSection(ours)).toBe(groupSection(theirs));
    const [a, b] = [superblockFields(ours), superblockFields(theirs)];
    // Not compared: "Overhead clusters" (s_overhead_clusters, written by mke2fs since 1.46.5; 0, as older mke2fs
    // left it, tells the kernel to compute it).
    for (const field of ['Inode count', 'Block count', 'Reserved block count', 'Free blocks', 'Free inodes', 'First block', 'Inodes per group', 'Total journal blocks', 'Journal features']) {
      expect([field, a.get(field)]).toEqual([field, b.get(field)]);
    }
    expect(debugfs(ours, 'stat <8>').match(/BLOCKS:[\s\S]*/)?.[0]).toBe(debugfs(theirs, 'stat <8>').match(/BLOCKS:[\s\S]*/)?.[0]);
  });
});
