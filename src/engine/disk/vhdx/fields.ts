import { VmferryError } from '../../errors';

/** Sizes the whole format is built from ([MS-VHDX] 2.1: objects are 1 MiB aligned; header blocks are 64 KiB). */
export const KiB = 1024;
export const MiB = 1024 * 1024;

/**
 * A little-endian 64-bit field as a Number, or a 'corrupt' error naming the field when it cannot be a real
 * offset or size (above 2^53).
 */
export function readUint64(view: DataView, at: number, what: string, file: string, fileOffset?: number): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new VmferryError('corrupt', `${what} is ${value}, larger than any real file`, { file, offset: fileOffset });
  }
  return Number(value);
}

export function writeUint64(view: DataView, at: number, value: number): void {
  view.setBigUint64(at, BigInt(value), true);
}

export function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function hex32(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}

export function isPowerOfTwo(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0 && (value & (value - 1)) === 0;
}

/** Human-readable size for messages: "8 MiB", "1536 bytes". */
export function describeSize(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} bytes`;
}
