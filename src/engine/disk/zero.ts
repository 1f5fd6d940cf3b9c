/**
 * Zero detection: the check that keeps empty space out of sparse outputs. Compares whole 32-bit words (the
 * fastest lane that is safe on every engine), falling back to bytes only for an unaligned head and tail.
 */
export function isAllZero(bytes: Uint8Array): boolean {
  if (nativeCheck && bytes.length >= NATIVE_MINIMUM) return nativeCheck(bytes);
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

/**
 * A platform's own zero check (the CLI: memcmp against a zero buffer, several times faster than the word loop
 * below, which is what the browser keeps). Used for runs of at least NATIVE_MINIMUM bytes, where a call's cost
 * does not matter.
 */
let nativeCheck: ((bytes: Uint8Array) => boolean) | null = null;
const NATIVE_MINIMUM = 4096;

export function installNativeZeroCheck(check: ((bytes: Uint8Array) => boolean) | null): void {
  nativeCheck = check;
}

/** The granularity of zero detection (4 KiB, like qemu-img's default `-S 4k`). */
export const ZERO_DETECT_GRANULARITY = 4096;

/**
 * Splits `bytes` into runs of whole granules that are all zero or not, calling `emit(start, end, zero)` for
 * each run in order. One typed view over the whole buffer: no per-granule allocation on the hot path.
 */
export function forEachZeroRun(bytes: Uint8Array, granularity: number, emit: (start: number, end: number, zero: boolean) => void): void {
  if (nativeCheck || (bytes.byteOffset & 3) !== 0 || (granularity & 3) !== 0) {
    runsBy(bytes.length, granularity, (start, end) => isAllZero(bytes.subarray(start, end)), emit);
    return;
  }
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
  const wordsPer = granularity >>> 2;
  runsBy(bytes.length, granularity, (start, end) => {
    const first = start >>> 2;
    const last = Math.min(words.length, first + wordsPer);
    for (let w = first; w < last; w++) if (words[w] !== 0) return false;
    // A length that is not a multiple of 4 leaves a byte tail outside the word view.
    for (let b = last * 4; b < end; b++) if (bytes[b] !== 0) return false;
    return true;
  }, emit);
}

function runsBy(length: number, granularity: number, isZero: (start: number, end: number) => boolean, emit: (start: number, end: number, zero: boolean) => void): void {
  let runStart = 0;
  let runZero: boolean | null = null;
  for (let at = 0; at < length; at += granularity) {
    const zero = isZero(at, Math.min(length, at + granularity));
    if (runZero !== null && zero !== runZero) {
      emit(runStart, at, runZero);
      runStart = at;
    }
    runZero = zero;
  }
  if (runZero !== null) emit(runStart, length, runZero);
}
