import { compress } from '../compression';

/**
 * Raw DEFLATE (RFC 1951, no zlib header) of one cluster, as qcow2 compressed clusters store it (qemu
 * docs/interop/qcow2.txt, "Compressed Clusters Descriptor"; qemu compresses with a raw deflate stream too).
 */
export function deflateRaw(data: Uint8Array): Promise<Uint8Array> {
  return compress(data, 'deflate-raw');
}
