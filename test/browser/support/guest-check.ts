import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { expect } from 'vitest';

/** Looking into a disk image written by the app, with sfdisk, dd, e2fsck and debugfs only. */
export interface PartitionPlace {
  number: number;
  start: number;
  size: number;
}

export function partitionsOf(raw: string): PartitionPlace[] {
  const table = JSON.parse(execFileSync('sfdisk', ['--json', raw], { encoding: 'utf8' })) as {
    partitiontable: { sectorsize?: number; partitions: { node: string; start: number; size: number }[] };
  };
  const sector = table.partitiontable.sectorsize ?? 512;
  return table.partitiontable.partitions.map((p, i) => ({ number: i + 1, start: p.start * sector, size: p.size * sector }));
}

/** One partition as its own image file (dd), for e2fsck and debugfs. */
export function extractPartition(raw: string, part: PartitionPlace, path: string): string {
  execFileSync('dd', [`if=${raw}`, `of=${path}`, 'bs=512', `skip=${part.start / 512}`, `count=${part.size / 512}`, 'status=none']);
  return path;
}

export function debugfs(image: string, request: string): string {
  return execFileSync('debugfs', ['-R', request, image], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `e2fsck -fn` with clean output: exit 0, the five passes and the summary, nothing else. */
export function expectCleanFsck(image: string): void {
  const run = spawnSync('e2fsck', ['-fn', image], { encoding: 'utf8' });
  const lines = run.stdout.trimEnd().split('\n');
  expect({ status: run.status, passes: lines.slice(0, 5).map((line) => line.replace(/:.*/, '')), extra: lines.length }).toEqual({
    status: 0,
    passes: ['Pass 1', 'Pass 2', 'Pass 3', 'Pass 4', 'Pass 5'],
    extra: 6,
  });
}

/** Byte offsets of the `unit`-sized blocks where two equally long images differ. */
export function differingBlocks(a: string, b: string, size: number, unit = 4096): number[] {
  const fa = openSync(a, 'r');
  const fb = openSync(b, 'r');
  const chunk = 4 * 1024 * 1024;
  const ba = Buffer.alloc(chunk);
  const bb = Buffer.alloc(chunk);
  const differing: number[] = [];
  try {
    for (let offset = 0; offset < size; offset += chunk) {
      const length = Math.min(chunk, size - offset);
      readSync(fa, ba, 0, length, offset);
      readSync(fb, bb, 0, length, offset);
      for (let at = 0; at < length; at += unit) {
        if (!ba.subarray(at, at + unit).equals(bb.subarray(at, at + unit))) differing.push(offset + at);
      }
    }
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
  return differing;
}

/**
 * What changed between two images of one ext filesystem, per debugfs: the blocks that differ (compared at the
 * filesystem's block size), attributed with `icheck` to the inodes owning them and named with `ncheck`. Blocks no
 * inode owns are filesystem metadata (inode table, bitmaps, group descriptors): reported as `metadata`.
 */
export function changedFiles(before: string, after: string, size: number): string[] {
  const blockSize = Number(/Block size:\s+(\d+)/.exec(debugfs(after, 'stats'))?.[1]);
  const blocks = differingBlocks(before, after, size, blockSize).map((offset) => offset / blockSize);
  if (blocks.length === 0) return [];
  const inodes = new Set<string>();
  let metadata = false;
  for (const line of debugfs(after, `icheck ${blocks.join(' ')}`).split('\n').slice(1)) {
    const [block, inode] = line.trim().split(/\s+/);
    if (!block) continue;
    if (inode === '<block') metadata = true;
    else if (inode) inodes.add(inode);
  }
  const owners =
    inodes.size === 0
      ? []
      : debugfs(after, `ncheck ${[...inodes].join(' ')}`)
          .split('\n')
          .slice(1)
          .map((line) => line.trim().split(/\s+/)[1])
          .filter((path): path is string => !!path);
  return [...new Set(owners)].sort().concat(metadata ? ['metadata'] : []);
}
