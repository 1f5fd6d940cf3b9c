import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { qcow2Geometry } from '../../../../src/engine/disk/qcow2/qcow2-layout';
import { writeQcow2SinglePass } from '../../../../src/engine/disk/qcow2/qcow2-single-pass';
import { planQcow2Write } from '../../../../src/engine/disk/qcow2/qcow2-writer';
import { scanUnits } from '../../../../src/engine/disk/unit-map';
import { MemorySink } from '../../../../src/engine/io/byte-sink';
import { makeMixedRaw, MiB, openDiskFile, pseudoRandom, qemuCheck, qemuCompare } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { PatchableMemorySink } from './patchable-memory-sink';

/**
 * The layout at a scale where everything repeats, checked by qemu-img: with 512-byte clusters (qemu's smallest) an
 * L2 table maps 32 KiB of disk, a refcount block counts 128 KiB of file and a refcount table cluster holds 64
 * blocks, so a 16 MiB disk gives hundreds of L2 tables interleaved with the data, dozens of refcount blocks, and a
 * refcount table of several clusters, more than one of them in use. Our output uses 64 KiB clusters; the code is
 * the same, only the geometry differs.
 */
const SMALL = qcow2Geometry(9);

describeWithTools(['qemu-img', 'truncate'], 'qcow2 with 512-byte clusters: many L2 tables and refcount blocks', () => {
  let dir: string;
  const path = (name: string) => join(dir, name);

  // Fixtures are regenerated on every run; leave nothing behind in /tmp.
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    dir = tempDir('qcow2-small');
    makeMixedRaw(path('mixed.img'), 16 * MiB + 3 * 512);
    // Text from 11 MiB (compressible), random from 13.5 MiB: about 10 MiB of data in all.
    const text = Buffer.from('Sixteen little clusters, packed and counted. '.repeat(70_000)).subarray(0, 3 * MiB);
    const random = pseudoRandom(2 * MiB, 11);
    const handle = openSync(path('mixed.img'), 'r+');
    writeSync(handle, text, 0, text.length, 11 * MiB);
    writeSync(handle, random, 0, random.length, 13.5 * MiB);
    closeSync(handle);
    // For compression, less data (every cluster is deflated three times below): 2 MiB of text, 1 MiB random.
    execFileSync('truncate', ['-s', String(6 * MiB + 512), path('text.img')]);
    const small = openSync(path('text.img'), 'r+');
    writeSync(small, text, 0, 2 * MiB, MiB / 2);
    writeSync(small, random, 0, MiB, 4 * MiB);
    closeSync(small);
  });

  /** Both writers into memory; they must agree byte for byte. */
  async function writeBoth(source: string, compress: boolean): Promise<Uint8Array> {
    const { disk, close } = await openDiskFile(path(source));
    try {
      const single = new PatchableMemorySink();
      await writeQcow2SinglePass(disk, single, {}, compress, SMALL);
      const plan = planQcow2Write(disk, await scanUnits(disk, SMALL.clusterSize), { compress }, SMALL);
      const planned = new MemorySink();
      await plan.write(planned, {});
      expect(Buffer.from(single.result()).equals(Buffer.from(planned.bytes())), 'single pass and planned write agree').toBe(true);
      if (!compress) expect(plan.outputSize).toBe(single.result().length);
      return single.result();
    } finally {
      await close();
    }
  }

  function expectClean(file: string): string {
    const check = qemuCheck(file, 'qcow2');
    expect(check.output).toContain('No errors were found on the image.');
    expect(check.output).not.toMatch(/leak/i);
    expect(check.status).toBe(0);
    return check.output;
  }

  /** Refcount table clusters (header) and refcount blocks in use (non-zero table entries). */
  function refcountStructure(bytes: Uint8Array): { tableClusters: number; blocks: number; clusterBits: number } {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const tableOffset = Number(view.getBigUint64(48));
    const tableClusters = view.getUint32(56);
    let blocks = 0;
    for (let i = 0; i < (tableClusters * SMALL.clusterSize) / 8; i++) if (view.getBigUint64(tableOffset + i * 8) !== 0n) blocks++;
    return { tableClusters, blocks, clusterBits: view.getUint32(20) };
  }

  it('uncompressed: clean, identical; refcount blocks in two refcount table clusters', async () => {
    const bytes = await writeBoth('mixed.img', false);
    writeFileSync(path('plain.qcow2'), bytes);
    const report = expectClean(path('plain.qcow2'));
    expect(report).toContain(`Image end offset: ${bytes.length}`);
    expect(qemuCompare(path('mixed.img'), 'raw', path('plain.qcow2'), 'qcow2').status).toBe(0);
    const structure = refcountStructure(bytes);
    expect(structure.clusterBits).toBe(9);
    expect(structure.tableClusters).toBeGreaterThanOrEqual(2);
    expect(structure.blocks).toBeGreaterThan(SMALL.entriesPerCluster); // the second table cluster is used
    expect(structure.blocks).toBe(Math.ceil(bytes.length / SMALL.clusterSize / SMALL.refcountsPerBlock));
  });

  it('compressed: clean, identical, smaller; packed clusters across refcount block boundaries', async () => {
    const bytes = await writeBoth('text.img', true);
    writeFileSync(path('compressed.qcow2'), bytes);
    const report = expectClean(path('compressed.qcow2'));
    expect(Number(/([\d.]+)% compressed clusters/.exec(report)?.[1])).toBeGreaterThan(50);
    expect(qemuCompare(path('text.img'), 'raw', path('compressed.qcow2'), 'qcow2').status).toBe(0);
    // 3 MiB of data stored plain would take more than 3 MiB; the text shrinks.
    expect(bytes.length).toBeLessThan(2 * MiB);
    expect(refcountStructure(bytes).blocks).toBeGreaterThan(8);
  });
});
