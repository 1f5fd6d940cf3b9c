import { compress, looksIncompressible as aboveEntropy } from '../compression';

/**
 * Grain compression. VMDK grains are zlib streams (RFC 1950: a 2-byte header, deflate data, Adler-32), which is
 * what CompressionStream/DecompressionStream call 'deflate' ('deflate-raw' would be the wrong format).
 */

/** Thrown when the data is not a valid zlib stream or inflates to more than allowed; callers name the grain. */
export class ZlibError extends Error {}

/**
 * Inflates one zlib stream of at most `maxOutput` bytes. With `untilFull`, the input may carry bytes after the
 * stream (a grain whose compressed length is unknown): once `maxOutput` bytes came out, the rest is ignored.
 */
export async function inflateZlib(input: Uint8Array, maxOutput: number, untilFull = false): Promise<Uint8Array> {
  const stored = copyStoredBlocks(input, maxOutput, untilFull);
  if (stored) return stored;
  const stream = new DecompressionStream('deflate');
  const writer = stream.writable.getWriter();
  // Errors surface on the reading side; these promises must not reject unhandled.
  writer.write(input as Uint8Array<ArrayBuffer>).catch(() => undefined);
  writer.close().catch(() => undefined);
  const reader = stream.readable.getReader();
  const out = new Uint8Array(maxOutput);
  let filled = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (filled + value.length > maxOutput) throw new ZlibError(`inflates to more than ${maxOutput} bytes`);
      out.set(value, filled);
      filled += value.length;
      if (untilFull && filled === maxOutput) break;
    }
  } catch (error) {
    if (error instanceof ZlibError) throw error;
    if (!(untilFull && filled === maxOutput)) throw new ZlibError(error instanceof Error ? error.message : String(error));
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return filled === maxOutput ? out : out.subarray(0, filled);
}

/** Deflates `input` into one zlib stream. */
export function deflateZlib(input: Uint8Array): Promise<Uint8Array> {
  return compress(input, 'deflate');
}

/**
 * `input` as a zlib stream of stored blocks (RFC 1951 §3.2.4), which is what deflate itself falls back to for
 * incompressible data, without the match search that makes deflating random data slow.
 */
export function storedZlib(input: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(input.length / 65535));
  const out = new Uint8Array(2 + blocks * 5 + input.length + 4);
  out[0] = 0x78; // CM 8, 32 KiB window
  out[1] = 0x01; // FLEVEL 0 (fastest), FCHECK so that 0x7801 % 31 == 0
  let at = 2;
  for (let block = 0; block < blocks; block++) {
    const data = input.subarray(block * 65535, (block + 1) * 65535);
    out[at] = block === blocks - 1 ? 1 : 0;
    out[at + 1] = data.length & 0xff;
    out[at + 2] = data.length >> 8;
    out[at + 3] = ~data.length & 0xff;
    out[at + 4] = (~data.length >> 8) & 0xff;
    out.set(data, at + 5);
    at += 5 + data.length;
  }
  const adler = adler32(input);
  out.set([adler >>> 24, (adler >>> 16) & 0xff, (adler >>> 8) & 0xff, adler & 0xff], at);
  return out;
}

/**
 * Whether deflating `bytes` is hopeless (entropy above 7.95 bits per byte). Data repeated at a distance could
 * still shrink through matches; losing that rare gain is the price of not deflating random and
 * already-compressed data at a fifth of the speed.
 */
export function looksIncompressible(bytes: Uint8Array): boolean {
  return aboveEntropy(bytes, 7.95);
}

/** True when `bytes` start like a zlib stream (RFC 1950 §2.2: CM 8, window ≤ 32 KiB, FCHECK). */
export function looksLikeZlib(bytes: Uint8Array): boolean {
  if (bytes.length < 2) return false;
  const cmf = bytes[0]!;
  const flg = bytes[1]!;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && (cmf * 256 + flg) % 31 === 0;
}

/**
 * Incompressible grains (random data, already-compressed files) come out of deflate as stored blocks (RFC 1951
 * §3.2.4: a 3-bit header, LEN, NLEN, then the bytes as they are). Copying those directly avoids a
 * DecompressionStream per grain, which costs more than the copy; any other block type returns null.
 */
function copyStoredBlocks(input: Uint8Array, maxOutput: number, untilFull: boolean): Uint8Array | null {
  if (!looksLikeZlib(input) || input[1]! & 0x20) return null; // no preset dictionaries
  const out = new Uint8Array(maxOutput);
  let filled = 0;
  let at = 2;
  for (;;) {
    if (at + 5 > input.length) return null;
    const header = input[at]!;
    if (((header >> 1) & 3) !== 0) return null;
    const length = input[at + 1]! | (input[at + 2]! << 8);
    const inverse = input[at + 3]! | (input[at + 4]! << 8);
    if ((length ^ 0xffff) !== inverse || at + 5 + length > input.length) return null;
    if (filled + length > maxOutput) throw new ZlibError(`inflates to more than ${maxOutput} bytes`);
    out.set(input.subarray(at + 5, at + 5 + length), filled);
    filled += length;
    at += 5 + length;
    if (header & 1) break; // BFINAL
  }
  if (at + 4 > input.length) {
    if (untilFull && filled === maxOutput) return out;
    return null; // let the stream report what is wrong
  }
  const expected = ((input[at]! << 24) | (input[at + 1]! << 16) | (input[at + 2]! << 8) | input[at + 3]!) >>> 0;
  if (adler32(out.subarray(0, filled)) !== expected) throw new ZlibError('Adler-32 checksum mismatch');
  return filled === maxOutput ? out : out.subarray(0, filled);
}

/** Adler-32 (RFC 1950 §8.2), in runs short enough that the sums stay exact in 32-bit arithmetic. */
function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(bytes.length, i + 3800);
    for (; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
