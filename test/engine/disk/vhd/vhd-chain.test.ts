import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layersOf, type DiskExtent } from '../../../../src/engine/disk/virtual-disk';
import { convertFile, MiB, pseudoRandom, qemuCompare } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { collect, openError, withDiskFile } from './vhd-test-helpers';
import { buildVhd, expectedBytes, newUuid, sealHeader, SECTOR, utf16le, type SectorWrite } from './vhd-spec-builder';

/**
 * Differencing chains built from the spec (qemu cannot make or follow them: block/vpc.c opens a differencing
 * disk as a standalone dynamic one), with partly set sector bitmaps and junk under the clear bits, merged by
 * our reader and compared with the bytes the test computes itself.
 */
const run = (sector: number, sectors: number, seed: number): SectorWrite => ({ sector, data: pseudoRandom(sectors * SECTOR, seed) });

const PARENT_SIZE = 6 * MiB;
const CHILD_SIZE = 6 * MiB;
const GRANDCHILD_SIZE = 7 * MiB; // larger than its parents: past 6 MiB only its own sectors exist

// The parent stores its 2 MiB blocks 0 and 1; block 2 (sectors 8192..12287) only the upper layers write.
const parentWrites = [run(0, 100, 11), run(4000, 200, 12)];
const childWrites = [run(50, 10, 21), run(1030, 1, 22), run(2047, 2, 23), run(5000, 8, 25), run(9216, 1024, 24), run(10300, 5, 26), run(11000, 3, 27)];
const grandchildWrites = [run(55, 2, 31), run(4090, 3, 32), run(10302, 10, 35), run(12287, 3, 33), run(13000, 100, 34)];

interface Chain {
  dir: string;
  parentUuid: Buffer;
  childUuid: Buffer;
  grandchildUuid: Buffer;
}

/** parent (dynamic, 2 MiB blocks) ← child.avhd (512 KiB blocks) ← grandchild.vhd (64 KiB blocks). */
function writeChain(): Chain {
  const dir = tempDir('vhd-chain');
  mkdirSync(join(dir, 'base'));
  const parentUuid = newUuid();
  const childUuid = newUuid();
  const grandchildUuid = newUuid();
  // A dynamic parent is read block by block, bitmap ignored (as qemu does): zeros under its clear bits.
  const parent = buildVhd({ type: 'dynamic', size: PARENT_SIZE, blockSize: 2 * MiB, uuid: parentUuid, writes: parentWrites });
  writeFileSync(join(dir, 'base', 'parent.vhd'), parent);
  const child = buildVhd({
    type: 'differencing',
    size: CHILD_SIZE,
    blockSize: 512 * 1024,
    uuid: childUuid,
    writes: childWrites,
    filler: 0xee,
    parentUuid,
    parentName: 'parent.vhd',
    locators: [
      { code: 'W2ku', data: utf16le('C:\\VMs\\base\\parent.vhd') },
      { code: 'W2ru', data: utf16le('.\\base\\parent.vhd') },
    ],
  });
  writeFileSync(join(dir, 'child.avhd'), child);
  const grandchild = buildVhd({
    type: 'differencing',
    size: GRANDCHILD_SIZE,
    blockSize: 64 * 1024,
    uuid: grandchildUuid,
    writes: grandchildWrites,
    filler: 0xdd,
    parentUuid: childUuid,
    locators: [{ code: 'W2ku', data: utf16le('D:\\Hyper-V\\Snapshots\\child.avhd') }],
  });
  writeFileSync(join(dir, 'grandchild.vhd'), grandchild);
  return { dir, parentUuid, childUuid, grandchildUuid };
}

const expected = () => expectedBytes(GRANDCHILD_SIZE, [parentWrites, childWrites, grandchildWrites]);

interface LayerView {
  writes: SectorWrite[];
  size: number;
  /** A dynamic layer stores whole blocks of this many sectors (its bitmap is not consulted). */
  wholeBlockSectors?: number;
}

/** The allocation a chain must report (layers top first), computed sector by sector from the writes. */
function expectedAllocation(size: number, layers: LayerView[]): DiskExtent[] {
  const holds = layers.map(({ writes, size: layerSize, wholeBlockSectors }) => {
    const set = new Set<number>();
    for (const { sector, data } of writes) for (let i = 0; i < data.length / SECTOR; i++) set.add(sector + i);
    const blocks = new Set([...set].map((s) => Math.floor(s / (wholeBlockSectors ?? 1))));
    return (sector: number) => sector < layerSize / SECTOR && (wholeBlockSectors ? blocks.has(Math.floor(sector / wholeBlockSectors)) : set.has(sector));
  });
  const extents: DiskExtent[] = [];
  for (let sector = 0; sector < size / SECTOR; sector++) {
    const kind = holds.some((has) => has(sector)) ? 'data' : 'unallocated';
    const last = extents.at(-1);
    if (last && last.kind === kind) last.length += SECTOR;
    else extents.push({ offset: sector * SECTOR, length: SECTOR, kind });
  }
  return extents;
}

