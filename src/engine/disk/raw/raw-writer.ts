import { throwIfAborted } from '../../errors';
import { writeZeros, type ByteSink } from '../../io/byte-sink';
import type { DiskWriter, DiskWritePlan, WriteContext } from '../disk-writer';
import type { VirtualDisk } from '../virtual-disk';
import { isAllZero } from '../zero';

const CHUNK = 4 * 1024 * 1024;
const HOLE_GRANULARITY = 4096;

/**
 * Raw output: every byte of the virtual disk, in order. Unallocated and zero ranges, and 4 KiB runs of data that
 * are all zeros, become holes where the sink can leave them (a Node file), real zeros elsewhere.
 */
export const rawWriter: DiskWriter = {
  format: 'raw',
  unitSize: () => null,
  plan(disk: VirtualDisk): DiskWritePlan {
    return {
      outputSize: disk.virtualSize,
      dataBytes: disk.virtualSize,
      write: (sink, context) => writeRaw(disk, sink, context),
    };
  },
};

async function writeRaw(disk: VirtualDisk, sink: ByteSink, { signal, onProgress }: WriteContext): Promise<void> {
  let done = 0;
  for await (const extent of disk.allocation()) {
    if (extent.kind !== 'data') {
      await writeZeros(sink, extent.length);
      done += extent.length;
      onProgress?.(done);
      continue;
    }
    for (let offset = extent.offset; offset < extent.offset + extent.length; ) {
      throwIfAborted(signal);
      const length = Math.min(CHUNK, extent.offset + extent.length - offset);
      await writeSparse(sink, await disk.read(offset, length));
      offset += length;
      done += length;
      onProgress?.(done);
    }
  }
}

/** Writes a chunk, turning its all-zero 4 KiB runs into holes. */
async function writeSparse(sink: ByteSink, bytes: Uint8Array): Promise<void> {
  if (!sink.skipZeros) return sink.write(bytes);
  let runStart = 0;
  let runIsZero: boolean | null = null;
  for (let at = 0; at < bytes.length; at += HOLE_GRANULARITY) {
    const zero = isAllZero(bytes.subarray(at, at + HOLE_GRANULARITY));
    if (runIsZero !== null && zero !== runIsZero) {
      await emit(sink, bytes.subarray(runStart, at), runIsZero);
      runStart = at;
    }
    runIsZero = zero;
  }
  if (runIsZero !== null) await emit(sink, bytes.subarray(runStart), runIsZero);
}

function emit(sink: ByteSink, bytes: Uint8Array, zero: boolean): Promise<void> {
  return zero ? writeZeros(sink, bytes.length) : sink.write(bytes);
}
