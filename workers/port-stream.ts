import type { ConsumerMessage, ProducerMessage } from './download-protocol';

/**
 * The consumer end of a streamed download (download-protocol.ts), in the service worker: the chunks arriving on
 * `port` as a ReadableStream for the download's Response. A chunk is acknowledged when the browser reads it,
 * which is what lets the producer send more; the stream holds at most the producer's window. An `abort` from the
 * producer (or `abort()` from the page) errors the stream, so the browser fails the download and deletes the
 * partial file; a cancel from the browser is passed back to the producer.
 */
export function portStream(port: MessagePort, onEnd: () => void = () => {}): { stream: ReadableStream<Uint8Array>; abort(message: string): void } {
  const queue: Uint8Array[] = [];
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const send = (message: ConsumerMessage) => port.postMessage(message);

  const fail = (message: string) => {
    if (failure || ended) return;
    failure = new Error(message);
    controller.error(failure);
    port.close();
    onEnd();
    wake?.();
  };

  port.onmessage = (event: MessageEvent<ProducerMessage>) => {
    const message = event.data;
    if (message.type === 'chunk') queue.push(message.bytes);
    else if (message.type === 'end') ended = true;
    else if (message.type === 'abort') fail(`The conversion stopped: ${message.message}`);
    wake?.();
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      async pull(c) {
        while (queue.length === 0 && !ended && !failure) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        if (failure) return;
        const chunk = queue.shift();
        if (chunk) {
          c.enqueue(chunk);
          send({ type: 'ack', bytes: chunk.length });
          return;
        }
        c.close();
        send({ type: 'closed' });
        port.close();
        onEnd();
      },
      cancel(reason) {
        failure = new Error('cancelled');
        send({ type: 'cancelled', message: reason instanceof Error ? reason.message : String(reason ?? 'cancelled in the browser') });
        port.close();
        onEnd();
      },
    },
    // Pull only when the browser reads: the queue, not the stream, holds what is waiting.
    { highWaterMark: 0 },
  );
  send({ type: 'ready' });
  return { stream, abort: fail };
}
