import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DiskExtent, ExtentKind } from '../../../../src/engine/disk/virtual-disk';
import { layersOf } from '../../../../src/engine/disk/virtual-disk';
import { convertFile, makeMixedRaw, MiB, openDiskFile, qemuCompare, qemuImg } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';

/**
 * Every qcow2 variant qemu-img (and qemu-io) can make, read by our engine: converted to raw and compared by
 * `qemu-img compare`, virtual size checked against `qemu-img info`, allocation against `qemu-img map`.
 */
const SIZE = 32 * MiB;

function qemuIo(image: string, format: string, ...commands: string[]): void {
  execFileSync('qemu-io', ['-f', format, ...commands.flatMap((c) => ['-c', c]), image], { stdio: 'ignore' });
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** qemu-img map's view, in our three kinds, merged. */
function qemuMap(image: string): DiskExtent[] {
  const entries = JSON.parse(qemuImg('map', '--output=json', '-f', 'qcow2', image)) as {
    start: number;
    length: number;
    data: boolean;
    zero: boolean;
    present: boolean;
  }[];
  const out: DiskExtent[] = [];
  for (const e of entries) {
    const kind: ExtentKind = e.data ? 'data' : e.present ? 'zero' : 'unallocated';
    const last = out[out.length - 1];
    if (last && last.kind === kind && last.offset + last.length === e.start) last.length += e.length;
    else out.push({ offset: e.start, length: e.length, kind });
  }
  return out;
}

describeWithTools(['qemu-img', 'qemu-io', 'truncate'], 'qcow2 reading (images made by qemu-img and qemu-io)', () => {
  let dir: string;
  let raw: string;
  const path = (name: string) => join(dir, name);

  // Fixtures are regenerated on every run; leave nothing behind in /tmp.
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    dir = tempDir('qcow2-read');
    raw = path('mixed.img');
    makeMixedRaw(raw, SIZE);
    qemuImg('convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, path('v3.qcow2'));
    qemuImg('convert', '-q', '-f', 'raw', '-O', 'qcow2', '-o', 'compat=0.10', raw, path('v2.qcow2'));
    qemuImg('convert', '-q', '-c', '-f', 'raw', '-O', 'qcow2', raw, path('compressed.qcow2'));
    qemuImg('convert', '-q', '-c', '-f', 'raw', '-O', 'qcow2', '-o', 'compression_type=zstd', raw, path('compressed-zstd.qcow2'));
    qemuImg('convert', '-q', '-c', '-f', 'raw', '-O', 'qcow2', '-o', 'compression_type=zstd,cluster_size=2M', raw, path('compressed-zstd-2m.qcow2'));
    qemuImg('convert', '-q', '-f', 'raw', '-O', 'qcow2', '-o', 'cluster_size=4096', raw, path('small-clusters.qcow2'));
    qemuImg('convert', '-q', '-f', 'raw', '-O', 'qcow2', '-o', 'cluster_size=2M', raw, path('large-clusters.qcow2'));
    // The compressed descriptor's bit split depends on cluster_bits: try both ends (9 and 21).
    qemuImg('convert', '-q', '-c', '-f', 'raw', '-O', 'qcow2', '-o', 'cluster_size=512', raw, path('compressed-512.qcow2'));
    qemuImg('convert', '-q', '-c', '-f', 'raw', '-O', 'qcow2', '-o', 'cluster_size=2M', raw, path('compressed-2m.qcow2'));
    // An internal snapshot, then changes: the active state is read (clusters shared with the snapshot lose "copied").
    qemuImg('convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, path('snapshotted.qcow2'));
    qemuImg('snapshot', '-c', 'before', path('snapshotted.qcow2'));
    qemuIo(path('snapshotted.qcow2'), 'qcow2', 'write -P 0x71 0 100k', 'write -z 3M 64k');

    // Zero clusters: over allocated data (zero flag + offset) and over nothing (zero flag alone), v3.
    qemuImg('convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, path('zeros.qcow2'));
    qemuIo(path('zeros.qcow2'), 'qcow2', 'write -z 0 128k', 'write -z 20M 1M', 'write -z 30M 192k', 'write -P 0x77 31M 100k');

    // Extended L2: 128 KiB clusters of 32 subclusters (4 KiB each), written at subcluster granularity.
    qemuImg('create', '-q', '-f', 'qcow2', '-o', 'extended_l2=on,cluster_size=128k', path('extended.qcow2'), String(SIZE));
    qemuIo(
      path('extended.qcow2'),
      'qcow2',
      'write -P 0x11 0 4k',
      'write -P 0x22 12k 8k',
      'write -P 0x33 1000 100',
      'write -z 64k 4k',
      'write -P 0x44 1M 200k',
      'write -z 1100k 8k',
      'write -P 0x55 20M 3k',
    );

    // Chains: qcow2 over qcow2, qcow2 over raw, a child larger and one smaller than its backing file.
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'v3.qcow2', '-F', 'qcow2', path('child.qcow2'));
    qemuIo(path('child.qcow2'), 'qcow2', 'write -P 0x61 512k 64k', 'write -z 3M 64k', 'write -P 0x62 10M 1536');
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'mixed.img', '-F', 'raw', path('over-raw.qcow2'));
    qemuIo(path('over-raw.qcow2'), 'qcow2', 'write -P 0x63 0 4k', 'write -z 16M 2M');
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'v3.qcow2', '-F', 'qcow2', path('larger.qcow2'), String(SIZE + 8 * MiB));
    qemuIo(path('larger.qcow2'), 'qcow2', `write -P 0x64 ${SIZE + MiB} 64k`);
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'v3.qcow2', '-F', 'qcow2', path('smaller.qcow2'), String(SIZE / 2));
    qemuIo(path('smaller.qcow2'), 'qcow2', 'write -P 0x65 1M 4k');
    // Extended L2 over a backing file: unallocated subclusters show the parent.
    qemuImg('create', '-q', '-f', 'qcow2', '-o', 'extended_l2=on,cluster_size=128k', '-b', 'v3.qcow2', '-F', 'qcow2', path('extended-child.qcow2'));
    qemuIo(path('extended-child.qcow2'), 'qcow2', 'write -P 0x66 8k 4k', 'write -z 20k 4k', 'write -P 0x67 1048576 512');
    // A two-level chain without a backing format (detected by content).
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'child.qcow2', '-F', 'qcow2', path('grandchild.qcow2')]);
    qemuIo(path('grandchild.qcow2'), 'qcow2', 'write -P 0x68 2M 8k');
  });

  const variants = [
    'v3.qcow2',
    'v2.qcow2',
    'compressed.qcow2',
    'compressed-zstd.qcow2',
    'compressed-zstd-2m.qcow2',
    'small-clusters.qcow2',
    'large-clusters.qcow2',
    'compressed-512.qcow2',
    'compressed-2m.qcow2',
    'snapshotted.qcow2',
    'zeros.qcow2',
    'extended.qcow2',
    'child.qcow2',
    'over-raw.qcow2',
    'larger.qcow2',
    'smaller.qcow2',
    'extended-child.qcow2',
    'grandchild.qcow2',
  ];

  for (const variant of variants) {
    it(`${variant}: converts to raw identical for qemu-img compare, same virtual size`, async () => {
      const out = path(`${variant}.raw`);
      await convertFile(path(variant), out, 'raw');
      const compare = qemuCompare(path(variant), 'qcow2', out, 'raw');
      expect(compare.output).toContain('Images are identical');
      expect(compare.status).toBe(0);
      const info = JSON.parse(qemuImg('info', '--output=json', path(variant))) as { 'virtual-size': number };
      const { disk, close } = await openDiskFile(path(variant));
      expect(disk.virtualSize).toBe(info['virtual-size']);
      expect(disk.format).toBe('qcow2');
      await close();
    });
  }

  for (const variant of ['zeros.qcow2', 'extended.qcow2', 'compressed.qcow2', 'child.qcow2', 'extended-child.qcow2', 'larger.qcow2']) {
    it(`${variant}: allocation() agrees with qemu-img map`, async () => {
      const { disk, close } = await openDiskFile(path(variant));
      const ours = await collect(disk.allocation());
      await close();
      expect(ours).toEqual(qemuMap(path(variant)));
    });
  }

  it('reports the v2/v3 subformat, the chain and each layer', async () => {
    const v2 = await openDiskFile(path('v2.qcow2'));
    expect(v2.disk.subformat).toBe('v2');
    await v2.close();
    const { disk, close } = await openDiskFile(path('grandchild.qcow2'));
    expect(disk.subformat).toBe('v3');
    expect(layersOf(disk).map((layer) => layer.name)).toEqual(['grandchild.qcow2', 'child.qcow2', 'v3.qcow2']);
    expect(layersOf(disk).every((layer) => layer.storedBytes > 0)).toBe(true);
    await close();
    const overRaw = await openDiskFile(path('over-raw.qcow2'));
    expect(overRaw.disk.parent?.format).toBe('raw');
    await overRaw.close();
  });

  it('zero clusters are reported as zero, not data, and cost nothing to read', async () => {
    const { disk, close } = await openDiskFile(path('zeros.qcow2'));
    const extents = await collect(disk.allocation());
    expect(extents.find((e) => e.offset === 20 * MiB)).toEqual({ offset: 20 * MiB, length: MiB, kind: 'zero' });
    expect((await disk.read(20 * MiB, MiB)).every((b) => b === 0)).toBe(true);
    await close();
  });

  it('random reads across cluster, subcluster and compressed boundaries match the raw image', async () => {
    const { readFileSync } = await import('node:fs');
    const expected = readFileSync(raw);
    for (const variant of ['compressed.qcow2', 'compressed-zstd.qcow2', 'small-clusters.qcow2', 'v2.qcow2']) {
      const { disk, close } = await openDiskFile(path(variant));
      for (const [offset, length] of [
        [0, 1],
        [65535, 3],
        [MiB - 100, 8192],
        [5 * MiB + 512, 7 * 512],
        [SIZE - 700, 700],
        [SIZE - 10, 100],
      ] as const) {
        const got = await disk.read(offset, length);
        const want = expected.subarray(offset, Math.min(SIZE, offset + length));
        expect(Buffer.from(got).equals(want), `${variant} at ${offset}+${length}`).toBe(true);
      }
      await close();
    }
  });

  it('readInto a reused, dirty buffer writes every byte: zeros, backing data and past-the-end clusters included', async () => {
    const { readFileSync } = await import('node:fs');
    const expectedTop = (variant: string) => {
      const out = path(`${variant}.expected.raw`);
      qemuImg('convert', '-q', '-O', 'raw', path(variant), out);
      return readFileSync(out);
    };
    for (const variant of ['zeros.qcow2', 'extended-child.qcow2', 'compressed.qcow2', 'child.qcow2']) {
      const expected = expectedTop(variant);
      const { disk, close } = await openDiskFile(path(variant));
      expect(disk.readInto, variant).toBeTypeOf('function');
      const buffer = new Uint8Array(3 * MiB).fill(0xaa);
      for (let offset = 0; offset < SIZE; offset += 3 * MiB - 4096) {
        const count = await disk.readInto!(offset, buffer);
        expect(count).toBe(Math.min(buffer.length, SIZE - offset));
        const want = expected.subarray(offset, offset + count);
        expect(Buffer.from(buffer.subarray(0, count)).equals(want), `${variant} at ${offset}`).toBe(true);
        buffer.fill(0xaa);
      }
      await close();
    }
  });
});
