import { looksIncompressible as aboveEntropy } from '../compression';

/**
 * Whether a cluster is not worth deflating: above 7.9 bits of entropy per byte deflate cannot get it below the
 * cluster size, which is when qcow2 stores a cluster raw anyway (qemu does so when the compressed form does not
 * fit). Both passes of the compressed writer ask, and agree, since the answer depends only on the data.
 */
export function looksIncompressible(data: Uint8Array): boolean {
  return aboveEntropy(data, 7.9);
}
