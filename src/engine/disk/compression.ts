import { concatBytes } from '../io/bytes';

/**
 * Compresses one unit with the platform's CompressionStream: native code, and in Node it runs on the thread pool,
 * so several units compress in parallel when the caller keeps several in flight. VMDK grains are zlib streams
 * ('deflate', RFC 1950); qcow2 compressed clusters are raw deflate ('deflate-raw', RFC 1951).
 */
export async function compress(data: Uint8Array, format: 'deflate' | 'deflate-raw' | 'gzip'): Promise<Uint8Array> {
  const stream = new CompressionStream(format);
  const writer = stream.writable.getWriter();
  // Sources hand out ordinary ArrayBuffer-backed arrays; the cast only narrows the type for the stream.
  const written = writer.write(data as Uint8Array<ArrayBuffer>).then(() => writer.close());
  written.catch(() => undefined); // a failure surfaces on the reading side
  const chunks: Uint8Array[] = [];
  const reader = stream.readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  await written;
  return concatBytes(chunks);
}

/**
 * Whether deflating `data` is hopeless: its order-0 byte entropy is above `thresholdBits` (random, encrypted or
 * already compressed data), so no Huffman code saves more than a fraction of a percent. Counting bytes costs a
 * small fraction of a deflate, and the answer depends only on the data, so repeated passes agree.
 */
export function looksIncompressible(data: Uint8Array, thresholdBits: number): boolean {
  if (data.length < 4096) return false;
  const counts = new Uint32Array(256);
  for (let i = 0; i < data.length; i++) counts[data[i]!]!++;
  let entropy = 0;
  for (let b = 0; b < 256; b++) {
    const c = counts[b]!;
    if (c === 0) continue;
    const p = c / data.length;
    entropy -= p * Math.log2(p);
  }
  return entropy > thresholdBits;
}
