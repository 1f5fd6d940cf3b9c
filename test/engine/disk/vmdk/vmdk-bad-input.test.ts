import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { convertFile, makeMixedRaw, MiB, qemuImg } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { expectVmferryError, openAndClose, openAndReadAll, patchFile, readU32, readU64, u32le, u64le } from './vmdk-test-helpers';

/** A text descriptor with the given createType, extents and extra lines. */
function descriptor(createType: string, extents: string[], extra: string[] = [], cid = 'fffffffe', parent?: { cid: string; hint: string }): string {
  return [
    '# Disk DescriptorFile',
    'version=1',
    `CID=${cid}`,
    `parentCID=${parent?.cid ?? 'ffffffff'}`,
    `createType="${createType}"`,
    ...(parent ? [`parentFileNameHint="${parent.hint}"`] : []),
    '',
    ...extents,
    '',
    ...extra,
    '',
  ].join('\n');
}

/**
 * Broken and hostile VMDKs: each gives a VmferryError with the right code, naming the file and the structure,
 * quickly and without allocating what the file claims.
 */
describeWithTools(['qemu-img', 'qemu-io', 'truncate'], 'VMDK bad input', () => {
  let dir: string;
  let good: string;
  let gd: number; // sector of the grain directory
  beforeAll(() => {
    dir = tempDir('vmdk-bad');
    makeMixedRaw(join(dir, 'mixed.img'), 16 * MiB);
    good = join(dir, 'good.vmdk');
    qemuImg('convert', '-f', 'raw', '-O', 'vmdk', join(dir, 'mixed.img'), good);
    gd = Number(readU64(good, 56));
  });

  /** A copy of the good monolithicSparse file to break. */
  function copy(name: string): string {
    const path = join(dir, name);
    copyFileSync(good, path);
    return path;
  }

  it('a file cut inside the header', async () => {
    const path = copy('short-header.vmdk');
    truncateSync(path, 100);
    await expectVmferryError(openAndClose(path), 'truncated', 'short-header.vmdk', 'sparse extent header');
  });

  it('a file cut after its tables: grains past the end, found when the grain table is read', async () => {
    const path = copy('cut.vmdk');
    truncateSync(path, Number(readU64(good, 64)) * 512 + 64 * 1024);
    await expectVmferryError(openAndReadAll(path), 'corrupt', 'cut.vmdk', /Grain table 0 entry \d+ \(grain \d+\) points to sector \d+, past the end of the file/);
  });

  it('a grain directory entry past the end of the file', async () => {
    const path = copy('gd-past-end.vmdk');
    patchFile(path, gd * 512, u32le(0x7fffffff));
    await expectVmferryError(openAndClose(path), 'corrupt', 'gd-past-end.vmdk', 'Grain directory entry 0 points to sector 2147483647, past the end of the file');
  });

  it('a grain table entry past the end of the file', async () => {
    const path = copy('gte-past-end.vmdk');
    const table = readU32(good, gd * 512);
    patchFile(path, table * 512 + 4, u32le(0x7ffffff0));
    await expectVmferryError(openAndReadAll(path), 'corrupt', 'gte-past-end.vmdk', 'Grain table 0 entry 1 (grain 1) points to sector 2147483632');
  });

  it('an absurd capacity (2^40 sectors) for a small file: refused before the directory is allocated', async () => {
    const path = copy('huge-capacity.vmdk');
    patchFile(path, 12, u64le(1n << 40n));
    const started = Date.now();
    await expectVmferryError(openAndClose(path), 'corrupt', 'huge-capacity.vmdk', 'grain directory', 'capacity');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a capacity beyond 2^53', async () => {
    const path = copy('u64-capacity.vmdk');
    patchFile(path, 12, u64le(1n << 60n));
    await expectVmferryError(openAndClose(path), 'corrupt', 'u64-capacity.vmdk', 'capacity');
  });

  it('header fields out of range: version, grain size, grain table size, incompatible flags, newline test', async () => {
    const cases: [string, number, number[], string, string][] = [
      ['version.vmdk', 4, u32le(4), 'unsupported', 'version 4'],
      ['grain.vmdk', 20, u64le(0n), 'corrupt', 'grain size of 0 sectors'],
      ['gtes.vmdk', 44, u32le(4096), 'corrupt', '4096 entries per grain table'],
      ['flags.vmdk', 8, u32le(0x3 | (1 << 20)), 'unsupported', 'incompatible flags 0x100000'],
      ['newline.vmdk', 75, [0x0a], 'corrupt', 'newline test'],
    ];
    for (const [name, offset, bytes, code, message] of cases) {
      const path = copy(name);
      patchFile(path, offset, bytes);
      await expectVmferryError(openAndClose(path), code as 'corrupt', name, message);
    }
  });

  it('an embedded descriptor claiming gigabytes', async () => {
    const path = copy('big-descriptor.vmdk');
    patchFile(path, 36, u64le(1n << 24n));
    await expectVmferryError(openAndClose(path), 'corrupt', 'big-descriptor.vmdk', 'embedded descriptor claims 16777216 sectors');
  });

  it('a descriptor file larger than any real one', async () => {
    const path = join(dir, 'huge.vmdk');
    writeFileSync(path, descriptor('monolithicFlat', ['RW 2048 FLAT "x.bin" 0']) + '#'.repeat(2 * MiB));
    await expectVmferryError(openAndClose(path), 'corrupt', 'huge.vmdk', 'descriptor file is');
  });

  it('a streamOptimized file whose footer is missing (cut short at the end)', async () => {
    const path = join(dir, 'no-footer.vmdk');
    await convertFile(join(dir, 'mixed.img'), path, 'vmdk');
    truncateSync(path, readFileSync(path).length - 512);
    await expectVmferryError(openAndClose(path), 'corrupt', 'no-footer.vmdk', 'streamOptimized footer');
  });

  it('a compressed grain whose zlib data is garbage', async () => {
    const path = join(dir, 'bad-zlib.vmdk');
    await convertFile(join(dir, 'mixed.img'), path, 'vmdk');
    const overHead = Number(readU64(path, 64));
    patchFile(path, overHead * 512 + 12 + 2, new Array(64).fill(0xff)); // first grain, after its marker and zlib header
    await expectVmferryError(openAndReadAll(path), 'corrupt', 'bad-zlib.vmdk', /grain 0 \(at sector \d+\) is not valid zlib data/);
  });

  it('an incompressible grain (deflate stored blocks, as qemu writes them) with one byte changed fails its Adler-32 check', async () => {
    const path = join(dir, 'bad-adler.vmdk');
    qemuImg('convert', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', join(dir, 'mixed.img'), path);
    const at = Number(readU64(path, 64)) * 512 + 12 + 1000; // inside the first grain's random data
    patchFile(path, at, [readFileSync(path)[at]! ^ 0x01]);
    await expectVmferryError(openAndReadAll(path), 'corrupt', 'bad-adler.vmdk', /grain 0 .*Adler-32/);
  });

  it('unsupported kinds of VMDK are named', async () => {
    const cases: [string, string, string][] = [
      ['vmfsRawDeviceMap', 'RW 2048 VMFSRDM "rdm-rdm.vmdk"', 'raw device mapping'],
      ['vmfsPassthroughRawDeviceMap', 'RW 2048 VMFSRDM "rdmp-rdmp.vmdk"', 'pass-through raw device mapping'],
      ['fullDevice', 'RW 2048 FLAT "/dev/sda" 0', 'whole physical disk'],
      ['partitionedDevice', 'RW 2048 FLAT "/dev/sda1" 0', 'physical disk partitions'],
      ['custom', 'RW 2048 FLAT "x.bin" 0', 'custom layout'],
      ['seSparse', 'RW 2048 SESPARSE "x-sesparse.vmdk"', 'seSparse'],
      ['vmfsSparse', 'RW 2048 VMFSSPARSE "x-delta.vmdk"', 'COWD'],
      ['vmfs', 'RW 2048 VMFSRAW "/vmfs/devices/disks/naa.1"', 'raw device extents (VMFSRAW)'],
    ];
    for (const [createType, extent, named] of cases) {
      const path = join(dir, `${createType}.vmdk`);
      writeFileSync(path, descriptor(createType, [extent]));
      await expectVmferryError(openAndClose(path), 'unsupported', `${createType}.vmdk`, named);
    }
    const encrypted = join(dir, 'encrypted.vmdk');
    writeFileSync(join(dir, 'x.bin'), Buffer.alloc(MiB));
    writeFileSync(encrypted, descriptor('monolithicFlat', ['RW 2048 FLAT "x.bin" 0'], ['encryption.keySafe = "vmware:key/list/..."', 'encryption.data = "..."']));
    await expectVmferryError(openAndClose(encrypted), 'unsupported', 'encrypted.vmdk', 'encrypted');
    const cowd = join(dir, 'cowd.vmdk');
    writeFileSync(cowd, Buffer.concat([Buffer.from('COWD'), Buffer.alloc(2044)]));
    await expectVmferryError(openAndClose(cowd), 'unsupported', 'cowd.vmdk', 'COWD');
  });

  it('a missing extent file, and a flat extent file shorter than declared', async () => {
    const missing = join(dir, 'missing-extent.vmdk');
    writeFileSync(missing, descriptor('twoGbMaxExtentFlat', ['RW 2048 FLAT "gone-f001.vmdk" 0']));
    await expectVmferryError(openAndClose(missing), 'missing-file', 'missing-extent.vmdk', 'gone-f001.vmdk');
    writeFileSync(join(dir, 'short-f001.vmdk'), Buffer.alloc(512 * 1000));
    const short = join(dir, 'short-extent.vmdk');
    writeFileSync(short, descriptor('monolithicFlat', ['RW 2048 FLAT "short-f001.vmdk" 0']));
    await expectVmferryError(openAndClose(short), 'truncated', 'short-f001.vmdk', 'flat extent needs bytes 0..1048576');
  });

  it("a parent whose CID no longer matches the child's parentCID is named with the child", async () => {
    const base = join(dir, 'cid-base.vmdk');
    copyFileSync(good, base);
    qemuImg('create', '-q', '-f', 'vmdk', '-b', 'cid-base.vmdk', '-F', 'vmdk', join(dir, 'cid-child.vmdk'));
    const bytes = readFileSync(base);
    const text = bytes.subarray(512, 512 * 21).toString('latin1');
    // qemu writes the CID without leading zeros (`CID=611c1e6`): replace its digits in place, same length.
    const found = /^CID=([0-9a-f]{1,8})$/m.exec(text);
    expect(found, `no CID line in ${JSON.stringify(text.slice(0, 200))}`).not.toBeNull();
    const digits = (found![1]!.startsWith('e') ? 'd' : 'e').repeat(found![1]!.length);
    patchFile(base, 512 + found!.index + 4, [...Buffer.from(digits)]);
    const changed = parseInt(digits, 16).toString(16).padStart(8, '0');
    const error = await expectVmferryError(openAndClose(join(dir, 'cid-child.vmdk')), 'corrupt', 'cid-child.vmdk', 'cid-base.vmdk', `CID ${changed}`);
    expect(error.message).toMatch(/expects its parent to have CID [0-9a-f]{8}/);
  });

  it('a missing parent, a parent that is the file itself, and a loop of two snapshots', async () => {
    writeFileSync(join(dir, 'data.bin'), Buffer.alloc(MiB, 1));
    const orphan = join(dir, 'orphan.vmdk');
    writeFileSync(orphan, descriptor('monolithicFlat', ['RW 2048 FLAT "data.bin" 0'], [], '00000001', { cid: '00000002', hint: 'C:\\VMs\\gone.vmdk' }));
    await expectVmferryError(openAndClose(orphan), 'missing-file', 'orphan.vmdk', 'gone.vmdk');
    const self = join(dir, 'self.vmdk');
    writeFileSync(self, descriptor('monolithicFlat', ['RW 2048 FLAT "data.bin" 0'], [], '00000003', { cid: '00000003', hint: 'self.vmdk' }));
    await expectVmferryError(openAndClose(self), 'corrupt', 'self.vmdk', 'itself');
    writeFileSync(join(dir, 'loop-a.vmdk'), descriptor('monolithicFlat', ['RW 2048 FLAT "data.bin" 0'], [], '0000000a', { cid: '0000000b', hint: 'loop-b.vmdk' }));
    writeFileSync(join(dir, 'loop-b.vmdk'), descriptor('monolithicFlat', ['RW 2048 FLAT "data.bin" 0'], [], '0000000b', { cid: '0000000a', hint: 'loop-a.vmdk' }));
    const started = Date.now();
    await expectVmferryError(openAndClose(join(dir, 'loop-a.vmdk')), 'corrupt', /loop-[ab]\.vmdk/, 'chain of parent disks');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
