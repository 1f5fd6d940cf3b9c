import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BlockDevice } from '../../../../src/engine/guest/block-device';
import { scanLvm } from '../../../../src/engine/guest/lvm';
import { readPartitions } from '../../../../src/engine/guest/partitions';
import { pseudoRandom } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { fileDevice, memoryDevice, type MemoryDevice } from '../partitions/memory-device';
import { linear, lvSection, LvmSandbox, withLogicalVolumes } from './lvm-tools';

/**
 * Two disks, as a guest would have them: disk A with an MBR (a /boot-sized partition 1 and an LVM partition 2),
 * disk B a whole-disk PV. The lvm2 tools make the PVs and the VG; vgcfgrestore adds a linear LV with three
 * segments over both PVs, a striped LV and a thin pool with a thin LV. Then every physical extent is filled with
 * distinct bytes, and each LV read through our code must equal the bytes at the PV extents `lvs` and `pvs` report.
 */
const MiB = 1024 * 1024;
const VG = 'vgtest';

let dir: string;
let imageA: string;
let imageB: string;
let partition2: { start: number; size: number };
let lvm: LvmSandbox;
let loopA: string;
let loopB: string;
/** From the tools: each LV's segments as (PV loop device, first PE, count), each PV's pe_start, the extent size. */
let segments: Record<string, { pv: string; pe: number; count: number }[]>;
let peStart: Record<string, number>;
let extentSize: number;
let seqnoByTools: number;
/** b.img as it was before the last metadata change, for the stale-copy test. */
let olderB: Uint8Array;

function fillExtents(image: string, offset: number, length: number, seed: number): void {
  const fd = openSync(image, 'r+');
  try {
    writeSync(fd, pseudoRandom(length, seed), 0, length, offset);
  } finally {
    closeSync(fd);
  }
}

async function disks(): Promise<{ a: MemoryDevice; b: MemoryDevice; devices: BlockDevice[] }> {
  const a = fileDevice(imageA, 'a.img');
  const b = fileDevice(imageB, 'b.img');
  const table = await readPartitions(a);
  return { a, b, devices: [...table.partitions.map((p) => p.device), b] };
}

/** The bytes an LV should hold, from the tools' report: its segments' extents, in order, on the images. */
function expectedBytes(lv: string): Uint8Array {
  const a = readFileSync(imageA);
  const b = readFileSync(imageB);
  const parts = segments[lv]!.map(({ pv, pe, count }) => {
    const [image, base] = pv === loopA ? [a, partition2.start] : [b, 0];
    const at = base + peStart[pv]! + pe * extentSize;
    return image.subarray(at, at + count * extentSize);
  });
  return new Uint8Array(Buffer.concat(parts));
}