const PARENT_VIEW: LayerView = { writes: parentWrites, size: PARENT_SIZE, wholeBlockSectors: 4096 };
const CHILD_VIEW: LayerView = { writes: childWrites, size: CHILD_SIZE };

describe('differencing VHD chains', () => {
  it('merges a three-layer chain sector by sector, honouring partial bitmaps', async () => {
    const { dir } = writeChain();
    await withDiskFile(join(dir, 'grandchild.vhd'), async (disk) => {
      expect(layersOf(disk).map((layer) => [layer.name, layer.subformat, layer.virtualSize, layer.storedBytes])).toEqual([
        ['grandchild.vhd', 'differencing', GRANDCHILD_SIZE, statSync(join(dir, 'grandchild.vhd')).size],
        ['child.avhd', 'differencing', CHILD_SIZE, statSync(join(dir, 'child.avhd')).size],
        ['base/parent.vhd', 'dynamic', PARENT_SIZE, statSync(join(dir, 'base', 'parent.vhd')).size],
      ]);
      const want = expected();
      expect(Buffer.from(await disk.read(0, GRANDCHILD_SIZE)).equals(want)).toBe(true);
      // Unaligned reads that start and end inside sectors, blocks and runs of either kind.
      let seed = 7;
      const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
      for (let i = 0; i < 300; i++) {
        const offset = next() % GRANDCHILD_SIZE;
        const length = next() % (300 * 1024);
        const got = Buffer.from(await disk.read(offset, length));
        expect(got.equals(want.subarray(offset, offset + length)), `read ${length} at ${offset}`).toBe(true);
      }
      expect(await collect(disk.allocation())).toEqual(
        expectedAllocation(GRANDCHILD_SIZE, [{ writes: grandchildWrites, size: GRANDCHILD_SIZE }, CHILD_VIEW, PARENT_VIEW]),
      );
    });
  });

  it('converts the merged chain to raw with exactly the expected bytes', async () => {
    const { dir } = writeChain();
    await convertFile(join(dir, 'grandchild.vhd'), join(dir, 'flat.img'), 'raw');
    expect(readFileSync(join(dir, 'flat.img')).equals(expected())).toBe(true);
  });

  it('reports a fully written child block as one coarse extent, partial ones sector by sector', async () => {
    const { dir } = writeChain();
    await withDiskFile(join(dir, 'child.avhd'), async (disk) => {
      const extents = await collect(disk.allocation());
      expect(extents).toEqual(expectedAllocation(CHILD_SIZE, [CHILD_VIEW, PARENT_VIEW]));
      expect(extents.slice(0, 4)).toEqual([
        { offset: 0, length: 4 * MiB, kind: 'data' }, // the parent's two blocks under the child's partial ones
        { offset: 4 * MiB, length: 1024 * SECTOR, kind: 'unallocated' },
        { offset: 9216 * SECTOR, length: 1024 * SECTOR, kind: 'data' }, // a whole child block: one extent
        { offset: 10240 * SECTOR, length: 60 * SECTOR, kind: 'unallocated' },
      ]);
    });
  });

  it('finds a parent by the Unicode name alone, and by a MacX file URL', async () => {
    const { dir, childUuid } = writeChain();
    const viaName = buildVhd({ type: 'differencing', size: CHILD_SIZE, blockSize: 64 * 1024, uuid: newUuid(), writes: [], parentUuid: childUuid, parentName: 'child.avhd' });
    writeFileSync(join(dir, 'by-name.vhd'), viaName);
    const viaMac = buildVhd({
      type: 'differencing',
      size: CHILD_SIZE,
      blockSize: 64 * 1024,
      uuid: newUuid(),
      writes: [],
      parentUuid: childUuid,
      locators: [{ code: 'MacX', data: Buffer.from('file://localhost/Users/me/VMs/child%2Eavhd') }],
    });
    writeFileSync(join(dir, 'by-mac.vhd'), viaMac);
    const want = expectedBytes(CHILD_SIZE, [parentWrites, childWrites]);
    for (const name of ['by-name.vhd', 'by-mac.vhd']) {
      await withDiskFile(join(dir, name), async (disk) => {
        expect(disk.parent?.name).toBe('child.avhd');
        expect(Buffer.from(await disk.read(0, CHILD_SIZE)).equals(want)).toBe(true);
      });
    }
  });

  it('refuses a parent whose unique id is not the one the child was made from, naming both files', async () => {
    const { dir } = writeChain();
    const stranger = buildVhd({
      type: 'differencing',
      size: CHILD_SIZE,
      blockSize: 64 * 1024,
      uuid: newUuid(),
      writes: [],
      parentUuid: newUuid(),
      locators: [{ code: 'W2ru', data: utf16le('.\\child.avhd') }],
    });
    writeFileSync(join(dir, 'stranger.vhd'), stranger);
    const error = await openError(join(dir, 'stranger.vhd'));
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/^stranger\.vhd: .*parent with id [0-9a-f-]{36}.*child\.avhd.*W2ru locator 0.*has id [0-9a-f-]{36}/);
  });

  it('reports a missing parent with every name it looked for', async () => {
    const { dir } = writeChain();
    const orphan = buildVhd({
      type: 'differencing',
      size: CHILD_SIZE,
      blockSize: 64 * 1024,
      uuid: newUuid(),
      writes: [],
      parentUuid: newUuid(),
      parentName: 'gone.vhd',
      locators: [
        { code: 'W2ru', data: utf16le('.\\old\\gone.vhd') },
        { code: 'W2ku', data: utf16le('E:\\old\\gone-abs.vhd') },
      ],
    });
    writeFileSync(join(dir, 'orphan.vhd'), orphan);
    const error = await openError(join(dir, 'orphan.vhd'));
    expect(error.code).toBe('missing-file');
    expect(error.message).toContain('orphan.vhd: Parent disk not found');
    expect(error.message).toContain('".\\old\\gone.vhd" (W2ru locator 0)');
    expect(error.message).toContain('"gone-abs.vhd" (W2ku locator 1: E:\\old\\gone-abs.vhd)');
    expect(error.message).toContain('"gone.vhd" (parent name)');
  });

  it('refuses a disk that names itself as its parent', async () => {
    const dir = tempDir('vhd-loop');
    const uuid = newUuid();
    writeFileSync(
      join(dir, 'self.vhd'),
      buildVhd({ type: 'differencing', size: MiB, blockSize: 64 * 1024, uuid, parentUuid: uuid, writes: [], locators: [{ code: 'W2ru', data: utf16le('.\\self.vhd') }] }),
    );
    const error = await openError(join(dir, 'self.vhd'));
    expect(error.code).toBe('corrupt');
    expect(error.message).toBe('self.vhd: Differencing VHD names itself as its parent (W2ru locator 0: ".\\self.vhd")');
  });

  it('stops a loop of two disks that name each other, in bounded time', async () => {
    const dir = tempDir('vhd-loop2');
    const a = newUuid();
    const b = newUuid();
    const layer = (uuid: Buffer, parentUuid: Buffer, parent: string) =>
      buildVhd({ type: 'differencing', size: MiB, blockSize: 64 * 1024, uuid, parentUuid, writes: [], locators: [{ code: 'W2ru', data: utf16le(parent) }] });
    writeFileSync(join(dir, 'a.vhd'), layer(a, b, 'b.vhd'));
    writeFileSync(join(dir, 'b.vhd'), layer(b, a, 'a.vhd'));
    const started = Date.now();
    const error = await openError(join(dir, 'a.vhd'));
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/^[ab]\.vhd: The chain of parent disks is more than 64 deep/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a parent locator whose data lies beyond the end of the file', async () => {
    const dir = tempDir('vhd-locator');
    const file = buildVhd({ type: 'differencing', size: MiB, blockSize: 64 * 1024, uuid: newUuid(), parentUuid: newUuid(), writes: [], locators: [{ code: 'W2ru', data: utf16le('.\\p.vhd') }] });
    file.writeBigUInt64BE(BigInt(file.length + 4096), 512 + 576 + 16); // locator 0 data offset
    sealHeader(file);
    writeFileSync(join(dir, 'bad-locator.vhd'), file);
    const error = await openError(join(dir, 'bad-locator.vhd'));
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/^bad-locator\.vhd \(at byte \d+\): VHD parent locator 0 \(W2ru\) claims 14 bytes at byte \d+, beyond the end of the file$/);
  });
});

describeWithTools(['qemu-img'], 'differencing VHD chains through qemu-img', () => {
  it('flattens the chain into a dynamic VHD that qemu-img finds identical to the expected bytes', async () => {
    const { dir } = writeChain();
    writeFileSync(join(dir, 'expected.img'), expected());
    await convertFile(join(dir, 'grandchild.vhd'), join(dir, 'flat.vhd'), 'vhd');
    const result = qemuCompare(join(dir, 'expected.img'), 'raw', join(dir, 'flat.vhd'), 'vpc');
    expect(result.output).toContain('Images are identical');
    expect(result.status).toBe(0);
  });
});
