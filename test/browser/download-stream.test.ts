/**
 * The streamed-download protocol in Node (MessageChannel is the same API): the engine worker's PortSink feeding
 * the service worker's portStream. Bytes arrive whole and in order, no more than the window is ever waiting,
 * close waits for the browser to read the end, abort fails the download, a cancel in the browser fails the job,
 * and a download that never starts is an error, not a hang.
 */
import { describe, expect, it } from 'vitest';
import { errorCodeOf } from '../../src/engine/errors';
import { PortSink } from '../../workers/port-sink';
import { portStream } from '../../workers/port-stream';

const MiB = 1024 * 1024;

function pair(window = 4 * MiB, startTimeoutMs = 5000) {
  const { port1, port2 } = new MessageChannel();
  const consumer = portStream(port1);
  const sink = new PortSink(port2, 'disk.vmdk', window, startTimeoutMs);
  return { sink, ...consumer };
}

function chunk(index: number, size = MiB): Uint8Array {
  return new Uint8Array(size).fill(index & 0xff);
}

describe('PortSink → portStream', () => {
  it('delivers every byte in order, never more than the window ahead of the reader, and close waits for the end', async () => {
    const { sink, stream } = pair(4 * MiB);
    let written = 0;
    let closed = false;
    const producer = (async () => {
      for (let i = 0; i < 32; i++) {
        await sink.write(chunk(i));
        written += MiB;
      }
      await sink.close();
      closed = true;
    })();
    const reader = stream.getReader();
    let read = 0;
    let maxAhead = 0;
    for (;;) {
      // A slow download: the producer must wait for it.
      await new Promise((resolve) => setTimeout(resolve, 2));
      maxAhead = Math.max(maxAhead, written - read);
      const { done, value } = await reader.read();
      if (done) break;
      expect(value.every((byte) => byte === (Math.floor(read / MiB) & 0xff))).toBe(true);
      read += value.length;
    }
    await producer;
    expect(read).toBe(32 * MiB);
    expect(closed).toBe(true);
    // The window (4 MiB) plus the chunk being written.
    expect(maxAhead).toBeLessThanOrEqual(5 * MiB);
  });

  it('copies what it sends, so the caller may reuse its buffer', async () => {
    const { sink, stream } = pair();
    const buffer = new Uint8Array(16).fill(1);
    const reading = new Response(stream).arrayBuffer();
    await sink.write(buffer);
    buffer.fill(2);
    await sink.write(buffer);
    await sink.close();
    expect(Array.from(new Uint8Array(await reading))).toEqual([...Array(16).fill(1), ...Array(16).fill(2)]);
  });

  it('abort fails the download, so the browser discards the partial file', async () => {
    const { sink, stream } = pair();
    const reader = stream.getReader();
    await sink.write(chunk(1, 1024));
    expect((await reader.read()).value?.length).toBe(1024);
    await sink.abort(new Error('cancelled by the user'));
    await expect(reader.read()).rejects.toThrow('cancelled by the user');
  });

  it('a download cancelled in the browser makes the next write fail as aborted, naming the file', async () => {
    const { sink, stream } = pair(2 * MiB);
    await sink.write(chunk(1, 1024));
    await stream.cancel('user pressed cancel in the download bar');
    let error: unknown;
    try {
      for (let i = 0; i < 8; i++) await sink.write(chunk(i));
    } catch (caught) {
      error = caught;
    }
    expect(errorCodeOf(error)).toBe('aborted');
    expect((error as Error).message).toContain('disk.vmdk');
  });

  it('a download the browser never starts reading is an error after the start timeout, not a hang', async () => {
    const { sink } = pair(1 * MiB, 200);
    const started = Date.now();
    const error = await (async () => {
      for (let i = 0; i < 4; i++) await sink.write(chunk(i));
    })().catch((caught: unknown) => caught);
    expect(errorCodeOf(error)).toBe('io');
    expect((error as Error).message).toContain('did not start the download of disk.vmdk');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('the page can fail a download whose producer is gone', async () => {
    const { stream, abort } = pair();
    const reader = stream.getReader();
    abort('cancelled');
    await expect(reader.read()).rejects.toThrow('cancelled');
  });
});
