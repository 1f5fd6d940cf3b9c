import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, expect, it } from 'vitest';
import { decompressXz, XzError } from '../../../src/engine/archive/xz';
import { describeWithTools } from '../../support/tools';
import { makeTempDir, pseudoRandomBytes } from './support';

/** Compresses with the real xz (-c: to stdout, reading stdin). */
function xz(input: Uint8Array, args: string[] = []): Uint8Array {
  return new Uint8Array(execFileSync('xz', ['-c', ...args], { input, maxBuffer: 1 << 30 }));
}

/** Decompresses everything, copying each piece (pieces are views into a buffer reused after `consume`). */
function decompress(data: Uint8Array, offset = 0): { output: Buffer; pieces: number } {
  const parts: Buffer[] = [];
  decompressXz(data, offset, (piece) => {
    parts.push(Buffer.from(piece));
    return true;
  });
  return { output: Buffer.concat(parts), pieces: parts.length };
}

/** Byte-exact comparison that reports where it differs instead of dumping megabytes. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  const differs = Buffer.compare(Buffer.from(actual.buffer, actual.byteOffset, actual.length), Buffer.from(expected.buffer, expected.byteOffset, expected.length));
  if (differs !== 0) {
    let at = 0;
    while (actual[at] === expected[at]) at++;
    expect.fail(`output differs from the original at byte ${at}`);
  }
}

function expectRoundTrip(original: Uint8Array, args: string[] = []): { pieces: number } {
  const { output, pieces } = decompress(xz(original, args));
  expectSameBytes(output, original);
  return { pieces };
}

/** The decoder must fail with XzError: not hang, not a RangeError or TypeError. Returns the message. */
function expectXzError(data: Uint8Array, message?: RegExp): string {
  let delivered = 0;
  try {
    decompressXz(data, 0, (piece) => {
      delivered += piece.length;
      return true;
    });
  } catch (error) {
    expect(error).toBeInstanceOf(XzError);
    if (message) expect((error as Error).message).toMatch(message);
    return (error as Error).message;
  }
  return expect.fail(`no error (delivered ${delivered} bytes)`);
}

const encoder = new TextEncoder();

/** Text in which whole paragraphs come back: long matches at short and medium distances. */
function repetitiveText(lines: number): Uint8Array {
  const words = ['kernel', 'module', 'initrd', 'dracut', 'systemd', 'firmware', 'lib', 'usr', 'x86_64', 'ko.xz'];
  let text = '';
  for (let i = 0; i < lines; i++) {
    text += `/usr/lib/modules/6.4.0-150600.23-default/kernel/${words[i % 7]}/${words[(i * 3) % 10]}/${words[(i * 7) % 9]}-${i % 97}.ko\n`;
  }
  return encoder.encode(text);
}

/**
 * Several MiB mixing what an initrd holds: text, incompressible runs (LZMA2 stores them uncompressed), zeros and
 * copies of segments from megabytes earlier (long distances within an 8 MiB dictionary).
 */
