import { sha256 } from '@noble/hashes/sha2.js';

/**
 * Every identifier in the sample (filesystem UUIDs, the swap UUID, the MBR disk signature, the VMDK CID, the
 * directory hash seeds) comes from one seed, so two builds write the same bytes and a changed seed changes them
 * all. Each value is SHA-256 of `seed/purpose`: values do not depend on the order they are asked for.
 */
export interface SampleSeed {
  bytes(purpose: string, length: number): Uint8Array;
  /** An RFC 4122 version-4-shaped UUID (variant and version bits set), as 16 bytes. */
  uuid(purpose: string): Uint8Array;
  uint32(purpose: string): number;
}

export function sampleSeed(seed: string): SampleSeed {
  const bytes = (purpose: string, length: number): Uint8Array => {
    const out = new Uint8Array(length);
    for (let filled = 0, round = 0; filled < length; round++) {
      const block = sha256(new TextEncoder().encode(`${seed}/${purpose}/${round}`));
      out.set(block.subarray(0, Math.min(block.length, length - filled)), filled);
      filled += block.length;
    }
    return out;
  };
  return {
    bytes,
    uuid(purpose) {
      const id = bytes(purpose, 16);
      id[6] = (id[6]! & 0x0f) | 0x40; // RFC 4122 §4.4: version 4
      id[8] = (id[8]! & 0x3f) | 0x80; // variant 10x
      return id;
    },
    uint32(purpose) {
      return new DataView(bytes(purpose, 4).buffer).getUint32(0, false);
    },
  };
}

/** `11111111-2222-3333-4444-555555555555`: the text form blkid, dumpe2fs and fstab use. */
export function formatUuid(id: Uint8Array): string {
  const hex = [...id].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
