import { useEffect, useState } from 'preact/hooks';
import type { AllocationMap, GuestOverview } from '../engine/appliance/engine-api';
import { errorCodeOf } from '../engine/errors';
import type { EngineBridge, OpenedAppliance } from '../platform/engine-bridge';

/** Columns in an allocation picture: enough for a wide screen, a few kilobytes to send. */
export const ALLOCATION_BUCKETS = 512;

export type Loaded<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'failed'; message: string };

export interface LookData {
  guest: Loaded<GuestOverview>;
  /** By disk file name (DiskImageReport.file). */
  maps: ReadonlyMap<string, Loaded<AllocationMap>>;
}

/**
 * What the Look screen draws beyond the report, loaded in the engine worker once per opened appliance: the
 * guest and partitions first (Choose uses them too), then each disk's allocation map. Held by the app, so going
 * to Choose and back does not load it again; a new appliance (or leaving) cancels what is still loading.
 */
export function useLookData(engine: EngineBridge, opened: OpenedAppliance | null): LookData {
  const [guest, setGuest] = useState<Loaded<GuestOverview>>({ state: 'loading' });
  const [maps, setMaps] = useState<ReadonlyMap<string, Loaded<AllocationMap>>>(new Map());

  useEffect(() => {
    setGuest({ state: 'loading' });
    setMaps(new Map());
    if (!opened) return;
    const controller = new AbortController();
    const { signal } = controller;
    const disks = opened.report.diskImages.filter((image) => image.problem === null).map((image) => image.file);
    setMaps(new Map(disks.map((disk) => [disk, { state: 'loading' }])));
    const failed = (error: unknown): Loaded<never> => ({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
    void (async () => {
      try {
        setGuest({ state: 'ready', value: await engine.inspectGuest(opened, { signal }) });
      } catch (error) {
        if (errorCodeOf(error) === 'aborted') return;
        setGuest(failed(error));
      }
      for (const disk of disks) {
        if (signal.aborted) return;
        let result: Loaded<AllocationMap>;
        try {
          result = { state: 'ready', value: await engine.allocationMap(opened, disk, ALLOCATION_BUCKETS, { signal }) };
        } catch (error) {
          if (errorCodeOf(error) === 'aborted') return;
          result = failed(error);
        }
        setMaps((previous) => new Map(previous).set(disk, result));
      }
    })();
    return () => controller.abort();
  }, [engine, opened]);

  return { guest, maps };
}
