import { VmferryError, abortedError } from '../src/engine/errors';
import type { ByteSink } from '../src/engine/io/byte-sink';
import { DOWNLOAD_WINDOW_BYTES, type ConsumerMessage, type ProducerMessage } from './download-protocol';

/** How long the browser may take to start reading a download before the job gives up on it. */
const START_TIMEOUT_MS = 120_000;

/**
 * The producer end of a streamed download (download-protocol.ts): a ByteSink whose chunks go through a
 * MessagePort to the service worker's stream. `write` waits while too much is unacknowledged (backpressure);
 * `close` resolves once the browser has read the last byte; `abort` fails the download so the browser discards
 * the partial file. A download the user cancels in the browser makes the next write fail as "aborted".
 */
export class PortSink implements ByteSink {
  private inFlight = 0;
  private started = false;
  private failure: Error | null = null;
  private finished = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly port: MessagePort,
    readonly name: string,
    private readonly window = DOWNLOAD_WINDOW_BYTES,
    private readonly startTimeoutMs = START_TIMEOUT_MS,
  ) {
    port.onmessage = (event: MessageEvent<ConsumerMessage>) => this.receive(event.data);
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (chunk.length === 0) return;
    this.check();
    // A copy that owns its buffer, so transferring it cannot detach the caller's memory.
    const bytes = chunk.slice();
    // Counted before posting: the transfer detaches the buffer (its length becomes 0).
    this.inFlight += bytes.length;
    this.post({ type: 'chunk', bytes }, [bytes.buffer]);
    await this.until(() => this.inFlight <= this.window);
  }

  async close(): Promise<void> {
    this.check();
    this.post({ type: 'end' });
    await this.until(() => this.finished);
    this.port.close();
  }

  async abort(reason?: unknown): Promise<void> {
    if (this.finished) return;
    const message = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'cancelled';
    try {
      this.post({ type: 'abort', message });
    } finally {
      this.fail(abortedError(reason));
      this.port.close();
    }
  }

  private receive(message: ConsumerMessage): void {
    if (message.type === 'ack') {
      this.started = true;
      this.inFlight -= message.bytes;
    } else if (message.type === 'closed') {
      this.started = true;
      this.finished = true;
    } else if (message.type === 'cancelled') {
      this.fail(new VmferryError('aborted', `The download of ${this.name} was cancelled in the browser (${message.message})`));
    }
    this.wake?.();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake?.();
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  private post(message: ProducerMessage, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }

  /** Waits until `ready()`, failing on a cancel, or when the browser never starts reading the download. */
  private async until(ready: () => boolean): Promise<void> {
    const deadline = Date.now() + this.startTimeoutMs;
    while (!ready()) {
      this.check();
      const wait = this.started ? null : deadline - Date.now();
      if (wait !== null && wait <= 0) {
        this.fail(new VmferryError('io', `The browser did not start the download of ${this.name}`, { hint: 'Allow downloads for this site and try again.' }));
        this.check();
      }
      await new Promise<void>((resolve) => {
        const timer = wait === null ? undefined : setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = null;
          resolve();
        };
      });
    }
    this.check();
  }
}
