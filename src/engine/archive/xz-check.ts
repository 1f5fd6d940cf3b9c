import { crc32Raw } from '../guest/partitions/crc32';
import { createHash, type StreamingHash } from '../io/hash';
import { Crc64 } from './crc64';
import { XzError } from './xz-error';

/**
 * The integrity check after each block (.xz spec §2.1.1.2 Check Type, §3.4): its size is fixed by the check ID,
 * even for IDs no decoder knows, so unknown checks can be skipped. xz writes 0 (none), 1 (CRC32), 4 (CRC64, its
 * default) and 10 (SHA-256); all four are verified.
 */
const CHECK_SIZES = [0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64] as const;
const CHECK_NAMES: Record<number, string> = { 0: 'none', 1: 'CRC32', 4: 'CRC64', 10: 'SHA-256' };

export function checkSize(checkId: number): number {
  return CHECK_SIZES[checkId & 0x0f]!;
}

/** Computes a block's check over its output as it streams past. */
export interface BlockCheck {
  update(bytes: Uint8Array): void;
  /** Throws XzError if `stored` (the check field after the block) differs. */
  verify(stored: Uint8Array): void;
}

export function createBlockCheck(checkId: number): BlockCheck {
  switch (checkId) {
    case 1: {
      let register = 0xffffffff;
      return {
        update: (bytes) => void (register = crc32Raw(register, bytes)),
        verify: (stored) => compare(checkId, stored, littleEndian32(~register >>> 0)),
      };
    }
    case 4: {
      const crc = new Crc64();
      return { update: (bytes) => crc.update(bytes), verify: (stored) => compare(checkId, stored, crc.bytes()) };
    }
    case 10: {
      const hash: StreamingHash = createHash('sha256');
      return { update: (bytes) => hash.update(bytes), verify: (stored) => compare(checkId, stored, fromHex(hash.digestHex())) };
    }
    default:
      // None, or an ID xz does not write (reserved by the spec): nothing to verify.
      return { update: () => undefined, verify: () => undefined };
  }
}

function compare(checkId: number, stored: Uint8Array, computed: Uint8Array): void {
  if (stored.length !== computed.length || stored.some((byte, i) => byte !== computed[i])) {
    throw new XzError(`xz block ${CHECK_NAMES[checkId] ?? 'check'} does not match its data (damaged data)`);
  }
}

function littleEndian32(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24);
}

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}
