import { writeZeros, type ByteSink } from '../../io/byte-sink';
import type { DiskWriter, DiskWritePlan, WriteContext } from '../disk-writer';
import { readAhead, readDataOnly, type ReadRequest } from '../read-ahead';
import type { DiskExtent, VirtualDisk } from '../virtual-disk';
import { READ_AHEAD, ringReader } from '../unit-map';
import { forEachZeroRun } from '../zero';

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
  // Each chunk is written before the ring comes back to its buffer, so reused buffers are safe here.
  const ring = ringReader(disk, CHUNK);
  const none = new Uint8Array(0);
  const read = ring ? (request: ReadRequest & { kind: string }) => (request.kind === 'data' ? ring(request) : Promise.resolve(none)) : readDataOnly(disk);
  for await (const { request, bytes } of readAhead(requestsFor(disk.allocation()), read, { signal, depth: READ_AHEAD })) {
    if (request.kind === 'data') await writeSparse(sink, bytes);
    else await writeZeros(sink, request.length);
    done += request.length;
    onProgress?.(done);
  }
}

/** Data extents in chunks to read; zero and unallocated extents pass through as holes without a read. */
async function* requestsFor(extents: AsyncIterable<DiskExtent>): AsyncGenerator<ReadRequest & { kind: DiskExtent['kind'] }> {
  for await (const extent of extents) {
    if (extent.kind !== 'data') {
      yield { offset: extent.offset, length: extent.length, kind: extent.kind };
      continue;
    }
    for (let offset = extent.offset; offset < extent.offset + extent.length; offset += CHUNK) {
      yield { offset, length: Math.min(CHUNK, extent.offset + extent.length - offset), kind: 'data' };
    }
  }
}

/** Writes a chunk, turning its all-zero 4 KiB runs into holes. */
async function writeSparse(sink: ByteSink, bytes: Uint8Array): Promise<void> {
  if (!sink.skipZeros) return sink.write(bytes);
  const runs: [number, number, boolean][] = [];
  forEachZeroRun(bytes, HOLE_GRANULARITY, (start, end, zero) => runs.push([start, end, zero]));
  for (const [start, end, zero] of runs) {
    if (zero) await writeZeros(sink, end - start);
    else await sink.write(bytes.subarray(start, end));
  }
}
