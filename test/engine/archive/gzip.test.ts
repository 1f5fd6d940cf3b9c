import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gunzipChunks, ForwardReader, isGzip, readGzipSizeHint, type GzipDecompressor } from '../../../src/engine/archive/gzip';
import { MemorySource } from '../../../src/engine/io/memory-source';
import { describeWithTools } from '../../support/tools';
import { collect, expectVmferryError, FileSource, makeTempDir, pseudoRandomBytes, run } from './support';

/**
 * A decompressor that behaves like the browsers' DecompressionStream('gzip'): one member only, and an error
 * ("Junk found after end of compressed data") from the chunk in which anything follows it, after passing on the
 * member's output. Node 20's own DecompressionStream reads every member, so without this the boundary search in
 * gunzipChunks would never run here. (It re-inflates all input at each chunk: fine for test-sized data.)
 */
function strictDecompressor(): GzipDecompressor {
  const parts: Uint8Array[] = [];
  let delivered = 0;
  const inflate = (final: boolean): { output: Buffer; junk: boolean } | undefined => {
    const data = Buffer.concat(parts);
    if (data.length < 10) return undefined;
    if (data[0] !== 0x1f || data[1] !== 0x8b || data[2] !== 8) throw new TypeError('not gzip');
    const flags = data[3]!;
    let at = 10;
    if (flags & 4) at += 2 + data.readUInt16LE(at);
    if (flags & 8) at = data.indexOf(0, at) + 1;
    if (flags & 16) at = data.indexOf(0, at) + 1;
    if (flags & 2) at += 2;
    let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      inflated = inflateRawSync(data.subarray(at), { info: true }) as unknown as typeof inflated;
    } catch (error) {
      if (!final && /unexpected end/.test((error as Error).message)) return undefined; // wait for more input
      throw new TypeError(`The compressed data was not valid: ${(error as Error).message}`);
    }
    const trailer = at + inflated.engine.bytesWritten;
    if (trailer + 8 > data.length) {
      if (final) throw new TypeError('Compressed input was truncated.');
      return undefined;
    }
    if (data.readUInt32LE(trailer) !== crc32(inflated.buffer) || data.readUInt32LE(trailer + 4) !== inflated.buffer.length % 2 ** 32) {
      throw new TypeError('The compressed data was not valid.');
    }
    return { output: inflated.buffer, junk: trailer + 8 < data.length };
  };
  const emit = (controller: TransformStreamDefaultController<Uint8Array<ArrayBuffer>>, result: { output: Buffer; junk: boolean }) => {
    if (result.output.length > delivered) controller.enqueue(new Uint8Array(result.output.subarray(delivered)));
    delivered = result.output.length;
    if (result.junk) throw new TypeError('Junk found after end of compressed data.');
  };
  return new TransformStream<Uint8Array, Uint8Array<ArrayBuffer>>({
    transform(chunk, controller) {
      parts.push(chunk.slice());
      const result = inflate(false);
      if (result) emit(controller, result);
    },
    flush(controller) {
      const result = inflate(true);
      if (!result) throw new TypeError('Compressed input was truncated.');
      emit(controller, result);
    },
  });
}

const decompressors = { native: undefined, strict: strictDecompressor } as const;

let temp: ReturnType<typeof makeTempDir>;
const plain = new Uint8Array(3 * 1024 * 1024 + 17);
plain.set(pseudoRandomBytes(1024 * 1024, 11), 0); // incompressible start, then zeros, then more noise
plain.set(pseudoRandomBytes(500_000, 12), 2 * 1024 * 1024);
const second = new TextEncoder().encode('second member\n'.repeat(1000));
const third = pseudoRandomBytes(70_000, 13);

