import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { NodeFileSink } from '../../../../src/cli/node-file-sink';
import { copyDisk } from '../../../../src/engine/disk/copy';
import { scanUnits } from '../../../../src/engine/disk/unit-map';
import { monolithicSparseWriter } from '../../../../src/engine/disk/vmdk/sparse-writer';
import { convertFile, makeMixedRaw, MiB, openDiskFile, qemuCheck, qemuCompare, qemuImg } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { expectVmferryError, ourAllocation, qemuInfo } from './vmdk-test-helpers';

const GRAIN = 64 * 1024;

/** The embedded descriptor of a sparse VMDK, and the sectors reserved for it. */
function embeddedDescriptor(file: Buffer): { text: string; reservedBytes: number } {
  const offset = Number(file.readBigUInt64LE(28)) * 512;
  const reservedBytes = Number(file.readBigUInt64LE(36)) * 512;
  const area = file.subarray(offset, offset + reservedBytes);
  const end = area.indexOf(0);
  return { text: area.subarray(0, end < 0 ? area.length : end).toString('utf8'), reservedBytes };
}

/** Bytes of the source's grains that hold a non-zero byte (the last grain may be short): what a sparse output must store. */
async function nonZeroGrainBytes(path: string): Promise<number> {
  const { disk, close } = await openDiskFile(path);
  try {
    const units = await scanUnits(disk, GRAIN);
    let bytes = 0;
    for (const index of units.indexes()) bytes += units.unitLength(index);
    return bytes;
  } finally {
    await close();
  }
}

async function storedDataBytes(path: string): Promise<number> {
  return (await ourAllocation(path)).filter((e) => e.kind === 'data').reduce((sum, e) => sum + e.length, 0);
}

