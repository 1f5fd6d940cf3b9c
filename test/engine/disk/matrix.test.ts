import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { OUTPUT_FORMATS, type OutputFormat } from '../../../src/engine/disk/disk-writer';
import { describeWithTools } from '../../support/tools';
import { convertFile, makeMixedRaw, MiB, QEMU_FORMAT, qemuCheck, qemuCompare, qemuImg } from '../../support/disks';
import { tempDir } from '../../support/packages';

/**
 * Every input qemu-img can make, converted by VM Ferry to every output format, then checked by qemu-img:
 * `compare` against the source must say identical, and `check` must be clean where qemu-img checks that format.
 */
const SIZE = 32 * MiB;

interface Input {
  name: string;
  qemuFormat: string;
  make: (dir: string, raw: string, path: string) => void;
}

const convertTo = (format: string, options: string[]) => (_dir: string, raw: string, path: string) =>
  qemuImg('convert', '-q', '-f', 'raw', '-O', format, ...options, raw, path);

/**
 * A child over a base: the base holds the first half of the source, and `qemu-img convert -B` stores in the child
 * only what differs from it, so reading the child right needs the base.
 */
const withBacking = (format: string) => (dir: string, raw: string, path: string) => {
  const half = join(dir, `half-${format}.img`);
  const base = join(dir, `base-for-${format}.${format}`);
  execFileSync('cp', ['--sparse=always', raw, half]);
  execFileSync('truncate', ['-s', String(SIZE / 2), half]);
  execFileSync('truncate', ['-s', String(SIZE), half]);
  qemuImg('convert', '-q', '-f', 'raw', '-O', format, half, base);
  qemuImg('convert', '-q', '-f', 'raw', '-O', format, '-B', base, '-F', format, raw, path);
};

const INPUTS: Input[] = [
  { name: 'monolithicSparse.vmdk', qemuFormat: 'vmdk', make: convertTo('vmdk', []) },
  { name: 'streamOptimized.vmdk', qemuFormat: 'vmdk', make: convertTo('vmdk', ['-o', 'subformat=streamOptimized']) },
  { name: 'monolithicFlat.vmdk', qemuFormat: 'vmdk', make: convertTo('vmdk', ['-o', 'subformat=monolithicFlat']) },
  { name: 'twoGbSparse.vmdk', qemuFormat: 'vmdk', make: convertTo('vmdk', ['-o', 'subformat=twoGbMaxExtentSparse']) },
  { name: 'twoGbFlat.vmdk', qemuFormat: 'vmdk', make: convertTo('vmdk', ['-o', 'subformat=twoGbMaxExtentFlat']) },
  { name: 'dynamic.vhd', qemuFormat: 'vpc', make: convertTo('vpc', ['-o', 'subformat=dynamic,force_size=on']) },
  { name: 'fixed.vhd', qemuFormat: 'vpc', make: convertTo('vpc', ['-o', 'subformat=fixed,force_size=on']) },
  { name: 'disk.vhdx', qemuFormat: 'vhdx', make: convertTo('vhdx', []) },
  { name: 'plain.qcow2', qemuFormat: 'qcow2', make: convertTo('qcow2', []) },
  { name: 'compressed.qcow2', qemuFormat: 'qcow2', make: convertTo('qcow2', ['-c']) },
  { name: 'backed.qcow2', qemuFormat: 'qcow2', make: withBacking('qcow2') },
  { name: 'disk.vdi', qemuFormat: 'vdi', make: convertTo('vdi', []) },
  { name: 'backed.vmdk', qemuFormat: 'vmdk', make: withBacking('vmdk') },
];

/** Formats `qemu-img check` supports. */
const CHECKABLE = new Set(['qcow2', 'vmdk', 'vhdx', 'vdi']);

describeWithTools(['qemu-img', 'truncate'], 'every input format to every output format, checked by qemu-img', () => {
  let dir: string;
  let raw: string;
  beforeAll(() => {
    dir = tempDir('matrix');
    raw = join(dir, 'source.img');
    makeMixedRaw(raw, SIZE);
    for (const input of INPUTS) input.make(dir, raw, join(dir, input.name));
  });

  for (const input of INPUTS) {
    it(`${input.name} → ${OUTPUT_FORMATS.join(', ')}`, async () => {
      const source = join(dir, input.name);
      for (const format of OUTPUT_FORMATS as readonly OutputFormat[]) {
        const out = join(dir, `${input.name}.to.${format}`);
        await convertFile(source, out, format);
        const compared = qemuCompare(source, input.qemuFormat, out, QEMU_FORMAT[format]);
        expect(compared.output, `${input.name} → ${format}`).toContain('Images are identical');
        if (CHECKABLE.has(QEMU_FORMAT[format])) {
          const checked = qemuCheck(out, QEMU_FORMAT[format]);
          expect(checked.status, `${input.name} → ${format}: ${checked.output}`).toBe(0);
        }
        execFileSync('rm', ['-f', out]);
      }
    });
  }
});
