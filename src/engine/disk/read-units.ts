import { readAhead, readDataOnly, type ReadRequest } from './read-ahead';
import type { UnitMap } from './unit-map';
import type { VirtualDisk } from './virtual-disk';

export interface UnitData {
  index: number;
  /** The unit's bytes; exactly unitSize long (the disk's last unit is zero-padded). */
  data: Uint8Array;
}

interface Run {
  start: number;
  count: number;
}

/**
 * The units a writer stores, in order, read in runs of consecutive units (up to `maxRead` bytes per request),
 * with the next runs already being read while the caller works on the current one.
 */
export async function* readUnits(
  disk: VirtualDisk,
  units: UnitMap,
  { signal, maxRead = 4 * 1024 * 1024 }: { signal?: AbortSignal; maxRead?: number } = {},
): AsyncGenerator<UnitData> {
  const requests = runRequests(units, Math.max(1, Math.floor(maxRead / units.unitSize)), disk.virtualSize);
  for await (const { request: run, bytes } of readAhead(requests, readDataOnly(disk), { signal })) {
    for (let i = 0; i < run.count; i++) {
      const start = i * units.unitSize;
      let data = bytes.subarray(start, start + units.unitSize);
      if (data.length < units.unitSize) {
        const padded = new Uint8Array(units.unitSize);
        padded.set(data);
        data = padded;
      }
      yield { index: run.start + i, data };
    }
  }
}

function* runRequests(units: UnitMap, perRun: number, virtualSize: number): Generator<Run & ReadRequest> {
  for (const run of runsOf(units, perRun)) {
    const offset = run.start * units.unitSize;
    yield { ...run, offset, length: Math.min(run.count * units.unitSize, virtualSize - offset) };
  }
}

/** Consecutive mapped units grouped into runs of at most `perRun`. */
function* runsOf(units: UnitMap, perRun: number): Generator<Run> {
  let run: Run | null = null;
  for (const index of units.indexes()) {
    if (run && index === run.start + run.count && run.count < perRun) {
      run.count++;
      continue;
    }
    if (run) yield run;
    run = { start: index, count: 1 };
  }
  if (run) yield run;
}
