import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { copyDisk, type CopyProgress } from '../../../../src/engine/disk/copy';
import { qcow2Writer } from '../../../../src/engine/disk/qcow2/qcow2-writer';
import { CLUSTER_SIZE } from '../../../../src/engine/disk/qcow2/qcow2-layout';
import { scanUnits } from '../../../../src/engine/disk/unit-map';
import { RawDisk } from '../../../../src/engine/disk/raw/raw-disk';
import { MemorySink } from '../../../../src/engine/io/byte-sink';
import { MemorySource } from '../../../../src/engine/io/memory-source';
import { NodeFileSink } from '../../../../src/cli/node-file-sink';
import { isVmferryError } from '../../../../src/engine/errors';
import { makeMixedRaw, MiB, openDiskFile, pseudoRandom, qemuCheck, qemuCompare, qemuImg } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { PatchableMemorySink } from './patchable-memory-sink';

/**
 * Our qcow2 output, checked by qemu-img: `check` clean (no errors, no leaks), `compare` identical. Every case is
 * written both ways: the single pass (copyDisk into a file, which can patch: no scan, tables patched at the end)
 * and the planned write (copyDisk into a MemorySink, which cannot: scan, then one forward stream). Both must give
 * the same bytes, so qemu-img's verdict on the file covers both.
 */
async function writeQcow2(input: string, output: string, compress = false): Promise<{ planned: number | null; written: number }> {
  const { disk, close } = await openDiskFile(input);
  try {
    const phases = new Set<CopyProgress['phase']>();
    const result = await copyDisk(disk, 'qcow2', await NodeFileSink.create(output), { compress, onProgress: (p) => phases.add(p.phase) });
    expect(phases.has('scan'), 'a file takes the single pass, which does not scan first').toBe(false);
    const planned = qcow2Writer.plan(disk, await scanUnits(disk, CLUSTER_SIZE), { compress }).outputSize;
    const memory = new MemorySink();
    await copyDisk(disk, 'qcow2', memory, { compress });
    expect(Buffer.from(memory.bytes()).equals(readFileSync(output)), 'planned and single-pass bytes').toBe(true);
    return { planned, written: result.outputBytes };
  } finally {
    await close();
  }
}

function expectClean(path: string): string {
  const check = qemuCheck(path, 'qcow2');
  expect(check.output).toContain('No errors were found on the image.');
  expect(check.output).not.toMatch(/leak/i);
  expect(check.status).toBe(0);
  return check.output;
}