function mixedData(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  const choices = pseudoRandomBytes(size / 16384 + 1, seed);
  const text = repetitiveText(2000);
  for (let at = 0, n = 0; at < size; at += 16384, n++) {
    const length = Math.min(16384, size - at);
    const kind = choices[n]! % 5;
    if (kind === 0) out.set(pseudoRandomBytes(length, seed + n), at);
    else if (kind === 1) out.set(text.subarray((n * 997) % (text.length - length), ((n * 997) % (text.length - length)) + length), at);
    else if (kind === 2 && at > 3 * 1024 * 1024) out.copyWithin(at, at - 3 * 1024 * 1024 + 123, at - 3 * 1024 * 1024 + 123 + length);
    else if (kind === 3) for (let i = 0; i < length; i++) out[at + i] = (i * 7) & 0x1f;
    // kind 4 (and 2 near the start): zeros
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** A stream header with the given check ID and a single block header listing `filters` (raw filter flags). */
function streamWithBlock(blockFlags: number, filterFlags: number[], data: Uint8Array): Uint8Array {
  const flags = Uint8Array.of(0, 1); // CRC32
  const header = concat(Uint8Array.of(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0), flags, le32(crc32(flags)));
  let block = [0, blockFlags, ...filterFlags];
  while ((block.length + 4) % 4 !== 0) block.push(0);
  block[0] = (block.length + 4) / 4 - 1;
  const blockBytes = Uint8Array.from(block);
  return concat(header, blockBytes, le32(crc32(blockBytes)), data);
}

function le32(value: number): Uint8Array {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(value >>> 0);
  return out;
}

/** Replaces the LZMA2 dictionary byte of the first block header (plain `xz`: flags 0, filter 0x21, 1 byte) and fixes its CRC32. */
function withDictionaryByte(compressed: Uint8Array, dictionaryByte: number): Uint8Array {
  const copy = new Uint8Array(compressed);
  const headerSize = (copy[12]! + 1) * 4;
  expect([copy[13], copy[14], copy[15]]).toEqual([0, 0x21, 1]);
  copy[16] = dictionaryByte;
  copy.set(le32(crc32(copy.subarray(12, 12 + headerSize - 4))), 12 + headerSize - 4);
  return copy;
}

const temp = makeTempDir('vmferry-xz-');
afterAll(() => temp.cleanup());

/** Block count, from `xz --robot --list` on a temporary file (it does not read stdin). */
function blockCount(compressed: Uint8Array): number {
  const file = join(temp.dir, 'blocks.xz');
  writeFileSync(file, compressed);
  const totals = execFileSync('xz', ['--robot', '--list', file], { encoding: 'utf8' }).split('\n').find((line) => line.startsWith('totals'));
  return Number(totals!.split('\t')[2]);
}

describeWithTools(['xz'], 'xz decompression', () => {
  const mixed = mixedData(6 * 1024 * 1024 + 12345, 7);
  const medium = mixed.subarray(2 * 1024 * 1024, 3 * 1024 * 1024 + 999);

  it('decodes an empty stream and tiny inputs', () => {
    expectRoundTrip(new Uint8Array(0));
    expectRoundTrip(Uint8Array.of(0x61));
    expectRoundTrip(encoder.encode('hello, initrd\n'));
  });

  it('decodes text with long repeated matches', () => {
    expectRoundTrip(repetitiveText(50_000));
    expectRoundTrip(new Uint8Array(300_000).fill(0x41));
  });

  it('decodes incompressible data, which LZMA2 stores in uncompressed chunks', () => {
    const random = pseudoRandomBytes(300_000, 3);
    const compressed = xz(random);
    const firstChunk = 12 + (compressed[12]! + 1) * 4;
    expect(compressed[firstChunk]).toBe(0x01); // uncompressed chunk with dictionary reset
    expectSameBytes(decompress(compressed).output, random);
  });

  it('decodes several MiB across LZMA2 chunk limits, with long distances, in pieces that add up', () => {
    const { output, pieces } = decompress(xz(mixed));
    expectSameBytes(output, mixed);
    expect(pieces).toBeGreaterThan(3);
  });

  it.each([['-0'], ['-6'], ['-9'], ['-e']])('decodes preset %s', (preset) => {
    expectRoundTrip(medium, [preset]);
  });

  // All four checks are verified (SHA-256 through the project's @noble/hashes); flipped-byte tests below rely on it.
  it.each([['crc32'], ['crc64'], ['sha256'], ['none']])('decodes --check=%s', (check) => {
    expectRoundTrip(medium, [`--check=${check}`]);
  });

  it('decodes a 4 KiB dictionary, where matches wrap around the circular window', () => {
    const { pieces } = expectRoundTrip(medium, ['--lzma2=dict=4KiB']);
    expect(pieces).toBeGreaterThan(medium.length / 4096 - 1);
  });

  it.each([['lc=0,lp=2,pb=0'], ['lc=4'], ['lc=1,lp=3,pb=4']])('decodes --lzma2=%s', (options) => {
    expectRoundTrip(medium, [`--lzma2=preset=6,${options}`]);
  });

  it('decodes several blocks, single- and multi-threaded', () => {
    // The last: blocks of an odd size, with lp and pb in use (positions do not restart at multiples of 16).
    for (const args of [['--block-size=100KiB'], ['-T2', '--block-size=100KiB'], ['--block-size=100001', '--lzma2=preset=6,lc=2,lp=2,pb=3']]) {
      const compressed = xz(medium, args);
      expect(blockCount(compressed)).toBeGreaterThan(5);
      expectSameBytes(decompress(compressed).output, medium);
    }
  });

  it('decodes concatenated streams with stream padding, from an offset', () => {
    const a = repetitiveText(3000);
    const b = pseudoRandomBytes(5000, 9);
    const joined = concat(Uint8Array.of(1, 2, 3), xz(a), new Uint8Array(4), xz(b, ['--check=crc32']), new Uint8Array(8));
    expectSameBytes(decompress(joined, 3).output, concat(a, b));
    expectXzError(concat(xz(a), new Uint8Array(3)), /padding/);
    expectXzError(concat(xz(a), Uint8Array.of(0, 0, 0, 0, 0x42)), /not xz/);
  });

  it('stops as soon as consume returns false', () => {
    const compressed = xz(medium, ['--lzma2=dict=4KiB']);
    let calls = 0;
    let delivered = 0;
    decompressXz(compressed, 0, (piece) => {
      calls++;
      delivered += piece.length;
      return calls < 3;
    });
    expect(calls).toBe(3);
    expect(delivered).toBeLessThan(medium.length);
  });

  it('refuses truncated data', () => {
    const compressed = xz(medium);
    for (const length of [0, 5, 12, 13, 20, 40, 1000, compressed.length >> 1, compressed.length - 40, compressed.length - 13, compressed.length - 1]) {
      expectXzError(compressed.subarray(0, length));
    }
  });

  it('detects every single flipped byte of a small stream', () => {
    for (const args of [[], ['--check=crc32'], ['--check=sha256'], ['-T2']]) {
      const compressed = xz(repetitiveText(40), args);
      for (let at = 0; at < compressed.length; at++) {
        for (const mask of [0x01, 0x80, 0xff]) {
          const damaged = new Uint8Array(compressed);
          damaged[at]! ^= mask;
          expectXzError(damaged);
        }
      }
    }
  });

  it('detects flipped bytes in the compressed data of a large stream', () => {
    const compressed = xz(mixed, ['--check=crc32']);
    for (let n = 1; n <= 8; n++) {
      const damaged = new Uint8Array(compressed);
      damaged[Math.floor((compressed.length * n) / 9)]! ^= 0x10;
      expectXzError(damaged);
    }
  });

  it('refuses filters other than LZMA2, naming them', () => {
    expectXzError(xz(medium, ['--x86', '--lzma2']), /BCJ x86/);
    expectXzError(xz(medium, ['--delta=dist=4', '--lzma2']), /Delta/);
  });

  it('refuses dictionaries over 256 MiB and invalid dictionary sizes', () => {
    const compressed = xz(encoder.encode('small'));
    expect(decompress(withDictionaryByte(compressed, 32)).output.toString()).toBe('small'); // 256 MiB: allowed, allocated lazily
    expectXzError(withDictionaryByte(compressed, 33), /larger than the 256 MiB/);
    expectXzError(withDictionaryByte(compressed, 40), /larger than the 256 MiB/);
    expectXzError(withDictionaryByte(compressed, 41), /invalid/);
  });

  // Bounded by construction: every LZMA2 chunk states its sizes up front and the range decoder may not read past
  // its compressed size, so garbage can at most fill the sizes it claims before failing. A 64 KiB stored chunk
  // first fills the dictionary, so that random matches have something to reach and decoding runs on a while.
  it('fails, within the sizes it declares, on random LZMA chunk contents', () => {
    const stored = concat(Uint8Array.of(0x01, 0xff, 0xff), repetitiveText(2000).subarray(0, 65536));
    for (let seed = 1; seed <= 30; seed++) {
      const payload = pseudoRandomBytes(65536, seed);
      payload[0] = 0; // a plausible range coder start
      // 0xdf: LZMA chunk, state reset + properties (0x5d: lc=3 lp=0 pb=2), 2 MiB out of 64 KiB in.
      const chunk = concat(stored, Uint8Array.of(0xdf, 0xff, 0xff, 0xff, 0xff, 0x5d), payload, Uint8Array.of(0));
      const stream = streamWithBlock(0, [0x21, 1, 22], chunk);
      let delivered = 0;
      expect(() =>
        decompressXz(stream, 0, (piece) => {
          delivered += piece.length;
          return true;
        }),
      ).toThrow(XzError);
      expect(delivered).toBeLessThanOrEqual(65536 + 2 * 1024 * 1024);
    }
  });

  it('fails on chunks that claim more than the input holds, and on LZMA2 data with no end', () => {
    const tooShort = concat(Uint8Array.of(0xe0, 0xff, 0xff, 0, 4, 0x5d), new Uint8Array(5));
    expectXzError(streamWithBlock(0, [0x21, 1, 22], tooShort), /more compressed bytes|does not end/);
    const endless = concat(Uint8Array.of(0x01, 0, 3), encoder.encode('abcd'), Uint8Array.of(0x02, 0, 3), encoder.encode('efgh'));
    expectXzError(streamWithBlock(0, [0x21, 1, 22], endless), /truncated/);
    expectXzError(streamWithBlock(0, [0x21, 1, 22], Uint8Array.of(0x80, 0, 0, 0, 4, 0, 0, 0, 0, 0)), /reset the dictionary/);
    expectXzError(streamWithBlock(0, [0x21, 1, 22], Uint8Array.of(0x03)), /reset the dictionary|invalid/);
    const lcPlusLpFive = (0 * 5 + 1) * 9 + 4; // lc=4, lp=1
    expectXzError(streamWithBlock(0, [0x21, 1, 22], concat(Uint8Array.of(0xe0, 0, 0, 0, 4, lcPlusLpFive), new Uint8Array(6))), /lc \+ lp/);
  });

  it('does not mistake other data for xz', () => {
    expectXzError(new Uint8Array(0), /not xz/);
    expectXzError(readFileSync(new URL(import.meta.url)), /not xz/);
  });
});