describeWithTools(['gzip'], 'gzip decompression of files made by gzip', () => {
  const path = (name: string) => join(temp.dir, name);
  const source = (name: string) => new FileSource(path(name));

  beforeAll(() => {
    temp = makeTempDir('gzip');
    writeFileSync(path('plain.bin'), plain);
    writeFileSync(path('second.bin'), second);
    writeFileSync(path('third.bin'), third);
    // gzip keeps the file name (FNAME) by default; -n leaves it out: both header shapes are covered.
    run('sh', ['-c', 'gzip -c plain.bin > plain.gz && gzip -9 -n -c second.bin > second.gz && gzip -1 -c third.bin > third.gz'], temp.dir);
    run('sh', ['-c', 'cat plain.gz second.gz third.gz > multi.gz && cat second.gz > padded.gz && head -c 3000 /dev/zero >> padded.gz'], temp.dir);
    run('sh', ['-c', 'cat second.gz > garbage.gz && printf "JUNKJUNKJUNK" >> garbage.gz'], temp.dir);
    run('sh', ['-c', 'cat second.gz second.gz > twice.gz'], temp.dir);
  });

  afterAll(() => temp?.cleanup());

  it('recognises gzip by its magic', () => {
    expect(isGzip(readFileSync(path('plain.gz')))).toBe(true);
    expect(isGzip(plain)).toBe(false);
    expect(isGzip(new Uint8Array([0x1f, 0x8b]))).toBe(false);
  });

  for (const [label, decompressor] of Object.entries(decompressors)) {
    const options = { chunkSize: 64 * 1024, ...(decompressor ? { decompressor } : {}) };

    it(`decompresses a single member byte-exact, reading the input in bounded chunks (${label})`, async () => {
      const input = source('plain.gz');
      const output = await collect(gunzipChunks(input, options));
      expect(Buffer.from(output).equals(Buffer.from(plain))).toBe(true);
      if (!decompressor) expect(input.largestRead).toBeLessThanOrEqual(64 * 1024);
    });

    it(`decompresses every member of a multi-member file, as gzip -d does (${label})`, async () => {
      const output = await collect(gunzipChunks(source('multi.gz'), options));
      expect(output.length).toBe(plain.length + second.length + third.length);
      expect(Buffer.from(output).equals(Buffer.concat([plain, second, third]))).toBe(true);
      const twice = await collect(gunzipChunks(source('twice.gz'), options));
      expect(Buffer.from(twice).equals(Buffer.concat([second, second]))).toBe(true);
    });

    it(`ignores zeros after the last member, as gzip does (${label})`, async () => {
      const output = await collect(gunzipChunks(source('padded.gz'), options));
      expect(Buffer.from(output).equals(Buffer.from(second))).toBe(true);
    });

    it(`reports garbage after the data as corrupt (${label})`, async () => {
      await expectVmferryError(collect(gunzipChunks(source('garbage.gz'), options)), 'corrupt', ['garbage.gz']);
    });

    it(`reports damaged and cut data as corrupt, naming the file (${label})`, async () => {
      const bytes = new Uint8Array(readFileSync(path('plain.gz')));
      const damaged = bytes.slice();
      for (let at = 5000; at < 5100; at++) damaged[at] = damaged[at]! ^ 0x5a;
      await expectVmferryError(collect(gunzipChunks(new MemorySource(damaged, 'damaged.vmdk.gz'), options)), 'corrupt', ['damaged.vmdk.gz']);
      const cut = bytes.subarray(0, bytes.length - 1000);
      await expectVmferryError(collect(gunzipChunks(new MemorySource(cut, 'cut.vmdk.gz'), options)), 'corrupt', ['cut.vmdk.gz']);
      const notGzip = new MemorySource(plain.subarray(0, 5000), 'raw.vmdk.gz');
      await expectVmferryError(collect(gunzipChunks(notGzip, options)), 'corrupt', ['raw.vmdk.gz']);
    });
  }

  it('passes read errors of the source on unchanged', async () => {
    const bytes = readFileSync(path('plain.gz'));
    const failing = {
      name: 'flaky.gz',
      size: bytes.length,
      read: async (offset: number, length: number) => {
        if (offset > 100_000) throw new Error('the disk went away');
        return bytes.subarray(offset, offset + length);
      },
    };
    await expect(collect(gunzipChunks(failing, { chunkSize: 64 * 1024 }))).rejects.toThrow('the disk went away');
  });

  it('ForwardReader reads forward, skips ahead, and restarts only when a read goes backwards', async () => {
    const reader = new ForwardReader(source('plain.gz'), { keepBehind: 128 * 1024 });
    const expectRead = async (offset: number, length: number) => {
      const got = await reader.read(offset, length);
      expect(Buffer.from(got).equals(Buffer.from(plain.subarray(offset, offset + length))), `${offset}+${length}`).toBe(true);
    };
    await expectRead(0, 512);
    await expectRead(512, 100_000);
    await expectRead(2 * 1024 * 1024 + 10, 4096); // far ahead: decompress and discard up to it
    expect(reader.restarts).toBe(0);
    await expectRead(2 * 1024 * 1024 - 1000, 300); // a little back: still held
    expect(reader.restarts).toBe(0);
    await expectRead(700, 5000); // far back: start over
    expect(reader.restarts).toBe(1);
    const tail = await reader.read(plain.length - 10, 100); // past the end: what there is
    expect(Buffer.from(tail).equals(Buffer.from(plain.subarray(plain.length - 10)))).toBe(true);
    expect(reader.size).toBe(plain.length);
    expect(await reader.read(plain.length + 5, 10)).toHaveLength(0);
    await reader.close();
  });

  it('ForwardReader serves concurrent reads in order', async () => {
    const reader = new ForwardReader(source('plain.gz'));
    const reads = [0, 4096, 100, 3 * 1024 * 1024].map((offset) => reader.read(offset, 64));
    const results = await Promise.all(reads);
    expect(results.map((r, i) => Buffer.from(r).equals(Buffer.from(plain.subarray([0, 4096, 100, 3 * 1024 * 1024][i]!, [0, 4096, 100, 3 * 1024 * 1024][i]! + 64))))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    await reader.close();
  });

  it('ForwardReader reports corrupt data as corrupt', async () => {
    const damaged = new Uint8Array(readFileSync(path('plain.gz')));
    for (let at = 2000; at < 2100; at++) damaged[at] = damaged[at]! ^ 0xa5;
    const reader = new ForwardReader(new MemorySource(damaged, 'disk.vmdk.gz'));
    await expectVmferryError(reader.read(0, plain.length), 'corrupt', ['disk.vmdk.gz']);
  });

  it('exposes ISIZE as a size hint (the last member, modulo 4 GiB)', async () => {
    expect(await readGzipSizeHint(source('plain.gz'))).toBe(plain.length);
    expect(await readGzipSizeHint(source('multi.gz'))).toBe(third.length);
    expect(await new ForwardReader(source('second.gz')).sizeHint()).toBe(second.length);
    expect(await readGzipSizeHint(new MemorySource(new Uint8Array(5), 'tiny'))).toBeUndefined();
  });
});