describeWithTools(['qemu-img', 'qemu-io', 'truncate'], 'qcow2 writing (checked by qemu-img)', () => {
  let dir: string;
  const path = (name: string) => join(dir, name);

  // Fixtures are regenerated on every run; leave nothing behind in /tmp.
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    dir = tempDir('qcow2-write');
    makeMixedRaw(path('mixed.img'), 64 * MiB);
    // An odd size: not a whole number of clusters, data in the last sector.
    const odd = 5 * MiB + 3 * 512;
    execFileSync('truncate', ['-s', String(odd), path('odd.img')]);
    const text = Buffer.from('VM Ferry writes qcow2. '.repeat(5000));
    // A random block repeated 20 000 bytes later: deflate matches that reach back further than qemu's own 4 KiB
    // window (qemu inflates a whole cluster in one call, so any distance inside the cluster must work).
    const echo = pseudoRandom(20_000, 9);
    writeFileSync(path('odd.img'), Buffer.concat([text, pseudoRandom(300_000, 8), echo, echo]), { flag: 'r+' });
    execFileSync('dd', ['if=/dev/urandom', `of=${path('odd.img')}`, 'bs=512', `seek=${odd / 512 - 1}`, 'count=1', 'conv=notrunc'], { stdio: 'ignore' });
    // A sparse 3 GiB source with data in three different L1 ranges (each L2 table maps 512 MiB).
    qemuImg('create', '-q', '-f', 'qcow2', path('wide.qcow2'), '3G');
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x31 0 64k', '-c', 'write -P 0x32 700M 192k', '-c', 'write -P 0x33 3071M 1M', path('wide.qcow2')], {
      stdio: 'ignore',
    });
    // A chain to flatten.
    qemuImg('convert', '-q', '-f', 'raw', '-O', 'qcow2', path('mixed.img'), path('base.qcow2'));
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', path('child.qcow2'));
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x44 100k 300k', '-c', 'write -z 1M 64k', path('child.qcow2')], { stdio: 'ignore' });
  });

  it('mixed raw → qcow2: clean, identical, exact planned size, empty space not stored', async () => {
    const { planned, written } = await writeQcow2(path('mixed.img'), path('mixed.qcow2'));
    const size = statSync(path('mixed.qcow2')).size;
    expect(planned).toBe(size);
    expect(written).toBe(size);
    expectClean(path('mixed.qcow2'));
    expect(qemuCompare(path('mixed.img'), 'raw', path('mixed.qcow2'), 'qcow2').status).toBe(0);
    // About 5 MiB of the 64 hold data; the explicitly written 2 MiB of zeros and the holes are left out.
    expect(size).toBeLessThan(8 * MiB);
    const info = JSON.parse(qemuImg('info', '--output=json', path('mixed.qcow2'))) as Record<string, unknown> & { 'format-specific': { data: Record<string, unknown> } };
    expect(info['format-specific'].data.compat).toBe('1.1');
    expect(info['format-specific'].data['refcount-bits']).toBe(16);
    expect(info['cluster-size']).toBe(65536);
  });

  it('odd-sized disk → qcow2: clean and identical (the last cluster is partly outside the disk)', async () => {
    const { planned } = await writeQcow2(path('odd.img'), path('odd.qcow2'));
    expect(planned).toBe(statSync(path('odd.qcow2')).size);
    expectClean(path('odd.qcow2'));
    expect(qemuCompare(path('odd.img'), 'raw', path('odd.qcow2'), 'qcow2').status).toBe(0);
    const info = JSON.parse(qemuImg('info', '--output=json', path('odd.qcow2'))) as { 'virtual-size': number };
    expect(info['virtual-size']).toBe(5 * MiB + 3 * 512);
  });

  it('a sparse 3 GiB disk with data under three L1 entries: three L2 tables, each after its data; clean, identical', async () => {
    const { planned } = await writeQcow2(path('wide.qcow2'), path('wide-out.qcow2'));
    // header, refcount table, L1, then data 1 + L2, data 3 + L2, data 16 + L2, the refcount block last.
    expect(planned).toBe((1 + 1 + 1 + 1 + 1 + 3 + 1 + 16 + 1 + 1) * CLUSTER_SIZE);
    expect(statSync(path('wide-out.qcow2')).size).toBe(planned);
    expectClean(path('wide-out.qcow2'));
    expect(qemuCompare(path('wide.qcow2'), 'qcow2', path('wide-out.qcow2'), 'qcow2').status).toBe(0);
    const map = JSON.parse(qemuImg('map', '--output=json', path('wide-out.qcow2'))) as { start: number; length: number; data: boolean; offset?: number }[];
    const stored = map.filter((extent) => extent.data).map(({ start, length, offset }) => ({ start, length, offset }));
    expect(stored).toEqual([
      { start: 0, length: 64 * 1024, offset: 3 * CLUSTER_SIZE },
      { start: 700 * MiB, length: 192 * 1024, offset: 5 * CLUSTER_SIZE },
      { start: 3071 * MiB, length: MiB, offset: 9 * CLUSTER_SIZE },
    ]);
  });

  it('a chain flattens into one clean image identical to the top layer', async () => {
    await writeQcow2(path('child.qcow2'), path('flat.qcow2'));
    expectClean(path('flat.qcow2'));
    expect(qemuCompare(path('child.qcow2'), 'qcow2', path('flat.qcow2'), 'qcow2').status).toBe(0);
    const info = JSON.parse(qemuImg('info', '--output=json', path('flat.qcow2'))) as { 'backing-filename'?: string };
    expect(info['backing-filename']).toBeUndefined();
  });

  for (const source of ['mixed.img', 'odd.img']) {
    it(`compressed output from ${source}: clean, identical, smaller, with compressed clusters`, async () => {
      const out = path(`${source}.compressed.qcow2`);
      const { planned, written } = await writeQcow2(path(source), out, true);
      expect(planned).toBeNull();
      expect(written).toBe(statSync(out).size);
      const report = expectClean(out);
      const percent = Number(/([\d.]+)% compressed clusters/.exec(report)?.[1]);
      expect(percent).toBeGreaterThan(0);
      expect(qemuCompare(path(source), 'raw', out, 'qcow2').status).toBe(0);
      const plain = path(`${source}.plain.qcow2`);
      await writeQcow2(path(source), plain);
      expect(statSync(out).size).toBeLessThan(statSync(plain).size);
    });
  }

  it('our compressed output reads back through our own reader too (packed clusters, raw fallbacks)', async () => {
    const out = path('mixed.img.compressed.qcow2');
    const { disk, close } = await openDiskFile(out);
    const expected = await openDiskFile(path('mixed.img'));
    for (const offset of [0, MiB - 4096, 3 * MiB, 5 * MiB + 512, 64 * MiB - 65536]) {
      const a = await disk.read(offset, 128 * 1024);
      const b = await expected.disk.read(offset, 128 * 1024);
      expect(Buffer.from(a).equals(Buffer.from(b)), `at ${offset}`).toBe(true);
    }
    await close();
    await expected.close();
  });

  it('an empty disk and a one-sector disk, plain and compressed, both ways: clean and identical', async () => {
    for (const [name, bytes] of [
      ['empty', new Uint8Array(0)],
      ['sector', new Uint8Array(512).fill(3)],
    ] as const) {
      writeFileSync(path(`${name}.raw`), bytes);
      for (const compress of [false, true]) {
        const out = path(`${name}-${compress}.qcow2`);
        const single = new PatchableMemorySink();
        await copyDisk(new RawDisk(new MemorySource(bytes, name)), 'qcow2', single, { compress });
        expect(single.patches).toBeGreaterThan(0);
        const planned = new MemorySink();
        await copyDisk(new RawDisk(new MemorySource(bytes, name)), 'qcow2', planned, { compress });
        expect(Buffer.from(single.result()).equals(Buffer.from(planned.bytes()))).toBe(true);
        writeFileSync(out, single.result());
        expectClean(out);
        expect(qemuCompare(path(`${name}.raw`), 'raw', out, 'qcow2').status).toBe(0);
      }
    }
  });

  it('cancel during the write aborts the sink and leaves no file, single pass or planned', async () => {
    const { disk, close } = await openDiskFile(path('mixed.img'));
    const controller = new AbortController();
    const out = path('cancelled.qcow2');
    const run = copyDisk(disk, 'qcow2', await NodeFileSink.create(out), {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'write' && p.done > 0) controller.abort();
      },
    });
    await expect(run).rejects.toSatisfy((e: unknown) => isVmferryError(e, 'aborted'));
    expect(() => statSync(out)).toThrow();
    // The planned write, cancelled the same way (a sink that cannot patch: scan first, then the write).
    const again = new AbortController();
    const memory = new MemorySink();
    const planned = copyDisk(disk, 'qcow2', memory, {
      signal: again.signal,
      onProgress: (p) => {
        if (p.phase === 'write' && p.done > 0) again.abort();
      },
    });
    await expect(planned).rejects.toSatisfy((e: unknown) => isVmferryError(e, 'aborted'));
    expect(memory.closed).toBe(false);
    await close();
  });
});
