import * as Comlink from 'comlink';
import type {
  AllocationMap,
  EngineApi,
  GuestOverview,
  Progress,
  ProgressCallback,
  RunOutput,
  RunProgressCallback,
  RunSummary,
} from '../engine/appliance/engine-api';
import type { ConvertRequest, Plan } from '../engine/appliance/plan-types';
import type { ApplianceReport, ManifestReport } from '../engine/appliance/report';
import type { PackageProgress } from '../engine/package/package-content';
import { abortedError } from '../engine/errors';
import type { NamedBlob } from '../engine/io/file-set';

/** What the bridge needs from a worker; a real `Worker` is one, tests pass a MessagePort-backed fake. */
export interface EngineWorker extends Comlink.Endpoint {
  terminate(): void;
}

export interface EngineBridgeOptions {
  /** Defaults to the real engine worker; tests pass a fake. */
  createWorker?: () => EngineWorker;
  /** How long the worker may take to load and answer `ping` before it is declared broken. */
  startTimeoutMs?: number;
  /** After a cancel, how long a conversion may take to discard its output before the worker is ended. */
  cancelGraceMs?: number;
}

/** An output for `run`, with what must be transferred (not copied) to the worker: its ports. */
export interface PreparedOutput {
  output: RunOutput;
  transfer: Transferable[];
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** An appliance opened in the engine worker. The report is plain data and stays valid after the worker goes. */
export interface OpenedAppliance {
  readonly report: ApplianceReport;
  readonly files: readonly NamedBlob[];
}

/**
 * The one owner of the engine worker (Squoosh's WorkerBridge, grown for long jobs):
 * - the worker is created lazily and must answer `ping` within `startTimeoutMs` (a worker whose module fails
 *   to load otherwise leaves comlink promises pending forever: comlink#463);
 * - calls run one at a time, in order;
 * - every call is raced against the worker's `error`/`messageerror` events and the caller's AbortSignal;
 * - abort terminates the worker (comlink has no cancellation: comlink#372); the next call starts a new one and,
 *   because appliances live in the worker, opens the appliance again from its files (cheap: only headers and
 *   the descriptor are read). A conversion (`run`) is first asked to stop through a port, so it can discard its
 *   output (abort the FSA writable, fail the download); the worker is ended only if it has not stopped within
 *   `cancelGraceMs` (notes C4);
 * - the comlink Remote lives as long as the worker, on this object, so it is never collected mid-use (comlink#667).
 */
export class EngineBridge {
  private readonly createWorker: () => EngineWorker;
  private readonly startTimeoutMs: number;
  private readonly cancelGraceMs: number;
  private worker: EngineWorker | null = null;
  private api: Comlink.Remote<EngineApi> | null = null;
  private started: Promise<void> | null = null;
  /** Counts workers, so a handle from a terminated one is never sent to its successor. */
  private generation = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly handles = new WeakMap<OpenedAppliance, { handle: number; generation: number }>();

  constructor(options: EngineBridgeOptions = {}) {
    this.createWorker = options.createWorker ?? createEngineWorker;
    this.startTimeoutMs = options.startTimeoutMs ?? 20_000;
    this.cancelGraceMs = options.cancelGraceMs ?? 10_000;
  }

  open(files: readonly NamedBlob[], options: CallOptions = {}): Promise<OpenedAppliance> {
    return this.enqueue(options.signal, async (api) => {
      const { handle, report } = await this.guard(api.open([...files]), options.signal);
      const opened: OpenedAppliance = { report, files };
      this.handles.set(opened, { handle, generation: this.generation });
      return opened;
    });
  }

  /** Hashes the files listed in the manifest; null when the appliance has none. */
  checkManifest(
    opened: OpenedAppliance,
    options: CallOptions & { onProgress?: ProgressCallback } = {},
  ): Promise<ManifestReport | null> {
    return this.enqueue(options.signal, async (api) => {
      const handle = await this.handleIn(api, opened, options.signal);
      const { onProgress } = options;
      // Progress travels on the callback's own MessageChannel and the result on the worker's, and two ports
      // are not ordered: the last progress message can arrive after the result. Drop it then, or the caller
      // would go back to "running" after it finished.
      let settled = false;
      // The worker releases this proxy in `finally` (comlink#590): each proxied callback holds a port open.
      const progress = onProgress ? Comlink.proxy((p: Progress) => settled || onProgress(p)) : undefined;
      try {
        return await this.guard(api.checkManifest(handle, progress), options.signal);
      } finally {
        settled = true;
      }
    });
  }

  /** Where one disk's data is, in `buckets` slices of its virtual size. */
  allocationMap(opened: OpenedAppliance, disk: string, buckets: number, options: CallOptions = {}): Promise<AllocationMap> {
    return this.enqueue(options.signal, async (api) =>
      this.guard(api.allocationMap(await this.handleIn(api, opened, options.signal), disk, buckets), options.signal),
    );
  }

  /** Partition layouts and the Linux guest on the disks. */
  inspectGuest(opened: OpenedAppliance, options: CallOptions = {}): Promise<GuestOverview> {
    return this.enqueue(options.signal, async (api) => this.guard(api.inspectGuest(await this.handleIn(api, opened, options.signal)), options.signal));
  }

