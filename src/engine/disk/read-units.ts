import { throwIfAborted } from '../errors';
import type { UnitMap } from './unit-map';
import type { VirtualDisk } from './virtual-disk';

export interface UnitData {
  index: number;
  /** The unit's bytes; exactly unitSize long (the disk's last unit is zero-padded). */
  data: Uint8Array;
}

/**
 * The units a writer stores, in order, read in runs of consecutive units (up to `maxRead` bytes per request) so
 * that reads stay large while memory stays bounded by one run.
 */
export async function* readUnits(
  disk: VirtualDisk,
  units: UnitMap,
  { signal, maxRead = 4 * 1024 * 1024 }: { signal?: AbortSignal; maxRead?: number } = {},
): AsyncGenerator<UnitData> {
  const perRun = Math.max(1, Math.floor(maxRead / units.unitSize));
  let runStart = -1;
  let runLength = 0;
  const flush = async function* (): AsyncGenerator<UnitData> {
    if (runLength === 0) return;
    throwIfAborted(signal);
    const offset = runStart * units.unitSize;
    const bytes = await disk.read(offset, Math.min(runLength * units.unitSize, disk.virtualSize - offset));
    for (let i = 0; i < runLength; i++) {
      const start = i * units.unitSize;
      let data = bytes.subarray(start, start + units.unitSize);
      if (data.length < units.unitSize) {
        const padded = new Uint8Array(units.unitSize);
        padded.set(data);
        data = padded;
      }
      yield { index: runStart + i, data };
    }
    runLength = 0;
  };
  for (const index of units.indexes()) {
    if (runLength > 0 && (index !== runStart + runLength || runLength === perRun)) yield* flush();
    if (runLength === 0) runStart = index;
    runLength++;
  }
  yield* flush();
}
