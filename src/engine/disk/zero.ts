/**
 * Zero detection: the check that keeps empty space out of sparse outputs. Compares whole 32-bit words (the
 * fastest lane that is safe on every engine), falling back to bytes only for an unaligned head and tail.
 */
export function isAllZero(bytes: Uint8Array): boolean {
  let i = 0;
  const end = bytes.length;
  const misalignment = bytes.byteOffset & 3;
  const head = misalignment === 0 ? 0 : Math.min(end, 4 - misalignment);
  for (; i < head; i++) if (bytes[i] !== 0) return false;
  const words = (end - i) >>> 2;
  if (words > 0) {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    // Four words per iteration: fewer loop checks, and an OR that stays in one register.
    let w = 0;
    const unrolled = words & ~3;
    for (; w < unrolled; w += 4) {
      if ((view[w]! | view[w + 1]! | view[w + 2]! | view[w + 3]!) !== 0) return false;
    }
    for (; w < words; w++) if (view[w] !== 0) return false;
    i += words * 4;
  }
  for (; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** The granularity of zero detection (4 KiB, like qemu-img's default `-S 4k`). */
export const ZERO_DETECT_GRANULARITY = 4096;
