import type { RunOutput } from '../src/engine/appliance/engine-api';
import type { OutputTarget } from '../src/engine/appliance/output-target';
import { VmferryError } from '../src/engine/errors';
import { MemorySink, type ByteSink } from '../src/engine/io/byte-sink';
import { CoalescingSink } from './coalescing-sink';
import type { BrokerReply, BrokerRequest } from './download-protocol';
import { PortSink } from './port-sink';
import { WritableSink } from './writable-sink';

/** Files of a folder package that are small enough to hand to the page whole (descriptor, manifest, scripts). */
const SMALL_FILE_LIMIT = 32 * 1024 * 1024;
const DISK_FILE = /\.(vmdk|vhd|vhdx|qcow2|vdi|img|raw|iso)$/i;

/** The engine's OutputTarget for what the page handed over (engine-api.ts RunOutput). */
export async function outputTarget(output: RunOutput): Promise<OutputTarget> {
  switch (output.kind) {
    case 'file':
      return { kind: 'file', sink: new CoalescingSink(new WritableSink(await output.handle.createWritable(), output.handle.name)) };
    case 'folder':
      return fsaFolderTarget(output.handle);
    case 'download':
      return { kind: 'file', sink: new CoalescingSink(new PortSink(output.port, output.name)) };
    case 'downloads':
      return downloadsTarget(output.broker);
  }
}

/** The parts of FileSystemDirectoryHandle a folder target uses (tests pass a fake). */
export interface DirectoryLike {
  getFileHandle(name: string, options: { create: boolean }): Promise<{ createWritable(): Promise<FileSystemWritableFileStream> }>;
  removeEntry(name: string): Promise<void>;
}

/**
 * An OVF package into a folder the user picked: each file through its own writable (committed on close).
 * `discard` aborts the files still open and removes every file this target created.
 */
export function fsaFolderTarget(folder: DirectoryLike): OutputTarget {
  return trackingFolder(async (name) => {
    const handle = await folder.getFileHandle(name, { create: true });
    return new CoalescingSink(new WritableSink(await handle.createWritable(), name));
  }, (name) => folder.removeEntry(name));
}

/**
 * An OVF package as several downloads: disks streamed through the service worker (a port per file, asked of the
 * page over `broker`), small files gathered here and handed to the page for an ordinary download. A download
 * already finished cannot be taken back: `discard` can only fail the ones still running (the page says so).
 */
export function downloadsTarget(broker: MessagePort): OutputTarget {
  const waiting = new Map<string, { resolve: (reply: BrokerReply) => void }>();
  broker.onmessage = (event: MessageEvent<BrokerReply>) => waiting.get(event.data.name)?.resolve(event.data);
  const ask = (request: BrokerRequest, transfer: Transferable[] = []) =>
    new Promise<BrokerReply>((resolve) => {
      waiting.set(request.name, { resolve });
      broker.postMessage(request, transfer);
    }).finally(() => waiting.delete(request.name));

  return trackingFolder(async (name) => {
    if (DISK_FILE.test(name)) {
      const reply = await ask({ type: 'open', name });
      if (reply.type !== 'opened') throw refused(name, reply);
      return new CoalescingSink(new PortSink(reply.port, name));
    }
    return smallFile(name, async (bytes) => {
      const reply = await ask({ type: 'file', name, bytes }, [bytes.buffer]);
      if (reply.type !== 'saved') throw refused(name, reply);
    });
  }, null);
}

function refused(name: string, reply: BrokerReply): VmferryError {
  return new VmferryError('io', `Could not start the download of ${name}${reply.type === 'refused' ? `: ${reply.message}` : ''}`, { file: name });
}

/** A small file gathered in memory (bounded) and handed over whole when closed. */
function smallFile(name: string, deliver: (bytes: Uint8Array<ArrayBuffer>) => Promise<void>): ByteSink {
  const memory = new MemorySink(name);
  let size = 0;
  return {
    name,
    async write(chunk) {
      size += chunk.length;
      if (size > SMALL_FILE_LIMIT) throw new VmferryError('usage', `${name} is larger than ${SMALL_FILE_LIMIT} bytes; only disks are streamed`, { file: name });
      await memory.write(chunk);
    },
    async close() {
      await memory.close();
      await deliver(memory.bytes() as Uint8Array<ArrayBuffer>);
    },
    abort: () => memory.abort(),
  };
}

/** A folder target that remembers what it opened and created, so `discard` can undo it. */
function trackingFolder(open: (name: string) => Promise<ByteSink>, remove: ((name: string) => Promise<void>) | null): OutputTarget {
  const created: string[] = [];
  const pending = new Set<ByteSink>();
  return {
    kind: 'folder',
    async create(name) {
      if (created.includes(name)) throw new VmferryError('usage', `${name} is written twice into one package`, { file: name });
      const inner = await open(name);
      created.push(name);
      pending.add(inner);
      return {
        name,
        write: (chunk) => inner.write(chunk),
        async close() {
          await inner.close();
          pending.delete(inner);
        },
        async abort(reason) {
          pending.delete(inner);
          await inner.abort(reason);
        },
      };
    },
    async discard() {
      await Promise.all([...pending].map((sink) => sink.abort('discarded').catch(() => undefined)));
      pending.clear();
      if (remove) for (const name of created.splice(0)) await remove(name).catch(() => undefined);
    },
  };
}
