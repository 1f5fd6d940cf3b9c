import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, readSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { copyDisk } from '../../../../src/engine/disk/copy';
import { OverlayDisk } from '../../../../src/engine/disk/overlay';
import { NodeFileSink } from '../../../../src/cli/node-file-sink';
import { openDiskFile } from '../../../support/disks';

/**
 * Guest disk images built with the real tools, as an installer would lay them out: `sfdisk` writes the MBR or
 * GPT, `mke2fs -d` makes each ext filesystem from a folder (files, directories, symlinks), `mkswap` and
 * `mkfs.vfat` the others, and each is copied into its partition (`dd conv=notrunc` style).
 */
export type Tree = Record<string, string | Uint8Array | { symlink: string }>;

export function writeTree(dir: string, tree: Tree): void {
  mkdirSync(dir, { recursive: true });
  for (const [path, content] of Object.entries(tree)) {
    const full = join(dir, path);
    if (path.endsWith('/')) {
      mkdirSync(full, { recursive: true });
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    if (typeof content === 'object' && 'symlink' in content) symlinkSync(content.symlink, full);
    else writeFileSync(full, content);
  }
}

export interface PartitionSpec {
  /** sfdisk size (`8M`, or '' for the rest) and type (`83`, `82`, `8e`, `L`, `U`, `S`). */
  size: string;
  type: string;
}

export interface PartitionPlace {
  number: number;
  start: number;
  size: number;
}

export function partitionDisk(image: string, size: string, label: 'dos' | 'gpt', parts: PartitionSpec[], extended = false): PartitionPlace[] {
  execFileSync('truncate', ['-s', size, image]);
  const lines = parts.map((p) => `,${p.size},${p.type}`);
  // With `extended`, the last spec is a logical partition inside an extended one (numbered 5, as Linux does).
  if (extended) lines.splice(lines.length - 1, 0, ',,5');
  execFileSync('sfdisk', ['-q', image], { input: `label: ${label}\n${label === 'dos' ? 'label-id: 0x0000beef\n' : ''}${lines.join('\n')}\n` });
  const json = JSON.parse(execFileSync('sfdisk', ['--json', image], { encoding: 'utf8' })) as { partitiontable: { partitions: { node: string; start: number; size: number; type: string }[] } };
  return json.partitiontable.partitions
    .filter((p) => p.type !== '5')
    .map((p) => ({ number: Number(/(\d+)$/.exec(p.node)![1]), start: p.start * 512, size: p.size * 512 }));
}

export function mkext(dir: string, name: string, size: number, tree: Tree, args: string[]): string {
  const content = join(dir, `${name}.tree`);
  writeTree(content, tree);
  const image = join(dir, `${name}.img`);
  execFileSync('truncate', ['-s', String(size), image]);
  execFileSync('mke2fs', ['-q', '-F', ...args, '-d', content, image], { env: { ...process.env, E2FSPROGS_FAKE_TIME: '1700000000' } });
  return image;
}

export function mkswap(dir: string, name: string, size: number, uuid: string): string {
  const image = join(dir, `${name}.img`);
  execFileSync('truncate', ['-s', String(size), image]);
  execFileSync('mkswap', ['-q', '-U', uuid, image]);
  return image;
}

export function writeAt(path: string, offset: number, bytes: Uint8Array): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

export function readAt(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const out = Buffer.alloc(length);
    readSync(fd, out, 0, length, offset);
    return out;
  } finally {
    closeSync(fd);
  }
}

export function place(image: string, part: PartitionPlace, fsImage: string): void {
  const bytes = readFileSync(fsImage);
  if (bytes.length > part.size) throw new Error(`${fsImage} does not fit partition ${part.number}`);
  writeAt(image, part.start, bytes);
}

/** Opens a disk image with our reader under a copy-on-write overlay (what the converter does). */
export async function openOverlay(image: string): Promise<{ overlay: OverlayDisk; close: () => Promise<void> }> {
  const { disk, close } = await openDiskFile(image);
  return { overlay: new OverlayDisk(disk), close };
}

/** Writes the overlay (source + edits) to a raw file through our disk writer. */
export async function writeOut(overlay: OverlayDisk, output: string): Promise<void> {
  await copyDisk(overlay, 'raw', await NodeFileSink.create(output));
}

/** Copies bytes [offset, offset + size) of a raw image into their own file (a partition, an LV). */
export function extract(image: string, offset: number, size: number, output: string): string {
  writeFileSync(output, readAt(image, offset, size));
  return output;
}

/**
 * `e2fsck -fn` must find nothing: exit 0 and only the five pass lines and the summary (exit 0 alone is not
 * enough: a wrong free-blocks count still exits 0, notes §3.6).
 */
export function expectCleanE2fsck(fsImage: string): void {
  const run = spawnSync('e2fsck', ['-fn', fsImage], { encoding: 'utf8' });
  expect(run.stderr).toMatch(/^e2fsck [\d.]+ \([^)]*\)\n$/);
  const lines = run.stdout.trim().split('\n');
  expect(lines.slice(0, 5)).toEqual([
    'Pass 1: Checking inodes, blocks, and sizes',
    'Pass 2: Checking directory structure',
    'Pass 3: Checking directory connectivity',
    'Pass 4: Checking reference counts',
    'Pass 5: Checking group summary information',
  ]);
  expect(lines).toHaveLength(6);
  expect(lines[5]).toMatch(/^\S*: \d+\/\d+ files \([\d.]+% non-contiguous\), \d+\/\d+ blocks$/);
  expect(run.status).toBe(0);
}

export function debugfs(fsImage: string, request: string): string {
  return execFileSync('debugfs', ['-R', request, fsImage], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function inodeNumber(fsImage: string, path: string): number {
  const out = execFileSync('debugfs', ['-R', `stat ${path}`, fsImage], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return Number(/^Inode: (\d+)/.exec(out)![1]);
}

export function sha256(path: string): string {
  return execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0]!;
}

/**
 * `qemu-img compare` says the output differs from the source, and is identical once the overlay's changed
 * pages are given their source bytes back: nothing outside the edited blocks changed.
 */
export function expectChangesOnlyIn(source: string, output: string, pages: number[], scratch: string): void {
  const differs = spawnSync('qemu-img', ['compare', '-f', 'raw', '-F', 'raw', source, output], { encoding: 'utf8' });
  expect(differs.status).toBe(1);
  copyFileSync(output, scratch);
  for (const page of pages) writeAt(scratch, page, readAt(source, page, 4096));
  const same = spawnSync('qemu-img', ['compare', '-f', 'raw', '-F', 'raw', source, scratch], { encoding: 'utf8' });
  expect(`${same.status} ${same.stdout.trim()}`).toBe('0 Images are identical.');
}
