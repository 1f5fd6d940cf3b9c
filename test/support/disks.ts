import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { dirname, basename } from 'node:path';
import { copyDisk } from '../../src/engine/disk/copy';
import type { OutputFormat } from '../../src/engine/disk/disk-writer';
import { openVirtualDisk } from '../../src/engine/disk/open-disk';
import type { VirtualDisk } from '../../src/engine/disk/virtual-disk';
import { NodeFileSink } from '../../src/cli/node-file-sink';
import { nodeFileSet } from '../../src/cli/node-file-set';

/**
 * Shared helpers for disk tests. Images are made by qemu-img from a raw file written here with a known mix of
 * content; our readers and writers are checked with `qemu-img compare` / `qemu-img check`, never with our own
 * reader alone.
 */
export const MiB = 1024 * 1024;

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
export function pseudoRandom(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * A sparse raw image of `size` bytes with: random data at the start, a patterned run, an odd unaligned run of
 * sectors, explicitly written zeros (allocated but empty), holes, and data in the very last sector.
 */
export function makeMixedRaw(path: string, size = 64 * MiB): void {
  execFileSync('truncate', ['-s', String(size), path]);
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, pseudoRandom(MiB + 4096, 1), 0, MiB + 4096, 0);
    writeSync(fd, Buffer.alloc(64 * 1024, 0x5a), 0, 64 * 1024, 3 * MiB);
    writeSync(fd, pseudoRandom(7 * 512, 2), 0, 7 * 512, 5 * MiB + 512);
    writeSync(fd, Buffer.alloc(2 * MiB, 0), 0, 2 * MiB, 8 * MiB);
    writeSync(fd, pseudoRandom(3 * MiB, 3), 0, 3 * MiB, Math.floor(size / 2 / MiB) * MiB - MiB);
    writeSync(fd, pseudoRandom(512, 4), 0, 512, size - 512);
  } finally {
    closeSync(fd);
  }
}

export function qemuImg(...args: string[]): string {
  return execFileSync('qemu-img', args, { encoding: 'utf8', maxBuffer: 16 * MiB });
}

/** `qemu-img compare` (exit 0 = identical contents). Returns its status and message. */
export function qemuCompare(a: string, formatA: string, b: string, formatB: string): { status: number; output: string } {
  const result = spawnSync('qemu-img', ['compare', '-f', formatA, '-F', formatB, a, b], { encoding: 'utf8' });
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/** `qemu-img check` (exit 0 = no errors, no leaks). */
export function qemuCheck(path: string, format: string): { status: number; output: string } {
  const result = spawnSync('qemu-img', ['check', '-f', format, path], { encoding: 'utf8' });
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/** qemu-img's name for each of our output formats. */
export const QEMU_FORMAT: Record<OutputFormat, string> = {
  vmdk: 'vmdk',
  'vmdk-sparse': 'vmdk',
  vhd: 'vpc',
  'vhd-fixed': 'vpc',
  vhdx: 'vhdx',
  qcow2: 'qcow2',
  vdi: 'vdi',
  raw: 'raw',
};

/** Opens a disk file with our readers, with its folder available for extents and parents. */
export async function openDiskFile(path: string): Promise<{ disk: VirtualDisk; close: () => Promise<void> }> {
  const { files, close } = await nodeFileSet(path);
  try {
    return { disk: await openVirtualDisk(files.entries[0]!, { find: files.find }), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Converts with our engine, in-process. */
export async function convertFile(input: string, output: string, format: OutputFormat): Promise<void> {
  const { disk, close } = await openDiskFile(input);
  try {
    await copyDisk(disk, format, await NodeFileSink.create(output));
  } finally {
    await close();
  }
}

export function folderOf(path: string): { dir: string; name: string } {
  return { dir: dirname(path), name: basename(path) };
}
