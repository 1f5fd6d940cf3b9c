import { readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { coalesce } from '../../../../src/engine/disk/allocation';
import type { DiskExtent, ExtentKind } from '../../../../src/engine/disk/virtual-disk';
import { isVmferryError, type ErrorCode } from '../../../../src/engine/errors';
import { nodeFileSet } from '../../../../src/cli/node-file-set';
import { openVirtualDisk } from '../../../../src/engine/disk/open-disk';
import { openDiskFile, qemuImg } from '../../../support/disks';

/** Our allocation of a disk file, coalesced. */
export async function ourAllocation(path: string): Promise<DiskExtent[]> {
  const { disk, close } = await openDiskFile(path);
  try {
    const out: DiskExtent[] = [];
    for await (const extent of disk.allocation()) out.push(extent);
    return out;
  } finally {
    await close();
  }
}

interface QemuMapEntry {
  start: number;
  length: number;
  present: boolean;
  zero: boolean;
  data: boolean;
}

/** `qemu-img map --output=json` in our terms: data, zero (present, reads as zero) or unallocated (nowhere). */
export async function qemuAllocation(path: string, format: string): Promise<DiskExtent[]> {
  const entries = JSON.parse(qemuImg('map', '--output=json', '-f', format, path)) as QemuMapEntry[];
  const kinds = entries.map((entry) => {
    const kind: ExtentKind = entry.data ? 'data' : entry.present ? 'zero' : 'unallocated';
    return { offset: entry.start, length: entry.length, kind };
  });
  const out: DiskExtent[] = [];
  for await (const extent of coalesce(kinds)) out.push(extent);
  return out;
}

export function qemuInfo(path: string, format = 'vmdk'): { 'virtual-size': number; 'format-specific'?: { data?: Record<string, unknown> } } {
  return JSON.parse(qemuImg('info', '--output=json', '-f', format, path));
}

/** Asserts that `promise` fails with a VmferryError of `code` whose message contains every fragment. */
export async function expectVmferryError(promise: Promise<unknown>, code: ErrorCode, ...fragments: (string | RegExp)[]): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected an error').toBeInstanceOf(Error);
  const error = caught as Error;
  expect(isVmferryError(error) ? error.code : `not a VmferryError: ${error.message}`).toBe(code);
  for (const fragment of fragments) expect(error.message).toMatch(fragment);
  return error;
}

/** Opens a disk file (with its folder for extents and parents) and closes every file again, whether it opened or not. */
export async function openAndClose(path: string): Promise<void> {
  const { files, close } = await nodeFileSet(path);
  try {
    await openVirtualDisk(files.entries[0]!, { find: files.find });
  } finally {
    await close();
  }
}

/** Opens a disk file and reads its whole allocation and every data byte (so lazy structures are visited too). */
export async function openAndReadAll(path: string): Promise<void> {
  const { files, close } = await nodeFileSet(path);
  try {
    const disk = await openVirtualDisk(files.entries[0]!, { find: files.find });
    for await (const extent of disk.allocation()) {
      for (let at = extent.offset; at < extent.offset + extent.length; at += 4 * 1024 * 1024) {
        await disk.read(at, Math.min(4 * 1024 * 1024, extent.offset + extent.length - at));
      }
    }
  } finally {
    await close();
  }
}

/** Patches bytes of a file in place. */
export function patchFile(path: string, offset: number, bytes: Uint8Array | number[]): void {
  const data = readFileSync(path);
  data.set(bytes, offset);
  writeFileSync(path, data);
}

export function u32le(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

export function u64le(value: bigint): number[] {
  const out: number[] = [];
  for (let i = 0n; i < 8n; i++) out.push(Number((value >> (8n * i)) & 0xffn));
  return out;
}

/** Little-endian u32 / u64 fields of a file. */
export function readU32(path: string, offset: number): number {
  return readFileSync(path).readUInt32LE(offset);
}

export function readU64(path: string, offset: number): bigint {
  return readFileSync(path).readBigUInt64LE(offset);
}
