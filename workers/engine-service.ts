import * as Comlink from 'comlink';
import type { Appliance } from '../src/engine/appliance/appliance';
import type { EngineApi, Progress, ProgressCallback } from '../src/engine/appliance/engine-api';
import { checkManifest } from '../src/engine/appliance/check-manifest';
import { openAppliance } from '../src/engine/appliance/open';
import { VmferryError } from '../src/engine/errors';
import { blobFileSet, type NamedBlob } from '../src/engine/io/file-set';

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

/** A comlink-proxied callback holds a MessageChannel open until released (comlink#590); a plain function has
 * nothing to release. */
function releaseIfProxy(callback: ProgressCallback | undefined): void {
  const release = (callback as { [Comlink.releaseProxy]?: () => void } | undefined)?.[Comlink.releaseProxy];
  if (typeof release === 'function') release.call(callback);
}
