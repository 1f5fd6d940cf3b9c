import { VmferryError } from '../errors';
import type { ByteSink } from '../io/byte-sink';

interface Settle {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface BytePipe {
  /** What the producer (a disk writer) writes into. */
  sink: ByteSink;
  /** What the consumer (a tar member) reads. */
  chunks: AsyncIterable<Uint8Array>;
  /** The consumer gave up: the producer's pending and later writes fail with `reason`. */
  cancel(reason: unknown): void;
}

/**
 * Connects a producer that pushes into a ByteSink to a consumer that pulls an async iterable, one chunk at a
 * time. A write resolves only when the consumer asks for the next chunk, i.e. is done with this one, so nothing
 * accumulates and a producer that reuses its buffer never overwrites data still being written out. `close` ends
 * the iterable; `abort` makes the consumer's next pull throw; `cancel` fails the producer.
 */
export function bytePipe(name: string): BytePipe {
  let pull: { resolve: (result: IteratorResult<Uint8Array>) => void; reject: (error: unknown) => void } | null = null;
  let offered: { chunk: Uint8Array; writer: Settle } | null = null;
  let held: Settle | null = null;
  let ended = false;
  let producerFailure: unknown = null;
  let consumerFailure: unknown = null;

  const deliver = () => {
    if (!pull) return;
    const consumer = pull;
    if (producerFailure !== null) {
      pull = null;
      consumer.reject(producerFailure);
    } else if (offered) {
      pull = null;
      held = offered.writer;
      const { chunk } = offered;
      offered = null;
      consumer.resolve({ value: chunk, done: false });
    } else if (ended) {
      pull = null;
      consumer.resolve({ value: undefined, done: true });
    }
  };

  const sink: ByteSink = {
    name,
    write(chunk) {
      if (consumerFailure !== null) return Promise.reject(consumerFailure);
      if (ended || producerFailure !== null) return Promise.reject(new VmferryError('usage', 'Write after the end of the piped data', { file: name }));
      if (chunk.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        offered = { chunk, writer: { resolve, reject } };
        deliver();
      });
    },
    async close() {
      ended = true;
      deliver();
    },
    async abort(reason) {
      producerFailure = reason ?? new VmferryError('aborted', 'The data was abandoned', { file: name });
      deliver();
    },
  };

  const chunks: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: () =>
        new Promise<IteratorResult<Uint8Array>>((resolve, reject) => {
          const previous = held;
          held = null;
          previous?.resolve();
          pull = { resolve, reject };
          deliver();
        }),
    }),
  };

  return {
    sink,
    chunks,
    cancel(reason) {
      consumerFailure = reason;
      held?.reject(reason);
      offered?.writer.reject(reason);
      held = null;
      offered = null;
    },
  };
}
