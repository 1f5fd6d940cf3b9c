import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Builders for test appliances, made with real tools (qemu-img, GNU tar, sha256sum's algorithm) in a temp dir. */
export const OVF_FIXTURES = resolve(__dirname, '../../../shared/fixtures/ovf');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `vmferry-${prefix}-`));
}

export function fixtureText(name: string): string {
  return readFileSync(join(OVF_FIXTURES, name), 'utf8');
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** A streamOptimized VMDK made by qemu-img, with some data written into it so it is not empty. */
export function makeStreamOptimizedVmdk(path: string, size = '64M'): void {
  const raw = `${path}.raw`;
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', raw, size]);
  writeFileSync(raw, Buffer.alloc(512 * 1024, 0x5a), { flag: 'r+' });
  execFileSync('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', raw, path]);
  execFileSync('rm', [raw]);
}

/** The vSphere fixture descriptor with its file size made true for the disk we generated. */
export function vsphereDescriptorFor(diskPath: string): string {
  const size = readFileSync(diskPath).length;
  return fixtureText('cot-vmware-vsphere-vmx08.ovf').replace('ovf:size="152576"', `ovf:size="${size}"`);
}

export function writeManifest(dir: string, name: string, files: string[]): void {
  writeFileSync(join(dir, name), files.map((f) => `SHA256(${f})= ${sha256File(join(dir, f))}\n`).join(''));
}

/** An OVA with GNU tar: members in the given order (descriptor first, as DSP0243 asks). */
export function gnuTar(dir: string, archive: string, members: string[], format = 'ustar'): string {
  const path = join(dir, archive);
  execFileSync('tar', ['--format', format, '-cf', path, '-C', dir, ...members]);
  return path;
}
