import * as Comlink from 'comlink';
import type { Appliance } from '../src/engine/appliance/appliance';
import type { EngineApi, Progress, ProgressCallback, RunOutput, RunProgressCallback, RunSummary } from '../src/engine/appliance/engine-api';
import { checkManifest } from '../src/engine/appliance/check-manifest';
import { applyGuestRepair, proposeGuestEdits } from '../src/engine/appliance/guest-repair';
import { openAppliance } from '../src/engine/appliance/open';
import { planConversion } from '../src/engine/appliance/plan';
import type { Plan } from '../src/engine/appliance/plan-types';
import { runPlan } from '../src/engine/appliance/run';
import { VmferryError } from '../src/engine/errors';
import { blobFileSet, type NamedBlob } from '../src/engine/io/file-set';
import type { PackageProgress } from '../src/engine/package/package-content';
import { summariseAllocation } from './allocation-buckets';
import { signalFromPort } from './cancel-port';
import { guestOverview } from './guest-overview';
import { outputTarget } from './output-targets';
import { capturingHelper, manifestOf } from './run-summary';

/**
 * The engine as the page sees it, as plain functions over plain data (Squoosh style): engine.worker.ts exposes
 * it with comlink, and tests call it directly without a worker. Opened appliances stay here, named by a handle.
 */
export function createEngineService(): EngineApi {
  const opened = new Map<number, Appliance>();
  let nextHandle = 1;

  function get(handle: number): Appliance {
    const appliance = opened.get(handle);
    if (!appliance) throw new VmferryError('usage', `No open appliance with handle ${handle}; open it again`);
    return appliance;
  }

  return {
    async ping() {
      return 'pong';
    },

    async open(files: NamedBlob[]) {
      const appliance = await openAppliance(blobFileSet(files));
      const handle = nextHandle++;
      opened.set(handle, appliance);
      return { handle, report: appliance.report };
    },

    async checkManifest(handle: number, onProgress?: ProgressCallback) {
      try {
        const report = throttled(onProgress);
        return await checkManifest(get(handle), report ? { onProgress: report } : {});
      } finally {
        releaseIfProxy(onProgress);
      }
    },

    async allocationMap(handle: number, name: string, buckets: number) {
      const disk = get(handle).disks.get(name);
      if (!disk) throw new VmferryError('usage', `No readable disk named ${name}`, { file: name });
      return summariseAllocation(name, disk.virtualSize, disk.allocation(), buckets);
    },

    async inspectGuest(handle: number) {
      return guestOverview(get(handle));
    },

    async plan(handle, request) {
      return planConversion(get(handle), request, { proposeGuestEdits });
    },

    async run(handle: number, plan: Plan, output: RunOutput, onProgress?: RunProgressCallback, cancel?: MessagePort): Promise<RunSummary> {
      const { signal, dispose } = signalFromPort(cancel);
      try {
        const appliance = get(handle);
        const capture = capturingHelper(await outputTarget(output), plan);
        const report = throttledRun(onProgress);
        const result = await runPlan(appliance, plan, capture.target, {
          ...(signal ? { signal } : {}),
          ...(report ? { onProgress: report } : {}),
          applyGuestEdits: applyGuestRepair,
        });
        return { files: result.files, seconds: result.seconds, manifest: manifestOf(plan, result.files), helper: capture.helper() };
      } finally {
        dispose();
        releaseIfProxy(onProgress);
      }
    },

    async close(handle: number) {
      opened.delete(handle);
    },
  };
}

/** The minimum time between two progress messages: each one is a round trip to the page (C2). */
const PROGRESS_INTERVAL_MS = 200;

/** Passes on the first report, then at most one per interval, and always the last one (done === total). */
function throttled(onProgress: ProgressCallback | undefined): ProgressCallback | undefined {
  if (!onProgress) return undefined;
  let last = -Infinity;
  return (progress: Progress) => {
    const now = performance.now();
    if (progress.done < progress.total && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    // Not awaited: through comlink this is a postMessage, and the hashing must not wait for the page.
    void Promise.resolve(onProgress({ ...progress })).catch(() => undefined);
  };
}

/** The same for a conversion, where a new file or phase is always passed on (the page shows one bar per file). */
function throttledRun(onProgress: RunProgressCallback | undefined): RunProgressCallback | undefined {
  if (!onProgress) return undefined;
  let last = -Infinity;
  let step = '';
  return (progress: PackageProgress) => {
    const now = performance.now();
    const current = `${progress.file}\0${progress.phase}`;
    if (current === step && progress.done < progress.total && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    step = current;
    void Promise.resolve(onProgress({ ...progress })).catch(() => undefined);
  };
}

/** A comlink-proxied callback holds a MessageChannel open until released (comlink#590); a plain function has
 * nothing to release. */
function releaseIfProxy(callback: unknown): void {
  const release = (callback as { [Comlink.releaseProxy]?: () => void } | undefined)?.[Comlink.releaseProxy];
  if (typeof release === 'function') release.call(callback);
}
