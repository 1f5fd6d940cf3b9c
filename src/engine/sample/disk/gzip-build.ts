import { concatBytes } from '../../io/bytes';

/**
 * A gzip file (RFC 1952) of `data`, by the platform's CompressionStream: native zlib in Node and in browsers,
 * with a header of mtime 0, so the same input and zlib give the same bytes.
 */
export async function gzipBytes(data: Uint8Array): Promise<Uint8Array> {
  const stream = new CompressionStream('gzip');
  const writer = stream.writable.getWriter();
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
