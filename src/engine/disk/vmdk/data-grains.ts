import { throwIfAborted } from '../../errors';
import type { VirtualDisk } from '../virtual-disk';
import { isAllZero } from '../zero';

export interface Grain {
  index: number;
  /** Exactly one grain long (the disk's last grain zero-padded). */
  data: Uint8Array;
}

/**
 * The grains a streaming writer stores, in order, found as it goes (no pre-scan): only grains that touch a
 * `data` extent are read, in runs of up to `maxRead` bytes, and grains that turn out all zeros are dropped.
 * `onProgress` gets how far into the virtual disk the walk has come.
 */
export async function* grainsWithData(
  disk: VirtualDisk,
  grainBytes: number,
  { signal, onProgress, maxRead = 4 * 1024 * 1024 }: { signal?: AbortSignal; onProgress?: (done: number) => void; maxRead?: number } = {},
): AsyncGenerator<Grain> {
  const perRead = Math.max(1, Math.floor(maxRead / grainBytes));
  let runStart = 0;
  let runEnd = 0; // grains [runStart, runEnd) touch data and are not read yet
  const readRun = async function* (): AsyncGenerator<Grain> {
    for (let first = runStart; first < runEnd; first += perRead) {
      throwIfAborted(signal);
      const count = Math.min(perRead, runEnd - first);
      const offset = first * grainBytes;
      const bytes = await disk.read(offset, Math.min(count * grainBytes, disk.virtualSize - offset));
      for (let i = 0; i < count; i++) {
        let data = bytes.subarray(i * grainBytes, (i + 1) * grainBytes);
        if (data.length === 0 || isAllZero(data)) continue;
        if (data.length < grainBytes) {
          const padded = new Uint8Array(grainBytes);
          padded.set(data);
          data = padded;
        }
        yield { index: first + i, data };
      }
      onProgress?.(Math.min(disk.virtualSize, (first + count) * grainBytes));
    }
    runStart = runEnd;
  };
  for await (const extent of disk.allocation()) {
    if (extent.kind !== 'data') continue;
    const first = Math.floor(extent.offset / grainBytes);
    const end = Math.ceil((extent.offset + extent.length) / grainBytes);
    if (first > runEnd) {
      yield* readRun();
      runStart = first;
    }
    runEnd = Math.max(runEnd, end);
  }
  yield* readRun();
  onProgress?.(disk.virtualSize);
}
