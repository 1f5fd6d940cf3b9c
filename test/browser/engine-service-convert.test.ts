/**
 * The engine worker's conversion functions called directly (no worker, no browser), on the sample appliance the
 * engine builds: the allocation map and the guest overview the Look screen draws (partitions checked against
 * sfdisk), a plan with guest repair, and runs into each kind of output the page hands over — a streamed
 * download (checked with GNU tar and vmferry verify), a picked folder (the summary's manifest and helper are the
 * files written), and a cancel through the port that leaves nothing committed.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineApi, RunOutput } from '../../src/engine/appliance/engine-api';
import type { Plan } from '../../src/engine/appliance/plan-types';
import { errorCodeOf } from '../../src/engine/errors';
import type { PackageProgress } from '../../src/engine/package/package-content';
import { buildSampleOva, buildSampleRawDisk } from '../../src/engine/sample';
import { createEngineService } from '../../workers/engine-service';
import { portStream } from '../../workers/port-stream';
import { ensureCliBuilt, vmferry } from '../support/cli';
import { tempDir } from '../support/packages';
import { describeWithTools } from '../support/tools';
import { FakeFile, FakeFolder } from './support/fake-fsa';
import { partitionsOf } from './support/guest-check';

let service: EngineApi;
let handle: number;
let dir: string;

beforeAll(async () => {
  dir = tempDir('engine-service-convert');
  service = createEngineService();
  const ova = await buildSampleOva();
  ({ handle } = await service.open([{ blob: new Blob([ova.bytes as Uint8Array<ArrayBuffer>]), path: 'centos5-sample.ova' }]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DISK = 'centos5-sample-disk1.vmdk';

describe('Look: allocation map and guest overview', () => {
  it('summarises the disk into buckets whose data adds up to what the report says the disk holds', async () => {
    const map = await service.allocationMap(handle, DISK, 512);
    expect(map.data).toHaveLength(512);
    expect(map.totals.data + map.totals.zero + map.totals.unallocated).toBe(map.virtualSize);
    expect(map.totals.data).toBeGreaterThan(0);
    expect(map.data[0]).toBeGreaterThan(0);
    await expect(service.allocationMap(handle, 'nope.vmdk', 512)).rejects.toThrow('nope.vmdk');
  });

  describeWithTools(['sfdisk'], 'partitions', () => {
    it('finds the partitions where sfdisk does, with the filesystems inspection mounts', async () => {
      const raw = join(dir, 'sample.raw');
      writeFileSync(raw, await buildSampleRawDisk());
      const overview = await service.inspectGuest(handle);
      expect(overview.problem).toBeNull();
      expect(overview.report?.distro?.name).toBe('CentOS release 5.11 (Final)');
      const [layout] = overview.layouts;
      expect(layout).toMatchObject({ disk: DISK, scheme: 'mbr' });
      expect(layout!.partitions.map((p) => ({ number: p.number, start: p.start, size: p.size }))).toEqual(partitionsOf(raw));
      expect(layout!.partitions.map((p) => [p.filesystem, p.mountpoint])).toEqual([
        ['ext2', '/boot'],
        ['ext3', '/'],
        ['swap', 'swap'],
      ]);
    });
  });
});

describe('plan and run', () => {
  let plan: Plan;

  it('plans XenServer PV with repair: the edits, plain data that crosses a worker boundary', async () => {
    plan = await service.plan(handle, { target: 'xenserver-pv', container: 'xva', outputName: 'sample-pv.xva', fix: true, pv: true });
    expect(plan.guestEdits.map((edit) => edit.path)).toEqual(['/etc/fstab', '/boot/grub/grub.conf', '/boot/grub/device.map']);
    expect(structuredClone(plan)).toEqual(plan);
  });

  describeWithTools(['tar'], 'into a streamed download', () => {
    it('writes an XVA that GNU tar lists and vmferry verifies, with progress per file ending at the total', async () => {
      ensureCliBuilt();
      const { port1, port2 } = new MessageChannel();
      const body = new Response(portStream(port1).stream).arrayBuffer();
      const progress: PackageProgress[] = [];
      const output: RunOutput = { kind: 'download', name: 'sample-pv.xva', port: port2 };
      const summary = await service.run(handle, plan, output, (p) => progress.push(p));
      const xva = join(dir, 'sample-pv.xva');
      writeFileSync(xva, new Uint8Array(await body));
      expect(summary.files).toEqual([{ name: 'sample-pv.xva', size: (await body).byteLength, digest: null }]);
      expect(summary.manifest).toBeNull();
      expect(execFileSync('tar', ['-tf', xva], { encoding: 'utf8' }).split('\n')[0]).toBe('ova.xml');
      expect(vmferry('verify', xva)).toMatchObject({ status: 0 });
      const writes = progress.filter((p) => p.phase === 'write');
      expect(writes.at(-1)).toMatchObject({ file: 'sample-pv.xva' });
      expect(writes.at(-1)!.done).toBe(writes.at(-1)!.total);
    });
  });

  it('writes a KVM folder: the summary holds the manifest and the libvirt XML exactly as written', async () => {
    const kvm = await service.plan(handle, { target: 'kvm', container: 'ovf', outputName: 'sample-kvm.ovf', fix: true });
    const folder = new FakeFolder();
    const summary = await service.run(handle, kvm, { kind: 'folder', handle: folder as unknown as FileSystemDirectoryHandle });
    const text = (name: string) => new TextDecoder().decode(folder.files.get(name)!.committed!);
    expect([...folder.files.keys()].sort()).toEqual(['domain.xml', 'sample-kvm-disk1.qcow2', 'sample-kvm.mf', 'sample-kvm.ovf']);
    expect(summary.manifest).toEqual({ name: 'sample-kvm.mf', text: text('sample-kvm.mf') });
    expect(summary.helper).toEqual({ name: 'domain.xml', text: text('domain.xml') });
    expect(summary.files.map((f) => f.size)).toEqual(summary.files.map((f) => folder.files.get(f.name)!.committed!.length));
  });

  it('a cancel through the port stops the run and leaves nothing committed', async () => {
    const vmware = await service.plan(handle, { target: 'vmware', container: 'ova', outputName: 'sample.ova', fix: false });
    const file = new FakeFile('sample.ova');
    const { port1, port2 } = new MessageChannel();
    let cancelled = false;
    const running = service.run(handle, vmware, { kind: 'file', handle: file as unknown as FileSystemFileHandle }, () => {
      if (!cancelled) {
        cancelled = true;
        port1.postMessage('cancelled by the test');
      }
    }, port2);
    const error = await running.catch((caught: unknown) => caught);
    expect(errorCodeOf(error)).toBe('aborted');
    expect(file.aborted).toBe(true);
    expect(file.committed).toBeNull();
  });
});
