/**
 * Where the worker writes, without a browser: File System Access handles faked with the same contract (a
 * writable that commits on close and discards on abort), the coalescing in front of them, folder targets that
 * undo what they created, and a folder package as several downloads over the broker port.
 */
import { describe, expect, it } from 'vitest';
import { copyDisk } from '../../src/engine/disk/copy';
import { seededIdentity } from '../../src/engine/disk/identity';
import { RawDisk } from '../../src/engine/disk/raw/raw-disk';
import { MemorySink } from '../../src/engine/io/byte-sink';
import { MemorySource } from '../../src/engine/io/memory-source';
import type { OutputTarget } from '../../src/engine/appliance/output-target';
import { errorCodeOf } from '../../src/engine/errors';
import { CoalescingSink } from '../../workers/coalescing-sink';
import type { BrokerReply, BrokerRequest } from '../../workers/download-protocol';
import { downloadsTarget, fsaFolderTarget, outputTarget } from '../../workers/output-targets';
import { portStream } from '../../workers/port-stream';
import { FakeFile, FakeFolder } from './support/fake-fsa';

function folderOf(target: OutputTarget) {
  if (target.kind !== 'folder') throw new Error('not a folder target');
  return target;
}

describe('output targets', () => {
  it('a picked file: small writes gathered into few large ones, committed only by close', async () => {
    const file = new FakeFile('vm.ova');
    const target = await outputTarget({ kind: 'file', handle: file as unknown as FileSystemFileHandle });
    if (target.kind !== 'file') throw new Error('expected a file target');
    for (let i = 0; i < 200; i++) await target.sink.write(new Uint8Array(64 * 1024).fill(i & 0xff));
    expect(file.committed).toBeNull();
    await target.sink.close();
    expect(file.committed?.length).toBe(200 * 64 * 1024);
    expect(file.committed?.[64 * 1024 * 199]).toBe(199);
    // 12.5 MiB in 4 MiB chunks: 4 writes, not 200 round trips to the browser process.
    expect(file.writes).toBe(4);
  });

  it('a picked file takes a disk in one pass, tables patched last: the same bytes as the planned two-pass write', async () => {
    // 8 MiB with data in a few places (the tables of a qcow2/VHD/VHDX point at them).
    const raw = new Uint8Array(8 * 1024 * 1024);
    for (const at of [0, 70_000, 3 * 1024 * 1024 + 5, 8 * 1024 * 1024 - 10]) raw.fill((at % 251) + 1, at, at + 9000);
    for (const format of ['qcow2', 'vhd', 'vhdx', 'vdi', 'vmdk-sparse'] as const) {
      const identity = () => seededIdentity('picked-file', new Date('2026-11-29T00:00:00Z'));
      const planned = new MemorySink();
      await copyDisk(new RawDisk(new MemorySource(raw, 'raw.img')), format, planned, { identity: identity() });
      const file = new FakeFile('memory');
      const target = await outputTarget({ kind: 'file', handle: file as unknown as FileSystemFileHandle });
      if (target.kind !== 'file') throw new Error('expected a file target');
      expect(target.sink.writeAt, format).toBeTypeOf('function');
      await copyDisk(new RawDisk(new MemorySource(raw, 'raw.img')), format, target.sink, { identity: identity() });
      expect(file.patches, format).toBeGreaterThan(0);
      expect(Buffer.from(file.committed!).equals(Buffer.from(planned.bytes())), format).toBe(true);
    }
  });

  it('a picked file: abort discards the swap copy and commits nothing', async () => {
    const file = new FakeFile('vm.ova');
    const target = await outputTarget({ kind: 'file', handle: file as unknown as FileSystemFileHandle });
    if (target.kind !== 'file') throw new Error('expected a file target');
    await target.sink.write(new Uint8Array(8 * 1024 * 1024));
    await target.sink.abort(new Error('cancelled'));
    expect(file.aborted).toBe(true);
    expect(file.committed).toBeNull();
  });

  it('a picked folder: each file committed on close; discard removes every file created, finished or not', async () => {
    const folder = new FakeFolder();
    const target = folderOf(fsaFolderTarget(folder));
    const disk = await target.create('vm-disk1.qcow2');
    await disk.write(new Uint8Array([1, 2, 3]));
    await disk.close();
    const descriptor = await target.create('vm.ovf');
    await descriptor.write(new TextEncoder().encode('<Envelope/>'));
    expect([...folder.files.keys()]).toEqual(['vm-disk1.qcow2', 'vm.ovf']);
    expect(folder.files.get('vm-disk1.qcow2')?.committed).toEqual(Buffer.from([1, 2, 3]));
    await expect(target.create('vm.ovf')).rejects.toThrow('written twice');
    const open = folder.files.get('vm.ovf')!;
    await target.discard();
    expect(folder.files.size).toBe(0);
    // The file still being written was aborted (its swap file dropped), not committed.
    expect(open.aborted).toBe(true);
    expect(open.committed).toBeNull();
    expect(descriptor.name).toBe('vm.ovf');
  });

  it('coalescing passes a write larger than its buffer straight through, after what it holds', async () => {
    const seen: number[] = [];
    const sink = new CoalescingSink({ name: 'x', write: async (c) => void seen.push(c.length), close: async () => {}, abort: async () => {} }, 1024);
    await sink.write(new Uint8Array(100));
    await sink.write(new Uint8Array(5000));
    await sink.write(new Uint8Array(1024 - 1));
    await sink.write(new Uint8Array(1));
    await sink.close();
    expect(seen).toEqual([100, 5000, 1024]);
  });

  it('several downloads: a disk streams through a port the page opens, a small file goes whole when closed', async () => {
    const { port1: page, port2: worker } = new MessageChannel();
    const requests: string[] = [];
    const delivered = new Map<string, Uint8Array>();
    const streams = new Map<string, Promise<ArrayBuffer>>();
    page.onmessage = (event: MessageEvent<BrokerRequest>) => {
      const request = event.data;
      requests.push(`${request.type} ${request.name}`);
      const reply = (message: BrokerReply, transfer: Transferable[] = []) => page.postMessage(message, transfer);
      if (request.type === 'file') {
        delivered.set(request.name, request.bytes);
        reply({ type: 'saved', name: request.name });
      } else if (request.name === 'refused.vmdk') {
        reply({ type: 'refused', name: request.name, message: 'downloads are blocked' });
      } else {
        const channel = new MessageChannel();
        streams.set(request.name, new Response(portStream(channel.port1).stream).arrayBuffer());
        reply({ type: 'opened', name: request.name, port: channel.port2 }, [channel.port2]);
      }
    };
    const target = folderOf(downloadsTarget(worker));
    const disk = await target.create('vm-disk1.vmdk');
    await disk.write(new Uint8Array(3 * 1024 * 1024).fill(7));
    await disk.close();
    const manifest = await target.create('vm.mf');
    await manifest.write(new TextEncoder().encode('SHA256(vm.ovf)= '));
    await manifest.write(new TextEncoder().encode('00\n'));
    await manifest.close();
    expect(requests).toEqual(['open vm-disk1.vmdk', 'file vm.mf']);
    expect(new Uint8Array(await streams.get('vm-disk1.vmdk')!).length).toBe(3 * 1024 * 1024);
    expect(new TextDecoder().decode(delivered.get('vm.mf'))).toBe('SHA256(vm.ovf)= 00\n');
    const error = await target.create('refused.vmdk').catch((caught: unknown) => caught);
    expect(errorCodeOf(error)).toBe('io');
    expect((error as Error).message).toContain('downloads are blocked');
    page.close();
  });
});