describeWithTools(['pvcreate', 'vgcreate', 'vgcfgrestore', 'losetup', 'sfdisk'], 'LVM2 scan', () => {
  beforeAll(() => {
    dir = tempDir('lvm');
    imageA = join(dir, 'a.img');
    imageB = join(dir, 'b.img');
    execFileSync('truncate', ['-s', '24M', imageA, imageB]);
    execFileSync('sfdisk', ['-q', imageA], { input: 'label: dos\n,4M,83\n,,8e\n' });
    const table = (JSON.parse(execFileSync('sfdisk', ['--json', imageA], { encoding: 'utf8' })) as { partitiontable: { partitions: { start: number; size: number }[] } })
      .partitiontable.partitions[1]!;
    partition2 = { start: table.start * 512, size: table.size * 512 };
    lvm = new LvmSandbox(dir);
    try {
      loopA = lvm.attach(imageA, partition2.start, partition2.size);
      loopB = lvm.attach(imageB);
      // A small metadata area (32 KiB), so that a few dozen commits wrap its circular buffer.
      lvm.run('pvcreate', '-q', '--metadatasize', '32k', '--dataalignment', '64k', loopA, loopB);
      lvm.run('vgcreate', '-q', '-s', '1M', VG, loopA, loopB);
      const backupFile = join(dir, 'vg.txt');
      lvm.run('vgcfgbackup', '-q', '-f', backupFile, VG);
      const sections = [
        lvSection('root', [linear(0, 3, 'pv0', 2), linear(3, 2, 'pv1', 0), linear(5, 1, 'pv0', 7)]),
        lvSection('home', [linear(0, 2, 'pv1', 3)]),
        lvSection('stripes', [{ start: 0, count: 2, type: 'striped', fields: 'stripe_count = 2\nstripe_size = 128\nstripes = ["pv0", 10, "pv1", 10]' }]),
        lvSection('pool', [
          {
            start: 0,
            count: 2,
            type: 'thin-pool',
            fields: 'metadata = "pool_tmeta"\npool = "pool_tdata"\ntransaction_id = 1\nchunk_size = 128\ndiscards = "passdown"\nzero_new_blocks = 1',
          },
        ]),
        lvSection('thin1', [{ start: 0, count: 4, type: 'thin', fields: 'thin_pool = "pool"\ntransaction_id = 0\ndevice_id = 1' }]),
        lvSection('pool_tmeta', [linear(0, 1, 'pv1', 12)], '"READ", "WRITE"'),
        lvSection('pool_tdata', [linear(0, 2, 'pv1', 13)], '"READ", "WRITE"'),
      ];
      writeFileSync(backupFile, withLogicalVolumes(readFileSync(backupFile, 'utf8'), VG, sections));
      // --force: vgcfgrestore asks for it when the VG has thin volumes.
      lvm.run('vgcfgrestore', '-q', '--force', '-f', backupFile, VG);
      olderB = new Uint8Array(readFileSync(imageB));
      lvm.run('lvchange', '-q', '--addtag', 'after-restore', `${VG}/home`);

      segments = {};
      for (const row of lvm.report('lvs', 'lv_name,seg_start_pe,seg_size_pe,seg_pe_ranges,segtype', VG)) {
        if (row.segtype !== 'linear') continue;
        const [pv, range] = row.seg_pe_ranges!.split(':') as [string, string];
        (segments[row.lv_name!] ??= []).push({ pv, pe: Number(range.split('-')[0]), count: Number(row.seg_size_pe) });
      }
      peStart = Object.fromEntries(lvm.report('pvs', 'pv_name,pe_start').map((row) => [row.pv_name!, Number(row.pe_start)]));
      const vg = lvm.report('vgs', 'vg_extent_size,vg_seqno', VG)[0]!;
      extentSize = Number(vg.vg_extent_size);
      seqnoByTools = Number(vg.vg_seqno);
    } finally {
      lvm.detachAll();
    }
    // Distinct bytes in every extent of both PVs (the data areas start at pe_start, after label and metadata).
    fillExtents(imageA, partition2.start + peStart[loopA]!, partition2.size - peStart[loopA]!, 11);
    fillExtents(imageB, peStart[loopB]!, 24 * MiB - peStart[loopB]!, 12);
  });

  afterAll(() => lvm?.detachAll());

  it('finds the VG, its PVs on a partition and a whole disk, and the newest metadata', async () => {
    const { devices } = await disks();
    const scan = await scanLvm(devices);
    expect(scan.warnings).toEqual([]);
    expect(scan.volumeGroups).toHaveLength(1);
    const vg = scan.volumeGroups[0]!;
    expect(vg.name).toBe(VG);
    expect(vg.seqno).toBe(seqnoByTools);
    expect(vg.extentSize).toBe(extentSize);
    expect(vg.pvs.map((pv) => [pv.key, pv.device?.name, pv.peStart])).toEqual([
      ['pv0', 'a.img partition 2', peStart[loopA]],
      ['pv1', 'b.img', peStart[loopB]],
    ]);
    // Hidden LVs (the thin pool's data and metadata) are parts of others, not volumes.
    expect(vg.lvs.map((lv) => lv.fullName)).toEqual([`${VG}/root`, `${VG}/home`, `${VG}/stripes`, `${VG}/pool`, `${VG}/thin1`]);
  });

  it('a linear LV with three segments over two PVs reads the bytes at the extents lvs reports', async () => {
    const { devices } = await disks();
    const vg = (await scanLvm(devices)).volumeGroups[0]!;
    for (const name of ['root', 'home']) {
      const lv = vg.lvs.find((candidate) => candidate.name === name)!;
      expect(lv.refusal).toBeNull();
      const expected = expectedBytes(name);
      expect(lv.size).toBe(expected.length);
      expect(lv.device!.size).toBe(expected.length);
      expect(Buffer.from(await lv.device!.read(0, lv.size)).equals(Buffer.from(expected))).toBe(true);
    }
    // A read that crosses from segment 1 into segment 2 (extent 3 is on the other PV).
    const root = vg.lvs.find((lv) => lv.name === 'root')!.device!;
    const across = await root.read(3 * extentSize - 100, 200);
    expect(Buffer.from(across).equals(Buffer.from(expectedBytes('root').subarray(3 * extentSize - 100, 3 * extentSize + 100)))).toBe(true);
    expect((await root.read(root.size - 10, 100)).length).toBe(10);
    expect(root.name).toBe(`${VG}/root`);
  });

  it('writes through an LV land on the right PV extents, split at a segment boundary', async () => {
    const { a, b, devices } = await disks();
    const root = (await scanLvm(devices)).volumeGroups[0]!.lvs.find((lv) => lv.name === 'root')!.device!;
    const data = pseudoRandom(300, 99);
    await root.write(3 * extentSize - 100, data);
    const onA = partition2.start + peStart[loopA]! + (2 + 3) * extentSize - 100; // segment 1 is pv0 extents 2-4
    const onB = peStart[loopB]! + 0 * extentSize; // segment 2 is pv1 extents 0-1
    expect(Buffer.from(a.bytes.subarray(onA, onA + 100)).equals(data.subarray(0, 100))).toBe(true);
    expect(Buffer.from(b.bytes.subarray(onB, onB + 200)).equals(data.subarray(100))).toBe(true);
    await expect(root.write(root.size - 1, new Uint8Array(2))).rejects.toThrow(/outside vgtest\/root/);
  });

  it('striped, thin-pool and thin LVs are listed as refused, naming the LV and the segment type', async () => {
    const { devices } = await disks();
    const scan = await scanLvm(devices);
    const refusals = Object.fromEntries(scan.volumeGroups[0]!.lvs.map((lv) => [lv.name, lv.refusal]));
    expect(refusals.stripes).toBe(`${VG}/stripes segment 1 has type "striped" with stripe_count = 2 (striped over 2 PVs); only linear volumes can be read`);
    expect(refusals.pool).toBe(`${VG}/pool segment 1 has type "thin-pool" (a thin pool); only linear volumes can be read`);
    expect(refusals.thin1).toBe(`${VG}/thin1 segment 1 has type "thin" (a thin volume); only linear volumes can be read`);
    for (const lv of scan.volumeGroups[0]!.lvs.filter((candidate) => candidate.refusal !== null)) expect(lv.device).toBeNull();
  });

  it('a missing PV refuses the LVs on it, naming the PV, and keeps the others', async () => {
    const a = fileDevice(imageA, 'a.img');
    const scan = await scanLvm((await readPartitions(a)).partitions.map((p) => p.device));
    const vg = scan.volumeGroups[0]!;
    const root = vg.lvs.find((lv) => lv.name === 'root')!;
    expect(root.refusal).toMatch(new RegExp(`^${VG}/root segment 2 is on PV pv1 \\(UUID [\\w-]{38}, last seen as ${loopB}\\), which is not on any of the disks$`));
    expect(vg.lvs.find((lv) => lv.name === 'home')!.refusal).toMatch(/home segment 1 is on PV pv1/);
    expect(scan.warnings).toEqual([expect.stringMatching(/volume group vgtest: physical volume pv1 \(UUID .*\) is missing/)]);
  });

  it('copies of the metadata with different seqno: the highest wins, the stale copy is named', async () => {
    const a = fileDevice(imageA, 'a.img');
    const staleB = memoryDevice(olderB, 'b-old.img');
    const scan = await scanLvm([...(await readPartitions(a)).partitions.map((p) => p.device), staleB]);
    expect(scan.volumeGroups[0]!.seqno).toBe(seqnoByTools);
    expect(scan.warnings).toEqual([expect.stringMatching(new RegExp(`b-old\\.img: holds older metadata of volume group vgtest \\(seqno ${seqnoByTools - 1}; ${seqnoByTools} on a\\.img partition 2 was used\\)`))]);
  });

  it('a damaged metadata copy (CRC mismatch) is skipped with a warning; the other PV\'s copy is used', async () => {
    const { b, devices } = await disks();
    const view = new DataView(b.bytes.buffer);
    const mda = 4096; // pvcreate's first metadata area starts at 4 KiB
    const textAt = mda + Number(view.getBigUint64(mda + 40, true));
    b.bytes[textAt + 10]! ^= 0x20;
    const scan = await scanLvm(devices);
    expect(scan.volumeGroups[0]!.lvs.find((lv) => lv.name === 'root')!.refusal).toBeNull();
    expect(scan.warnings).toEqual([expect.stringMatching(/^b\.img: LVM metadata copy skipped: .*metadata text CRC mismatch \(stored 0x[0-9a-f]+, computed 0x[0-9a-f]+\)$/)]);
  });

  it('a damaged PV label (CRC mismatch) is named, and that PV counts as missing', async () => {
    const { b, devices } = await disks();
    b.bytes[512 + 40]! ^= 1; // inside the PV UUID, covered by the label CRC
    const scan = await scanLvm(devices);
    expect(scan.warnings[0]).toMatch(/^b\.img: not used as an LVM physical volume: .*LVM physical volume label in sector 1: CRC mismatch/);
    expect(scan.volumeGroups[0]!.lvs.find((lv) => lv.name === 'root')!.refusal).toMatch(/is on PV pv1 .* not on any of the disks/);
  });

  it('metadata that wrapped around the end of its circular buffer is read whole (checked against vgs seqno)', async () => {
    const copyDir = tempDir('lvm-wrap');
    const wrapA = join(copyDir, 'a.img');
    const wrapB = join(copyDir, 'b.img');
    execFileSync('cp', ['--sparse=always', imageA, wrapA]);
    execFileSync('cp', ['--sparse=always', imageB, wrapB]);
    const sandbox = new LvmSandbox(copyDir);
    let wrapped = false;
    let seqno = 0;
    try {
      sandbox.attach(wrapA, partition2.start, partition2.size);
      sandbox.attach(wrapB);
      for (let i = 0; i < 80 && !wrapped; i++) {
        sandbox.run('vgchange', '-q', '--addtag', `wrap-tag-number-${i}`, VG);
        const bytes = readFileSync(wrapA);
        const mda = partition2.start + 4096;
        const offset = Number(bytes.readBigUInt64LE(mda + 40));
        const size = Number(bytes.readBigUInt64LE(mda + 48));
        const areaSize = Number(bytes.readBigUInt64LE(mda + 32));
        wrapped = offset + size > areaSize;
      }
      seqno = Number(sandbox.report('vgs', 'vg_seqno', VG)[0]!.vg_seqno);
    } finally {
      sandbox.detachAll();
    }
    expect(wrapped).toBe(true);
    const a = fileDevice(wrapA, 'a.img');
    const scan = await scanLvm([...(await readPartitions(a)).partitions.map((p) => p.device), fileDevice(wrapB, 'b.img')]);
    expect(scan.volumeGroups[0]!.seqno).toBe(seqno);
    expect(scan.warnings).toEqual([]);
  });
});
