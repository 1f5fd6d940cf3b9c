import type { ByteSink } from './byte-sink';

/**
 * A WHATWG WritableStream as a ByteSink: a File System Access `createWritable()` (which commits its swap file on
 * close and discards it on abort), or the stream a service-worker download reads from.
 */
export class StreamSink implements ByteSink {
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;

  constructor(
    stream: WritableStream<Uint8Array>,
    readonly name: string,
  ) {
    this.writer = stream.getWriter();
  }

  async write(chunk: Uint8Array): Promise<void> {
    await this.writer.ready;
    await this.writer.write(chunk);
  }

  async close(): Promise<void> {
    await this.writer.close();
  }

  async abort(reason?: unknown): Promise<void> {
    await this.writer.abort(reason);
  }
}
