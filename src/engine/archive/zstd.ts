import { Decompress } from 'fzstd';

/** Input handed to the decoder at a time: small enough that listing can stop soon after the cpio trailer. */
const STEP = 256 * 1024;

/**
 * Decompresses the Zstandard frames starting at `offset` (RFC 8878: initrds written by initramfs-tools since
 * Ubuntu 21.10 and Debian 12 or by dracut with `compress="zstd"`; qcow2 clusters with compression_type zstd)
 * and hands each piece of output to `consume` as it comes, until `consume` returns false (the caller has what
 * it needs: whatever follows is padding or other data) or the input ends. Memory stays at the frame's window,
 * not the whole output. The decoder is the `fzstd` library (pure TypeScript, no WASM: works in the app's
 * workers under its CSP). Throws on damaged data.
 */
export function decompressZstd(bytes: Uint8Array, offset: number, consume: (chunk: Uint8Array) => boolean): void {
  let wanted = true;
  // The decoder may reuse its output buffer, so each piece is consumed before the next is made.
  const decoder = new Decompress((chunk) => {
    if (wanted) wanted = consume(chunk);
  });
  for (let at = offset; at < bytes.length && wanted; at += STEP) {
    const end = Math.min(bytes.length, at + STEP);
    decoder.push(bytes.subarray(at, end), end === bytes.length);
  }
}
