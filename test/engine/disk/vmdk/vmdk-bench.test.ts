import { execFileSync } from 'node:child_process';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { convertFile, MiB, pseudoRandom, qemuCompare } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';

/**
 * Speed of the streamOptimized writer and reader beside qemu-img on the same 256 MiB images: 1 MiB of data, then
 * 1 MiB of hole, alternating (128 MiB of data); the data random in one image, compressible (16 letters, about
 * 4 bits of entropy per byte) in the other. Opt-in (`VMDK_BENCH=1`): it takes several seconds and measures rather
 * than checks.
 */
describeWithTools(['qemu-img', 'truncate'], 'VMDK streamOptimized speed (VMDK_BENCH=1)', () => {
  it.runIf(process.env.VMDK_BENCH === '1')(
    'writes and reads 256 MiB data+hole mixes; prints times beside qemu-img',
    async () => {
      const dir = tempDir('vmdk-bench');
      for (const kind of ['random', 'compressible'] as const) {
        const input = join(dir, `${kind}.img`);
        makeMix(input, kind);
        console.log(await measure(kind, input, dir));
      }
    },
    180_000,
  );
});

function makeMix(path: string, kind: 'random' | 'compressible'): void {
  execFileSync('truncate', ['-s', String(256 * MiB), path]);
  const fd = openSync(path, 'r+');
  for (let at = 0; at < 256 * MiB; at += 2 * MiB) {
    const data = pseudoRandom(MiB, at / MiB + 1);
    if (kind === 'compressible') for (let i = 0; i < data.length; i++) data[i] = 0x61 + (data[i]! & 15);
    writeSync(fd, data, 0, MiB, at);
  }
  closeSync(fd);
}

async function measure(kind: string, input: string, dir: string): Promise<string> {
  const time = async (work: () => unknown) => {
    const started = performance.now();
    await work();
    return (performance.now() - started) / 1000;
  };
  const ours = join(dir, `${kind}-ours.vmdk`);
  const qemu = join(dir, `${kind}-qemu.vmdk`);
  const writeOurs = await time(() => convertFile(input, ours, 'vmdk'));
  const writeQemu = await time(() => execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', input, qemu]));
  const readOurs = await time(() => convertFile(qemu, join(dir, `${kind}-back.raw`), 'raw'));
  const readQemu = await time(() => execFileSync('qemu-img', ['convert', '-f', 'vmdk', '-O', 'raw', qemu, join(dir, `${kind}-qback.raw`)]));
  expect(qemuCompare(input, 'raw', ours, 'vmdk').status).toBe(0);
  const rate = (seconds: number) => `${(128 / seconds).toFixed(0)} MiB/s`;
  return [
    `${kind} data:`,
    `  write streamOptimized: vmferry ${writeOurs.toFixed(2)} s (${rate(writeOurs)}), qemu-img ${writeQemu.toFixed(2)} s (${rate(writeQemu)})`,
    `  sizes: vmferry ${statSync(ours).size}, qemu-img ${statSync(qemu).size}`,
    `  read streamOptimized → raw: vmferry ${readOurs.toFixed(2)} s, qemu-img ${readQemu.toFixed(2)} s`,
  ].join('\n');
}
