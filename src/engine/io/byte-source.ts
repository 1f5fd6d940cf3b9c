import { VmferryError, throwIfAborted } from '../errors';

/**
 * Random-access, read-only bytes: a File, a Node file, a window of another source (a tar member, a partition),
 * or several sources end to end. Nothing in the engine ever reads a whole source at once.
 */
export interface ByteSource {
  /** What the user would call it: a file name, or `archive.ova/member.vmdk`. Used in every error message. */
  readonly name: string;
  readonly size: number;
  /**
   * Reads `length` bytes at `offset`. Returns fewer only when the source ends first (an empty array at or past
   * the end). The returned array may be a view into a larger buffer: copy it before keeping it for long.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: reads into the caller's buffer (as many bytes as fit, fewer at the end of the source) and says how
   * many. Hot loops that only look at the bytes (the zero scan) reuse a few buffers this way instead of
   * allocating, page-faulting and collecting a fresh one per read.
   */
  readInto?(offset: number, target: Uint8Array): Promise<number>;
  /**
   * Optional: where the bytes are, for a sparse file whose file system reports its holes (ranges in order; the
   * rest reads as zeros). null when unknown. A raw image then converts without reading its empty space.
   */
  dataRanges?(): Promise<ReadonlyArray<{ offset: number; length: number }> | null>;
}

/** Reads exactly `length` bytes or fails with a "truncated" error naming the source and offset. */
export async function readExact(source: ByteSource, offset: number, length: number, what = 'data'): Promise<Uint8Array> {
  const bytes = await source.read(offset, length);
  if (bytes.length !== length) {
    throw new VmferryError('truncated', `File ends inside the ${what}: needed ${length} bytes, found ${bytes.length}`, {
      file: source.name,
      offset,
    });
  }
  return bytes;
}

/**
 * Fills `target` from `offset` or fails with a "truncated" error: straight into the caller's buffer where the
 * source can (readInto), else through a read and a copy. Readers that assemble a disk read from pieces use it to
 * avoid an intermediate buffer per piece.
 */
export async function readExactInto(source: ByteSource, offset: number, target: Uint8Array, what = 'data'): Promise<void> {
  if (!source.readInto) {
    target.set(await readExact(source, offset, target.length, what));
    return;
  }
  const count = await source.readInto(offset, target);
  if (count !== target.length) {
    throw new VmferryError('truncated', `File ends inside the ${what}: needed ${target.length} bytes, found ${count}`, { file: source.name, offset });
  }
}

/** Validates a read request the same way for every source; returns how many bytes can actually be read. */
export function clampRead(source: { name: string; size: number }, offset: number, length: number): number {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new VmferryError('usage', `Invalid read of ${length} bytes at ${offset}`, { file: source.name });
  }
  return Math.max(0, Math.min(length, source.size - offset));
}

/** The default chunk for sequential passes: large enough for throughput, small enough to bound memory. */
export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;

/** Walks a source from `start` to `end` in chunks, in order. */
export async function* readChunks(
  source: ByteSource,
  { start = 0, end = source.size, chunkSize = DEFAULT_CHUNK_SIZE, signal }: {
    start?: number;
    end?: number;
    chunkSize?: number;
    signal?: AbortSignal;
  } = {},
): AsyncGenerator<Uint8Array> {
  for (let offset = start; offset < end; ) {
    throwIfAborted(signal);
    const chunk = await readExact(source, offset, Math.min(chunkSize, end - offset));
    offset += chunk.length;
    yield chunk;
  }
}
