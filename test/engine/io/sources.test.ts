import { describe, expect, it } from 'vitest';
import { BlobSource } from '../../../src/engine/io/blob-source';
import { ConcatSource } from '../../../src/engine/io/concat-source';
import { MemorySource } from '../../../src/engine/io/memory-source';
import { WindowSource } from '../../../src/engine/io/window-source';
import { readChunks, readExact } from '../../../src/engine/io/byte-source';
import { isVmferryError } from '../../../src/engine/errors';

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('BlobSource', () => {
  it('reads slices of a Blob without reading the rest, and clamps at the end', async () => {
    const data = bytes(10_000);
    const source = new BlobSource(new Blob([data]), 'disk.img');
    expect(source.size).toBe(10_000);
    expect(await source.read(9_990, 5)).toEqual(data.subarray(9_990, 9_995));
    expect((await source.read(9_998, 100)).length).toBe(2);
    expect((await source.read(10_000, 10)).length).toBe(0);
  });

  it('refuses negative or fractional offsets with an error naming the file', async () => {
    const source = new BlobSource(new Blob([bytes(10)]), 'x.ova');
    await expect(source.read(-1, 4)).rejects.toThrow(/x\.ova/);
    await expect(source.read(1.5, 4)).rejects.toThrow(/Invalid read/);
  });
});

describe('WindowSource', () => {
  it('translates reads into the parent and stops at its own end', async () => {
    const data = bytes(1000);
    const window = new WindowSource(new MemorySource(data, 'a.ova'), 100, 50, 'a.ova/disk.vmdk');
    expect(await window.read(0, 10)).toEqual(data.subarray(100, 110));
    expect(await window.read(45, 100)).toEqual(data.subarray(145, 150));
  });

  it('rejects a window past the end of its parent, naming both', () => {
    expect(() => new WindowSource(new MemorySource(bytes(100), 'a.ova'), 90, 20, 'a.ova/disk.vmdk')).toThrow(
      /a\.ova.*disk\.vmdk.*only 100 bytes/,
    );
  });
});

describe('ConcatSource', () => {
  it('reads across part boundaries, including empty parts', async () => {
    const parts = [bytes(7, 1), bytes(0), bytes(5, 2), bytes(9, 3)];
    const whole = new Uint8Array(parts.flatMap((p) => [...p]));
    const source = new ConcatSource(
      parts.map((p, i) => new MemorySource(p, `part${i}`)),
      'disk.vmdk',
    );
    expect(source.size).toBe(21);
    for (let offset = 0; offset < 21; offset++) {
      for (const length of [1, 3, 8, 21]) {
        expect(await source.read(offset, length)).toEqual(whole.subarray(offset, offset + length));
      }
    }
  });
});

describe('readExact and readChunks', () => {
  it('readExact names the file and offset when the file ends early', async () => {
    const source = new MemorySource(bytes(100), 'short.vhd');
    try {
      await readExact(source, 90, 20, 'footer');
      expect.unreachable();
    } catch (error) {
      expect(isVmferryError(error, 'truncated')).toBe(true);
      expect((error as Error).message).toMatch(/short\.vhd \(at byte 90\).*footer/);
    }
  });

  it('readChunks covers a range exactly, in order, in bounded chunks', async () => {
    const data = bytes(10_001);
    const seen: number[] = [];
    const out: number[] = [];
    for await (const chunk of readChunks(new MemorySource(data, 'x'), { start: 3, chunkSize: 1000 })) {
      seen.push(chunk.length);
      out.push(...chunk);
    }
    expect(seen.every((n) => n <= 1000)).toBe(true);
    expect(Uint8Array.from(out)).toEqual(data.subarray(3));
  });

  it('readChunks stops when the signal is aborted', async () => {
    const controller = new AbortController();
    const chunks = readChunks(new MemorySource(bytes(5000), 'x'), { chunkSize: 1000, signal: controller.signal });
    await chunks.next();
    controller.abort();
    await expect(chunks.next()).rejects.toThrow(/cancelled/);
  });
});
