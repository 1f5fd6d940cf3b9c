import { installNativeZeroCheck } from '../engine/disk/zero';

const ZEROS = new Uint8Array(1024 * 1024);

/** Whether `bytes` is all zeros, by memcmp (Buffer.compare) against a zero buffer: native speed, no copy. */
export function nativeIsAllZero(bytes: Uint8Array): boolean {
  for (let at = 0; at < bytes.length; at += ZEROS.length) {
    const length = Math.min(ZEROS.length, bytes.length - at);
    if (Buffer.compare(bytes.subarray(at, at + length), ZEROS.subarray(0, length)) !== 0) return false;
  }
  return true;
}

/** The CLI's engine checks for zeros natively. */
export function useNativeZeroCheck(): void {
  installNativeZeroCheck(nativeIsAllZero);
}
