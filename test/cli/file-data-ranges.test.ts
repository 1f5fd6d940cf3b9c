import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileDataRanges, parseSeekOutput } from '../../src/cli/file-data-ranges';
import { NodeFileSource } from '../../src/cli/node-file-source';
import { RawDisk } from '../../src/engine/disk/raw/raw-disk';
import type { DiskExtent } from '../../src/engine/disk/virtual-disk';
import { describeWithTools } from '../support/tools';
import { tempDir } from '../support/packages';

const MiB = 1024 * 1024;

describe('parseSeekOutput', () => {
  it('turns DATA/HOLE transitions into data ranges, data running to the end when no hole follows', () => {
    const text = 'Whence\tResult\nDATA\t0\nHOLE\t4096\nDATA\t65536\nHOLE\t69632\nDATA\t131072\n';
    expect(parseSeekOutput(text, 200_000)).toEqual([
      { offset: 0, length: 4096 },
      { offset: 65536, length: 4096 },
      { offset: 131072, length: 200_000 - 131072 },
    ]);
  });

  it('an all-hole file has no data; anything unexpected means "unknown"', () => {
    expect(parseSeekOutput('Whence\tResult\nHOLE\t0\n', 4096)).toEqual([]);
    expect(parseSeekOutput('xfs_io: command "seek" not found\n', 4096)).toBeNull();
    expect(parseSeekOutput('Whence\tResult\nDATA\t0\nHOLE\t99999\n', 4096)).toBeNull();
  });
});

describeWithTools(['xfs_io', 'truncate'], 'holes of a real sparse file', () => {
  it('a raw image converts without reading its holes: they are unallocated extents', async () => {
    const dir = tempDir('holes');
    const path = join(dir, 'sparse.img');
    execFileSync('truncate', ['-s', String(64 * MiB), path]);
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(MiB, 1), 0, MiB, 8 * MiB);
    writeSync(fd, Buffer.alloc(MiB, 2), 0, MiB, 40 * MiB);
    closeSync(fd);
    const ranges = await fileDataRanges(path, 64 * MiB);
    // File systems allocate in blocks: each written MiB is data, the rest holes.
    expect(ranges?.map((r) => [r.offset, r.length])).toEqual([
      [8 * MiB, MiB],
      [40 * MiB, MiB],
    ]);
    const source = await NodeFileSource.open(path);
    const extents: DiskExtent[] = [];
    for await (const extent of new RawDisk(source).allocation()) extents.push(extent);
    await source.close();
    expect(extents).toEqual([
      { offset: 0, length: 8 * MiB, kind: 'unallocated' },
      { offset: 8 * MiB, length: MiB, kind: 'data' },
      { offset: 9 * MiB, length: 31 * MiB, kind: 'unallocated' },
      { offset: 40 * MiB, length: MiB, kind: 'data' },
      { offset: 41 * MiB, length: 23 * MiB, kind: 'unallocated' },
    ]);
  });
});
