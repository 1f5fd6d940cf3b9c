import { throwIfAborted } from '../errors';
import { readExact, type ByteSource } from '../io/byte-source';

/** Something that inflates gzip: `new DecompressionStream('gzip')` by default; tests may pass a stricter one. */
export type GzipDecompressor = ReadableWritablePair<Uint8Array, Uint8Array<ArrayBuffer>>;

export function nativeGzipDecompressor(): GzipDecompressor {
  return new DecompressionStream('gzip');
}

/** One pass of one decompressor over `[start, end)` of a source. */
export interface DecompressionRun {
  output: AsyncGenerator<Uint8Array>;
  /** How far the input has been handed to the decompressor: a member boundary that stopped it lies before. */
  fedEnd(): number;
  /** An error that came from reading the source (not from the data), to be passed on unchanged. */
  sourceError(): unknown;
}

/**
 * Feeds the source in chunks, pulled only as the decompressor asks for them (highWaterMark 0), so memory holds a
 * couple of input chunks and whatever output the caller has not yet taken.
 */
export function startDecompression(
  source: ByteSource,
  start: number,
  end: number,
  { chunkSize, signal, decompressor }: { chunkSize: number; signal: AbortSignal | undefined; decompressor: () => GzipDecompressor },
): DecompressionRun {
  let fed = start;
  let failure: unknown;
  const input = new ReadableStream<Uint8Array<ArrayBuffer>>(
    {
      async pull(controller) {
        try {
          throwIfAborted(signal);
          if (fed >= end) {
            controller.close();
            return;
          }
          const chunk = await readExact(source, fed, Math.min(chunkSize, end - fed), 'gzip data');
          fed += chunk.length;
          // Sources hand out ordinary ArrayBuffer-backed arrays; the cast only narrows the type for the stream.
          controller.enqueue(chunk as Uint8Array<ArrayBuffer>);
        } catch (error) {
          failure = error;
          throw error;
        }
      },
    },
    { highWaterMark: 0 },
  );
  const reader = input.pipeThrough(decompressor()).getReader();

  async function* output(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value.length > 0) yield value;
      }
    } finally {
      // Stopping early (a backward read, an error downstream) cancels the pipe and with it the source reads.
      reader.cancel().catch(() => undefined);
    }
  }
  return { output: output(), fedEnd: () => fed, sourceError: () => failure };
}
