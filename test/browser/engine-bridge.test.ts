/**
 * The EngineBridge, in Node, with comlink over a MessageChannel standing in for the worker (browser-platform
 * note C9): start timeout, abort terminates the worker (and the next call starts a new one), worker errors and
 * engine errors reach the caller with their message; a conversion is cancelled cooperatively first, then ended
 * after a grace period. No browser needed.
 */
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineApi, Progress, ProgressCallback, RunOutput, RunProgressCallback } from '../../src/engine/appliance/engine-api';
import type { Plan } from '../../src/engine/appliance/plan-types';
import type { ApplianceReport, ManifestReport } from '../../src/engine/appliance/report';
import { VmferryError, errorCodeOf } from '../../src/engine/errors';
import type { NamedBlob } from '../../src/engine/io/file-set';
import { EngineBridge, type EngineWorker } from '../../src/platform/engine-bridge';

/** A "worker" whose other end is a MessagePort in this same process. */
class FakeWorker extends EventTarget implements EngineWorker {
  terminated = false;

  constructor(
    private readonly port: MessagePort,
    private readonly far: MessagePort,
  ) {
    super();
    port.addEventListener('message', (event) => this.dispatchEvent(new MessageEvent('message', { data: event.data })));
    port.start();
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }

  terminate(): void {
    this.terminated = true;
    this.port.close();
    this.far.close();
  }

  /** What a Worker fires when its script throws (ErrorEvent is not global in Node 20). */
  fail(message: string): void {
    this.dispatchEvent(Object.assign(new Event('error'), { message }));
  }
}

const workers: FakeWorker[] = [];

/** A worker factory exposing `api` (or nothing, for a worker that never starts). */
function fakeWorkers(api: (() => Partial<EngineApi>) | null) {
  return () => {
    const { port1, port2 } = new MessageChannel();
    if (api) Comlink.expose(api(), port2);
    const worker = new FakeWorker(port1, port2);
    workers.push(worker);
    return worker;
  };
}

afterEach(() => {
  for (const worker of workers.splice(0)) if (!worker.terminated) worker.terminate();
});

const files: NamedBlob[] = [{ blob: new Blob(['hello']), path: 'vm.ova' }];

function report(input: string): ApplianceReport {
  return {
    input,
    kind: 'ova',
    ovfVersion: '1.0',
    virtualSystems: [],
    networks: [],
    files: [],
    diskImages: [],
    guest: null,
    manifest: null,
    warnings: [],
    notes: [],
  };
}

const manifestOk: ManifestReport = { file: 'vm.mf', algorithm: 'sha256', ok: true, mismatches: [], certificate: null, signature: null };

/** A service that resolves nothing until `release()` — a long job. */
function stuckService() {
  let opens = 0;
  return {
    opens: () => opens,
    api: (): Partial<EngineApi> => ({
      ping: async () => 'pong' as const,
      open: async () => {
        opens += 1;
        return new Promise<never>(() => undefined);
      },
    }),
  };
}

