import { sha256 } from '@noble/hashes/sha2.js';

/**
 * Where a disk writer gets the values that make each output unique: UUIDs, GUIDs, the VMDK content ID, the VHD
 * timestamp. Fresh random values by default. A package writer that must know a disk's digest before writing it
 * (the manifest comes second in an OVA) measures the disk in a first pass and writes it in a second; both passes
 * use the same seeded identity, so they produce the same bytes.
 */
export interface DiskIdentity {
  /** `length` bytes for the given purpose (e.g. 'vhd unique id'); a seeded identity always gives the same. */
  bytes(length: number, purpose: string): Uint8Array;
  now(): Date;
}

export const randomIdentity: DiskIdentity = {
  bytes: (length) => crypto.getRandomValues(new Uint8Array(length)),
  now: () => new Date(),
};

/** Deterministic identity: SHA-256 of the seed and the purpose (and a counter for long requests). */
export function seededIdentity(seed: string, date: Date): DiskIdentity {
  const encoder = new TextEncoder();
  return {
    bytes(length, purpose) {
      const out = new Uint8Array(length);
      for (let block = 0; block * 32 < length; block++) {
        const digest = sha256(encoder.encode(`${seed}\u0000${purpose}\u0000${block}`));
        out.set(digest.subarray(0, Math.min(32, length - block * 32)), block * 32);
      }
      return out;
    },
    now: () => new Date(date.getTime()),
  };
}
