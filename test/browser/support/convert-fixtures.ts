import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeMixedRaw } from '../../support/disks';
import { gnuTar, tempDir, vsphereDescriptorFor, writeManifest } from '../../support/packages';

const GiB = 1024 * 1024 * 1024;

export interface ConvertFixtures {
  dir: string;
  /** vm.ova: the vSphere descriptor, a 1 GiB streamOptimized VMDK (qemu-img) of `raw`, a SHA-256 manifest. */
  ova: string;
  /** The disk's contents, for `qemu-img compare` with what the app writes. */
  raw: string;
  /** slow.ova: the same descriptor over 160 MiB of random data: converting it takes seconds (cancel). */
  slowOva(): string;
  cleanup(): void;
}

/**
 * Inputs for conversions in the browser, made with real tools: a sparse raw image with a known mix of data,
 * holes and zeros (test/support/disks.ts), turned into a streamOptimized VMDK by qemu-img, described by a real
 * vSphere descriptor, hashed, and packed by GNU tar.
 */
export function makeConvertFixtures(): ConvertFixtures {
  const dir = tempDir('browser-convert');
  const pack = (folder: string, raw: string, archive: string) => {
    const vmdk = join(folder, 'input.vmdk');
    execFileSync('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', raw, vmdk]);
    writeFileSync(join(folder, 'vm.ovf'), vsphereDescriptorFor(vmdk));
    writeManifest(folder, 'vm.mf', ['vm.ovf', 'input.vmdk']);
    return gnuTar(folder, archive, ['vm.ovf', 'input.vmdk', 'vm.mf']);
  };
  const raw = join(dir, 'source.raw');
  makeMixedRaw(raw, GiB);
  const ova = pack(dir, raw, 'vm.ova');
  const slowOva = () => {
    const folder = join(dir, 'slow');
    execFileSync('mkdir', ['-p', folder]);
    const slowRaw = join(folder, 'slow.raw');
    execFileSync('truncate', ['-s', String(GiB), slowRaw]);
    execFileSync('dd', ['if=/dev/urandom', `of=${slowRaw}`, 'bs=1M', 'count=160', 'conv=notrunc', 'status=none']);
    return pack(folder, slowRaw, 'slow.ova');
  };
  return { dir, ova, raw, slowOva, cleanup: () => execFileSync('rm', ['-rf', dir]) };
}
