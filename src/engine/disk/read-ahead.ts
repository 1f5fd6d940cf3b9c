import { throwIfAborted } from '../errors';

export interface ReadRequest {
  offset: number;
  length: number;
}

/**
 * Issues reads in order, keeping `depth` more in flight while the caller works on the current one, so that
 * reading the source overlaps with zero detection, compression and writing. Memory: (1 + depth) reads.
 */
export async function* readAhead<T extends ReadRequest>(
  requests: Iterable<T>,
  read: (offset: number, length: number) => Promise<Uint8Array>,
  { depth = 2, signal }: { depth?: number; signal?: AbortSignal } = {},
): AsyncGenerator<{ request: T; bytes: Uint8Array }> {
  const iterator = requests[Symbol.iterator]();
  const pending: { request: T; bytes: Promise<Uint8Array> }[] = [];
  const fill = () => {
    while (pending.length <= depth) {
      const next = iterator.next();
      if (next.done) return;
      const bytes = read(next.value.offset, next.value.length);
      bytes.catch(() => undefined); // surfaced when awaited; not an unhandled rejection meanwhile
      pending.push({ request: next.value, bytes });
    }
  };
  fill();
  while (pending.length > 0) {
    throwIfAborted(signal);
    const { request, bytes } = pending.shift()!;
    const data = await bytes;
    fill();
    yield { request, bytes: data };
  }
}
