import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CountingSink, MemorySink } from '../../../src/engine/io/byte-sink';
import { StreamSink } from '../../../src/engine/io/stream-sink';
import { NodeFileSink } from '../../../src/cli/node-file-sink';

describe('StreamSink over a WHATWG WritableStream', () => {
  it('writes in order, honours backpressure and closes', async () => {
    const received: number[] = [];
    let closed = false;
    let pending = 0;
    let maxPending = 0;
    const stream = new WritableStream<Uint8Array>(
      {
        async write(chunk) {
          pending++;
          maxPending = Math.max(maxPending, pending);
          await new Promise((r) => setTimeout(r, 1));
          received.push(...chunk);
          pending--;
        },
        close() {
          closed = true;
        },
      },
      new CountQueuingStrategy({ highWaterMark: 1 }),
    );
    const sink = new CountingSink(new StreamSink(stream, 'out.ova'));
    for (let i = 0; i < 20; i++) await sink.write(Uint8Array.of(i, i));
    await sink.close();
    expect(closed).toBe(true);
    expect(sink.bytesWritten).toBe(40);
    expect(received).toEqual(Array.from({ length: 20 }, (_, i) => [i, i]).flat());
    expect(maxPending).toBe(1);
  });

  it('abort reaches the underlying stream, so a File System Access writable discards its swap file', async () => {
    let abortReason: unknown = null;
    const stream = new WritableStream<Uint8Array>({ abort: (reason) => void (abortReason = reason) });
    const sink = new StreamSink(stream, 'out.ova');
    await sink.write(Uint8Array.of(1));
    await sink.abort('cancelled by user');
    expect(abortReason).toBe('cancelled by user');
  });
});

describe('MemorySink', () => {
  it('keeps copies of the chunks it was given and refuses writes after close', async () => {
    const sink = new MemorySink();
    const chunk = Uint8Array.of(1, 2, 3);
    await sink.write(chunk);
    chunk[0] = 9;
    await sink.close();
    expect(sink.bytes()).toEqual(Uint8Array.of(1, 2, 3));
    await expect(sink.write(chunk)).rejects.toThrow(/after closed/);
  });
});

describe('NodeFileSink', () => {
  it('writes under a temporary name and renames on close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vmferry-sink-'));
    const sink = await NodeFileSink.create(join(dir, 'out.ova'));
    await sink.write(new TextEncoder().encode('hello '));
    expect(await readdir(dir)).not.toContain('out.ova');
    expect((await readdir(dir)).some((n) => n.includes('vmferry-partial'))).toBe(true);
    await sink.write(new TextEncoder().encode('world'));
    await sink.close();
    expect(await readdir(dir)).toEqual(['out.ova']);
    expect(await readFile(join(dir, 'out.ova'), 'utf8')).toBe('hello world');
  });

  it('leaves nothing behind when aborted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vmferry-sink-'));
    const sink = await NodeFileSink.create(join(dir, 'out.ova'));
    await sink.write(new Uint8Array(1 << 20));
    await sink.abort();
    expect(await readdir(dir)).toEqual([]);
  });

  // Past 64 MiB the sink starts syncing in the background while writes go on.
  it('writes, patches and holes past the background-sync threshold land exactly; abort mid-sync leaves nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vmferry-sink-'));
    const MiB = 1 << 20;
    const sink = await NodeFileSink.create(join(dir, 'big.img'));
    const piece = (value: number) => new Uint8Array(8 * MiB).fill(value);
    for (let i = 0; i < 20; i++) {
      await sink.write(piece(i + 1));
      if (i === 12) await sink.skipZeros(MiB);
    }
    await sink.writeAt(4 * MiB, new Uint8Array(16).fill(0xee));
    await sink.skipZeros(MiB); // a trailing hole, made part of the file by close()
    await sink.close();
    const bytes = await readFile(join(dir, 'big.img'));
    expect(bytes.length).toBe(20 * 8 * MiB + 2 * MiB);
    expect(bytes[0]).toBe(1);
    expect(bytes.subarray(4 * MiB, 4 * MiB + 16).every((b) => b === 0xee)).toBe(true);
    expect(bytes[4 * MiB + 16]).toBe(1);
    expect(bytes[13 * 8 * MiB - 1]).toBe(13);
    expect(bytes.subarray(13 * 8 * MiB, 13 * 8 * MiB + MiB).every((b) => b === 0)).toBe(true);
    expect(bytes[13 * 8 * MiB + MiB]).toBe(14);
    expect(bytes[20 * 8 * MiB + MiB - 1]).toBe(20);
    expect(bytes.subarray(20 * 8 * MiB + MiB).every((b) => b === 0)).toBe(true);

    const aborted = await NodeFileSink.create(join(dir, 'aborted.img'));
    for (let i = 0; i < 10; i++) await aborted.write(piece(7));
    await aborted.abort();
    expect(await readdir(dir)).toEqual(['big.img']);
  });
});