describeWithTools(['qemu-img', 'qemu-io', 'truncate'], 'VMDK writing, checked by qemu-img', () => {
  let dir: string;
  const sources: { name: string; path: string }[] = [];
  beforeAll(() => {
    dir = tempDir('vmdk-write');
    sources.push({ name: 'mixed 64 MiB', path: join(dir, 'mixed.img') });
    makeMixedRaw(sources[0]!.path, 64 * MiB);
    // Not a whole number of grains: the last grain is short and must be zero-padded.
    sources.push({ name: 'odd size (33 MiB + 1.5 KiB)', path: join(dir, 'odd.img') });
    makeMixedRaw(sources[1]!.path, 33 * MiB + 1536);
  });

  for (const index of [0, 1]) {
    it(`vmdk (streamOptimized) from ${['mixed 64 MiB', 'odd size'][index]}: check clean, identical, header v3, slack, footer`, async () => {
      const { path: input } = sources[index]!;
      const output = join(dir, `so-${index}.vmdk`);
      await convertFile(input, output, 'vmdk');
      const check = qemuCheck(output, 'vmdk');
      expect(check.output).toContain('No errors were found');
      expect(check.status).toBe(0);
      const compared = qemuCompare(input, 'raw', output, 'vmdk');
      expect(compared.output).toContain('Images are identical');
      expect(compared.status).toBe(0);
      expect(qemuInfo(output)['format-specific']?.data?.['create-type']).toBe('streamOptimized');

      const file = readFileSync(output);
      expect(file.subarray(0, 4).toString('latin1')).toBe('KDMV');
      expect(file.readUInt32LE(4)).toBe(3); // ESXi refuses version 1 (notes c13)
      expect(file.readUInt32LE(8)).toBe(0x30001); // newline test, compressed grains, markers
      expect(file.readBigUInt64LE(56)).toBe(0xffffffffffffffffn); // GD_AT_END
      expect(file.readUInt16LE(77)).toBe(1); // deflate
      const { text, reservedBytes } = embeddedDescriptor(file);
      expect(reservedBytes - Buffer.byteLength(text)).toBeGreaterThanOrEqual(20 * 512);
      expect(text).toContain('createType="streamOptimized"');
      expect(text).toContain(`RW ${Math.ceil(statSync(input).size / 512)} SPARSE "so-${index}.vmdk"`);
      expect(text).toContain('ddb.adapterType = "lsilogic"');
      expect(text).toContain('ddb.virtualHWVersion = "11"');
      expect(text).toMatch(/ddb\.geometry\.cylinders = "\d+"\nddb\.geometry\.heads = "255"\nddb\.geometry\.sectors = "63"/);
      expect(text.split('\n').filter((line) => /^\s+\S/.test(line))).toEqual([]); // VirtualBox: no indentation
      // Footer marker, footer (header copy with the real gdOffset), end-of-stream marker.
      const tail = file.subarray(file.length - 1536);
      expect([tail.readBigUInt64LE(0), tail.readUInt32LE(8), tail.readUInt32LE(12)]).toEqual([1n, 0, 3]);
      expect(tail.subarray(512, 516).toString('latin1')).toBe('KDMV');
      const gdOffset = Number(tail.readBigUInt64LE(512 + 56));
      expect(gdOffset * 512).toBeLessThan(file.length - 1536);
      expect(file.readUInt32LE(gdOffset * 512 - 512 + 12)).toBe(2); // a GD marker precedes the directory
      expect(tail.subarray(1024).every((b) => b === 0)).toBe(true);
      // The first grain is random data: written as deflate stored blocks (2 + 5 + 65535 + 5 + 1 + 4 bytes).
      const firstGrain = Number(file.readBigUInt64LE(64)) * 512;
      expect([file.readBigUInt64LE(firstGrain), file.readUInt32LE(firstGrain + 8)]).toEqual([0n, 65552]);
      expect(file[firstGrain + 12 + 2]! & 0b110).toBe(0); // BTYPE 00
      // Zero grains are not stored: exactly the source's non-zero grains are allocated.
      expect(await storedDataBytes(output)).toBe(await nonZeroGrainBytes(input));
      expect(file.length).toBeLessThan(6 * MiB);
      // Our own reader finds the tables through the footer and gives the source back.
      await convertFile(output, `${output}.raw`, 'raw');
      expect(qemuCompare(input, 'raw', `${output}.raw`, 'raw').status).toBe(0);
    });
  }

  for (const index of [0, 1]) {
    it(`vmdk-sparse (monolithicSparse) from ${['mixed 64 MiB', 'odd size'][index]}: exact planned size, check clean, identical`, async () => {
      const { path: input } = sources[index]!;
      const output = join(dir, `sparse-${index}.vmdk`);
      const { disk, close } = await openDiskFile(input);
      const units = await scanUnits(disk, GRAIN);
      const planned = monolithicSparseWriter.plan(disk, units, {}).outputSize;
      const result = await copyDisk(disk, 'vmdk-sparse', await NodeFileSink.create(output));
      await close();
      expect(statSync(output).size).toBe(planned);
      expect(result.outputBytes).toBe(planned);
      const check = qemuCheck(output, 'vmdk');
      expect(check.output).toContain('No errors were found');
      expect(check.status).toBe(0);
      expect(qemuCompare(input, 'raw', output, 'vmdk').status).toBe(0);
      expect(qemuInfo(output)['format-specific']?.data?.['create-type']).toBe('monolithicSparse');

      const file = readFileSync(output);
      expect(file.readUInt32LE(4)).toBe(1);
      expect(file.readUInt32LE(8)).toBe(0x3); // newline test, redundant grain directory
      const overHead = Number(file.readBigUInt64LE(64));
      expect(overHead % 128).toBe(0);
      expect(file.length).toBe(overHead * 512 + units.dataUnits * GRAIN);
      const { text, reservedBytes } = embeddedDescriptor(file);
      expect(reservedBytes - Buffer.byteLength(text)).toBeGreaterThanOrEqual(20 * 512);
      expect(text).toContain('createType="monolithicSparse"');
      // The redundant tables are a copy of the primary ones (VirtualBox compares them).
      const rgd = Number(file.readBigUInt64LE(48));
      const gd = Number(file.readBigUInt64LE(56));
      const tablesBytes = (gd - rgd) * 512;
      const rgdEntry = file.readUInt32LE(rgd * 512);
      const gdEntry = file.readUInt32LE(gd * 512);
      expect(rgdEntry).not.toBe(gdEntry);
      expect(file.subarray(rgdEntry * 512, rgdEntry * 512 + 2048).equals(file.subarray(gdEntry * 512, gdEntry * 512 + 2048))).toBe(true);
      expect(tablesBytes).toBeGreaterThan(0);
      expect(await storedDataBytes(output)).toBe(await nonZeroGrainBytes(input));
    });
  }

  it('a snapshot chain flattens into one streamOptimized disk', async () => {
    const base = join(dir, 'base.vmdk');
    qemuImg('convert', '-q', '-f', 'raw', '-O', 'vmdk', sources[0]!.path, base);
    const child = join(dir, 'child.vmdk');
    qemuImg('create', '-q', '-f', 'vmdk', '-b', 'base.vmdk', '-F', 'vmdk', child);
    const { execFileSync } = await import('node:child_process');
    execFileSync('qemu-io', ['-c', 'write -P 0x71 1M 8k', '-c', 'write -z 3M 64k', '-c', 'write -P 0x72 40M 1M', child]);
    const output = join(dir, 'flat-chain.vmdk');
    await convertFile(child, output, 'vmdk');
    expect(qemuCheck(output, 'vmdk').status).toBe(0);
    expect(qemuCompare(child, 'vmdk', output, 'vmdk').status).toBe(0);
  });

  it('honours vmdkAdapterType and vmdkHardwareVersion, and refuses an unknown adapter type', async () => {
    const output = join(dir, 'ide.vmdk');
    const { disk, close } = await openDiskFile(sources[0]!.path);
    try {
      await copyDisk(disk, 'vmdk', await NodeFileSink.create(output), { vmdkAdapterType: 'ide', vmdkHardwareVersion: 13 });
      const { text } = embeddedDescriptor(readFileSync(output));
      expect(text).toContain('ddb.adapterType = "ide"');
      expect(text).toContain('ddb.virtualHWVersion = "13"');
      expect(text).toContain('ddb.geometry.heads = "16"');
      expect(text).toContain(`ddb.geometry.cylinders = "${Math.ceil((64 * MiB) / 512 / (16 * 63))}"`);
      await expectVmferryError(copyDisk(disk, 'vmdk', await NodeFileSink.create(join(dir, 'bad.vmdk')), { vmdkAdapterType: 'nvme' }), 'usage', 'nvme');
    } finally {
      await close();
    }
  });

  it('stops when aborted and leaves no output', async () => {
    const output = join(dir, 'aborted.vmdk');
    const { disk, close } = await openDiskFile(sources[0]!.path);
    const controller = new AbortController();
    let calls = 0;
    try {
      await expectVmferryError(
        copyDisk(disk, 'vmdk', await NodeFileSink.create(output), {
          signal: controller.signal,
          onProgress: () => {
            if (++calls === 1) controller.abort();
          },
        }),
        'aborted',
      );
    } finally {
      await close();
    }
    expect(() => statSync(output)).toThrow();
  });
});
