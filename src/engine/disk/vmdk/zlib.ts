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
export async function deflateZlib(input: Uint8Array): Promise<Uint8Array> {
  const stream = new CompressionStream('deflate');
  const writer = stream.writable.getWriter();
  writer.write(input as Uint8Array<ArrayBuffer>).catch(() => undefined);
  writer.close().catch(() => undefined);
  const reader = stream.readable.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    total += value.length;
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** True when `bytes` start like a zlib stream (RFC 1950 §2.2: CM 8, window ≤ 32 KiB, FCHECK). */
export function looksLikeZlib(bytes: Uint8Array): boolean {
  if (bytes.length < 2) return false;
  const cmf = bytes[0]!;
  const flg = bytes[1]!;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && (cmf * 256 + flg) % 31 === 0;
}
