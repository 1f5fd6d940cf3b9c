/**
 * Raw DEFLATE (RFC 1951, no zlib header) of one cluster, as qcow2 compressed clusters store it (qemu
 * docs/interop/qcow2.txt, "Compressed Clusters Descriptor"; qemu compresses with a raw deflate stream too). The
 * platform's CompressionStream does the work: native, and in Node it runs on the thread pool, so several
 * clusters compress in parallel when the caller keeps several in flight.
 */
export async function deflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const stream = new CompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  // Sources hand out ordinary ArrayBuffer-backed arrays; the cast only narrows the type for the stream.
  const written = writer.write(data as Uint8Array<ArrayBuffer>).then(() => writer.close());
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = stream.readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  await written;
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
