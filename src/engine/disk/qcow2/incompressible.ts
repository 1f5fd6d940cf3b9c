/**
 * Whether a cluster is not worth deflating: its bytes are spread so evenly (order-0 entropy above 7.9 bits per
 * byte: random, encrypted or already compressed data) that deflate cannot get it below the cluster size, which
 * is when qcow2 stores a cluster raw anyway (qemu does so when the compressed form does not fit). Counting bytes
 * costs a small fraction of a deflate, and the answer depends only on the data, so both passes of the
 * compressed writer agree.
 */
const THRESHOLD_BITS = 7.9;

export function looksIncompressible(data: Uint8Array): boolean {
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
  return entropy > THRESHOLD_BITS;
}
