import { throwIfAborted } from '../errors';

export interface ReadRequest {
  offset: number;
  length: number;
}

/**
 * Issues reads in order, keeping `depth` more in flight while the caller works on the current one, so that
 * reading the source overlaps with zero detection, compression and writing. Memory: (1 + depth) reads.
 * Requests may come from an async stream (a disk's allocation), so nothing has to be listed up front.
 */
export async function* readAhead<T extends ReadRequest>(
  requests: AsyncIterable<T> | Iterable<T>,
  read: (request: T) => Promise<Uint8Array>,
  { depth = 2, signal }: { depth?: number; signal?: AbortSignal } = {},
): AsyncGenerator<{ request: T; bytes: Uint8Array }> {
  const iterator = Symbol.asyncIterator in requests ? requests[Symbol.asyncIterator]() : toAsync(requests[Symbol.iterator]());
  const pending: { request: T; bytes: Promise<Uint8Array> }[] = [];
  let exhausted = false;
  const fill = async () => {
    while (!exhausted && pending.length <= depth) {
      const next = await iterator.next();
      if (next.done) {
        exhausted = true;
        return;
      }
      const bytes = read(next.value);
      bytes.catch(() => undefined); // surfaced when awaited; not an unhandled rejection meanwhile
      pending.push({ request: next.value, bytes });
    }
  };
  await fill();
  while (pending.length > 0) {
    throwIfAborted(signal);
    const { request, bytes } = pending.shift()!;
    const data = await bytes;
    await fill();
    yield { request, bytes: data };
  }
}

function toAsync<T>(iterator: Iterator<T>): AsyncIterator<T> {
  return { next: async () => iterator.next() };
}

/** A read function for `readAhead` that reads `data` requests from the disk and nothing for the others. */
export function readDataOnly(disk: { read(offset: number, length: number): Promise<Uint8Array> }) {
  const none = new Uint8Array(0);
  return (request: ReadRequest & { kind?: string }) =>
    request.kind === undefined || request.kind === 'data' ? disk.read(request.offset, request.length) : Promise.resolve(none);
}