describe('EngineBridge', () => {
  it('opens through comlink, passes Files, and relays throttled progress of a manifest check', async () => {
    const seen: { paths: string[]; text: string }[] = [];
    const bridge = new EngineBridge({
      createWorker: fakeWorkers(() => ({
        ping: async () => 'pong',
        open: async (given: NamedBlob[]) => {
          seen.push({ paths: given.map((file) => file.path), text: await given[0]!.blob.text() });
          return { handle: 7, report: report(given[0]!.path) };
        },
        checkManifest: async (handle: number, onProgress?: ProgressCallback) => {
          expect(handle).toBe(7);
          try {
            await onProgress?.({ done: 50, total: 100, file: 'disk.vmdk' });
            await onProgress?.({ done: 100, total: 100, file: 'disk.vmdk' });
            return manifestOk;
          } finally {
            (onProgress as unknown as { [Comlink.releaseProxy](): void })[Comlink.releaseProxy]();
          }
        },
      })),
    });
    const opened = await bridge.open(files);
    expect(opened.report.input).toBe('vm.ova');
    expect(seen).toEqual([{ paths: ['vm.ova'], text: 'hello' }]);

    const progress: Progress[] = [];
    const result = await bridge.checkManifest(opened, { onProgress: (p) => progress.push(p) });
    expect(result).toEqual(manifestOk);
    expect(progress.map((p) => p.done)).toEqual([50, 100]);
    bridge.terminate();
  });

  it('drops progress that arrives after the result (two MessageChannels are not ordered)', async () => {
    const bridge = new EngineBridge({
      createWorker: fakeWorkers(() => ({
        ping: async () => 'pong',
        open: async () => ({ handle: 1, report: report('vm.ova') }),
        checkManifest: async (_handle: number, onProgress?: ProgressCallback) => {
          void onProgress?.({ done: 10, total: 100, file: 'disk.vmdk' });
          // This one is delivered after the result has been answered.
          setTimeout(() => {
            void onProgress?.({ done: 100, total: 100, file: 'disk.vmdk' });
            (onProgress as unknown as { [Comlink.releaseProxy](): void })[Comlink.releaseProxy]();
          }, 30);
          await new Promise((resolve) => setTimeout(resolve, 10));
          return manifestOk;
        },
      })),
    });
    const opened = await bridge.open(files);
    const progress: number[] = [];
    let finished = false;
    await bridge.checkManifest(opened, {
      onProgress: (p) => {
        if (finished) progress.push(-1);
        else progress.push(p.done);
      },
    });
    finished = true;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(progress).toEqual([10]);
    bridge.terminate();
  });

  it('fails with a clear message when the worker never answers ping, and ends that worker', async () => {
    const create = fakeWorkers(null);
    const bridge = new EngineBridge({ createWorker: create, startTimeoutMs: 150 });
    const started = Date.now();
    await expect(bridge.open(files)).rejects.toThrow(/did not start within/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(workers).toHaveLength(1);
    expect(workers[0]!.terminated).toBe(true);
  });

  it('abort terminates the worker; the next call starts a new one and reopens the appliance there', async () => {
    let generation = 0;
    const opensPerWorker: number[] = [];
    const bridge = new EngineBridge({
      createWorker: fakeWorkers(() => {
        const mine = generation++;
        opensPerWorker[mine] = 0;
        return {
          ping: async () => 'pong',
          open: async () => {
            opensPerWorker[mine]! += 1;
            return { handle: 100 + mine, report: report('vm.ova') };
          },
          checkManifest: async (handle: number) =>
            // The first worker hangs (a long hash); the second answers, and must be asked with its own handle.
            mine === 0 ? new Promise<never>(() => undefined) : { ...manifestOk, file: `handle ${handle}` },
        };
      }),
    });
    const opened = await bridge.open(files);
    const controller = new AbortController();
    const check = bridge.checkManifest(opened, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await check.catch((e: unknown) => e);
    expect(errorCodeOf(error)).toBe('aborted');
    expect(workers[0]!.terminated).toBe(true);

    // Closing an appliance whose worker is gone does not start a worker just to forget it.
    const another = await bridge.open(files);
    await bridge.checkManifest(another, { signal: AbortSignal.abort() }).catch(() => undefined);
    bridge.terminate();
    await bridge.close(another);
    expect(workers).toHaveLength(2);

    const again = await bridge.checkManifest(opened);
    expect(workers).toHaveLength(3);
    expect(again?.file).toBe('handle 102');
    expect(opensPerWorker).toEqual([1, 1, 1]);
    bridge.terminate();
  });

  it('a call aborted while queued behind another is dropped without touching the worker', async () => {
    const service = stuckService();
    const bridge = new EngineBridge({ createWorker: fakeWorkers(service.api) });
    const first = bridge.open(files);
    const controller = new AbortController();
    const second = bridge.open(files, { signal: controller.signal });
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(workers[0]!.terminated).toBe(false);
    bridge.terminate();
    // The running call is not settled by terminate(); the queued one fails as soon as its turn would come.
    void first.catch(() => undefined);
    void second.catch(() => undefined);
    expect(service.opens()).toBe(1);
  });

  it('a worker error event fails the running call with its message and ends the worker', async () => {
    const service = stuckService();
    const bridge = new EngineBridge({ createWorker: fakeWorkers(service.api) });
    const pending = bridge.open(files);
    await new Promise((resolve) => setTimeout(resolve, 50));
    workers[0]!.fail('Uncaught SyntaxError: Unexpected token');
    await expect(pending).rejects.toThrow(/engine worker failed: Uncaught SyntaxError: Unexpected token/);
    expect(workers[0]!.terminated).toBe(true);
  });

  it('an engine error keeps its message and its code across the worker boundary', async () => {
    const bridge = new EngineBridge({
      createWorker: fakeWorkers(() => ({
        ping: async () => 'pong',
        open: async () => {
          throw new VmferryError('truncated', 'File ends inside the tar header', { file: 'broken.ova', offset: 512 });
        },
      })),
    });
    const error = await bridge.open(files).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('broken.ova (at byte 512): File ends inside the tar header');
    expect(errorCodeOf(error)).toBe('truncated');
    // An engine error is an answer, not a broken worker: it keeps running.
    expect(workers[0]!.terminated).toBe(false);
    bridge.terminate();
  });

  it('run: a cancel is asked of the worker first, which discards its output; the worker and the appliance stay', async () => {
    const events: string[] = [];
    const bridge = new EngineBridge({
      createWorker: fakeWorkers(() => ({
        ping: async () => 'pong',
        open: async () => ({ handle: 3, report: report('vm.ova') }),
        run: (handle: number, plan: unknown, output: RunOutput, onProgress?: RunProgressCallback, cancel?: MessagePort) =>
          new Promise((_resolve, reject) => {
            events.push(`run ${handle} ${output.kind}`);
            void onProgress?.({ phase: 'write', file: 'disk.vmdk', done: 1, total: 10, rate: 1 });
            cancel!.onmessage = () => {
              events.push('discarded the output');
              (onProgress as unknown as { [Comlink.releaseProxy](): void })[Comlink.releaseProxy]();
              reject(new VmferryError('aborted', 'Operation cancelled'));
            };
          }),
      })),
    });
    const opened = await bridge.open(files);
    const controller = new AbortController();
    const { port1, port2 } = new MessageChannel();
    const running = bridge.run(opened, {} as Plan, { output: { kind: 'download', name: 'x.ova', port: port2 }, transfer: [port2] }, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    const error = await running.catch((e: unknown) => e);
    expect(errorCodeOf(error)).toBe('aborted');
    expect(events).toEqual(['run 3 download', 'discarded the output']);
    expect(workers[0]!.terminated).toBe(false);
    port1.close();
    bridge.terminate();
  });

  it('run: a worker that does not stop within the grace period is ended', async () => {
    const bridge = new EngineBridge({
      cancelGraceMs: 100,
      createWorker: fakeWorkers(() => ({
        ping: async () => 'pong',
        open: async () => ({ handle: 1, report: report('vm.ova') }),
        run: () => new Promise<never>(() => undefined),
      })),
    });
    const opened = await bridge.open(files);
    const controller = new AbortController();
    const { port2 } = new MessageChannel();
    const running = bridge.run(opened, {} as Plan, { output: { kind: 'download', name: 'x.ova', port: port2 }, transfer: [port2] }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    const started = Date.now();
    expect(errorCodeOf(await running.catch((e: unknown) => e))).toBe('aborted');
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(workers[0]!.terminated).toBe(true);
  });
});