  /** Plans a conversion (with the guest repair proposed when `request.fix`). */
  plan(opened: OpenedAppliance, request: ConvertRequest, options: CallOptions = {}): Promise<Plan> {
    return this.enqueue(options.signal, async (api) => this.guard(api.plan(await this.handleIn(api, opened, options.signal), request), options.signal));
  }

  /**
   * Runs a plan into `prepared` (its ports are transferred). Cancel is cooperative first: the worker is told
   * through a port and aborts its sinks (the FSA swap file is deleted, a download is failed); only when it has
   * not finished within the grace period is it terminated.
   */
  run(
    opened: OpenedAppliance,
    plan: Plan,
    prepared: PreparedOutput,
    options: CallOptions & { onProgress?: RunProgressCallback } = {},
  ): Promise<RunSummary> {
    return this.enqueue(options.signal, async (api) => {
      const handle = await this.handleIn(api, opened, options.signal);
      const { onProgress } = options;
      let settled = false;
      const progress = onProgress ? Comlink.proxy((p: PackageProgress) => settled || onProgress(p)) : undefined;
      const cancel = new MessageChannel();
      try {
        const call = api.run(handle, plan, Comlink.transfer(prepared.output, prepared.transfer), progress, Comlink.transfer(cancel.port2, [cancel.port2]));
        return await this.guard(call, options.signal, () => cancel.port1.postMessage('cancelled'));
      } finally {
        settled = true;
        cancel.port1.close();
      }
    });
  }

  /** Forgets an appliance in the worker; nothing to do (and no worker started) when that worker is gone. */
  close(opened: OpenedAppliance): Promise<void> {
    const known = this.handles.get(opened);
    this.handles.delete(opened);
    if (!known) return Promise.resolve();
    const run = this.queue.then(async () => {
      if (this.api && known.generation === this.generation) await this.guard(this.api.close(known.handle), undefined);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stops the worker now; pending calls fail. */
  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    this.api = null;
    this.started = null;
  }

  private enqueue<T>(signal: AbortSignal | undefined, task: (api: Comlink.Remote<EngineApi>) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      // Cancelled while waiting its turn: the worker is busy with someone else's call, leave it alone.
      if (signal?.aborted) throw abortedError(signal.reason);
      return task(await this.ready(signal));
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async handleIn(api: Comlink.Remote<EngineApi>, opened: OpenedAppliance, signal?: AbortSignal): Promise<number> {
    const known = this.handles.get(opened);
    if (known && known.generation === this.generation) return known.handle;
    const { handle } = await this.guard(api.open([...opened.files]), signal);
    this.handles.set(opened, { handle, generation: this.generation });
    return handle;
  }

  private async ready(signal: AbortSignal | undefined): Promise<Comlink.Remote<EngineApi>> {
    if (!this.worker || !this.api) {
      this.worker = this.createWorker();
      this.api = Comlink.wrap<EngineApi>(this.worker);
      this.generation += 1;
      const api = this.api;
      this.started = this.guard(withTimeout(api.ping(), this.startTimeoutMs), signal).then(() => undefined);
    }
    const api = this.api;
    try {
      await this.started;
    } catch (error) {
      this.terminate();
      throw error;
    }
    return api;
  }

  /**
   * Settles with `call`, or rejects when the worker fails or the caller aborts (and then ends the worker). With
   * `askToStop`, an abort first asks the worker to stop and waits up to the grace period for it to clean up.
   */
  private guard<T>(call: Promise<T>, signal: AbortSignal | undefined, askToStop?: () => void): Promise<T> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('The engine worker is not running'));
    return new Promise<T>((resolve, reject) => {
      let stopping: ReturnType<typeof setTimeout> | undefined;
      const fail = (error: Error) => {
        cleanup();
        // After a worker error or an abort its state is unknown: start afresh on the next call.
        if (this.worker === worker) this.terminate();
        reject(error);
      };
      const onError = (event: Event) => fail(workerError(event));
      const onMessageError = () => fail(new Error('The engine sent a message the page could not read (messageerror)'));
      const onAbort = () => {
        if (!askToStop) return fail(abortedError(signal?.reason));
        askToStop();
        stopping = setTimeout(() => fail(abortedError(signal?.reason)), this.cancelGraceMs);
      };
      const cleanup = () => {
        clearTimeout(stopping);
        worker.removeEventListener('error', onError);
        worker.removeEventListener('messageerror', onMessageError);
        signal?.removeEventListener('abort', onAbort);
      };
      worker.addEventListener('error', onError);
      worker.addEventListener('messageerror', onMessageError);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      call.then(
        (value) => {
          cleanup();
          // Finished just as the user cancelled: the output is complete, and that is what happened.
          resolve(value);
        },
        (error: unknown) => {
          cleanup();
          reject(signal?.aborted ? abortedError(signal.reason) : error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}

/** Vite bundles a worker only when this expression appears literally (P8); do not hoist the URL. */
function createEngineWorker(): EngineWorker {
  return new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module' });
}

function workerError(event: Event): Error {
  const detail = 'message' in event && typeof event.message === 'string' && event.message ? `: ${event.message}` : '';
  return new Error(`The engine worker failed${detail}. Reload the page to try again.`);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The engine worker did not start within ${Math.round(ms / 1000)} s. Reload the page to try again.`)),
      ms,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
