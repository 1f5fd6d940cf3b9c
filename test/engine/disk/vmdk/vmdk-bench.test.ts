import { execFileSync } from 'node:child_process';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { convertFile, MiB, pseudoRandom, qemuCompare } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';

/**
 * Compression speed of the streamOptimized writer against qemu-img on the same 256 MiB image: 1 MiB of random
 * data, then 1 MiB of hole, alternating (128 MiB of data). Opt-in (`VMDK_BENCH=1`): it takes several seconds
 * and measures rather than checks.
 */
describeWithTools(['qemu-img', 'truncate'], 'VMDK streamOptimized speed (VMDK_BENCH=1)', () => {
  it.runIf(process.env.VMDK_BENCH === '1')(
    'writes and reads 256 MiB of random+zero mix; prints times beside qemu-img',
    async () => {
      const dir = tempDir('vmdk-bench');
      const input = join(dir, 'mix.img');
      execFileSync('truncate', ['-s', String(256 * MiB), input]);
      const fd = openSync(input, 'r+');
      for (let at = 0; at < 256 * MiB; at += 2 * MiB) writeSync(fd, pseudoRandom(MiB, at / MiB + 1), 0, MiB, at);
      closeSync(fd);
      const time = async (work: () => unknown) => {
        const started = performance.now();
        await work();
        return (performance.now() - started) / 1000;
      };
      const ours = await time(() => convertFile(input, join(dir, 'ours.vmdk'), 'vmdk'));
      const qemu = await time(() =>
        execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', input, join(dir, 'qemu.vmdk')]),
      );
      const readOurs = await time(() => convertFile(join(dir, 'qemu.vmdk'), join(dir, 'back.raw'), 'raw'));
      const readQemu = await time(() => execFileSync('qemu-img', ['convert', '-f', 'vmdk', '-O', 'raw', join(dir, 'qemu.vmdk'), join(dir, 'qback.raw')]));
      expect(qemuCompare(input, 'raw', join(dir, 'ours.vmdk'), 'vmdk').status).toBe(0);
      const mibps = (seconds: number) => (128 / seconds).toFixed(0);
      console.log(
        [
          `write streamOptimized: vmferry ${ours.toFixed(2)} s (${mibps(ours)} MiB/s of data), qemu-img ${qemu.toFixed(2)} s (${mibps(qemu)} MiB/s)`,
          `sizes: vmferry ${statSync(join(dir, 'ours.vmdk')).size}, qemu-img ${statSync(join(dir, 'qemu.vmdk')).size}`,
          `read streamOptimized → raw: vmferry ${readOurs.toFixed(2)} s, qemu-img ${readQemu.toFixed(2)} s`,
        ].join('\n'),
      );
    },
    120_000,
  );
});
