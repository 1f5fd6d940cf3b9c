import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** The digests OVF manifests use (DSP0243 §5.1: SHA1, SHA256, SHA512). */
export type HashAlgorithm = 'sha1' | 'sha256' | 'sha512';

export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['sha1', 'sha256', 'sha512'];

/** A digest fed chunk by chunk while a file streams past: no second pass over multi-GB disks. */
export interface StreamingHash {
  readonly algorithm: HashAlgorithm;
  update(chunk: Uint8Array): void;
  /** Lower-case hex; may be called once. */
  digestHex(): string;
}

const FACTORIES = { sha1, sha256, sha512 } as const;

export function createHash(algorithm: HashAlgorithm): StreamingHash {
  const state = FACTORIES[algorithm].create();
  return {
    algorithm,
    update: (chunk) => void state.update(chunk),
    digestHex: () => bytesToHex(state.digest()),
  };
}

/** Hash a whole source in chunks. */
export async function hashChunks(algorithm: HashAlgorithm, chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of chunks) hash.update(chunk);
  return hash.digestHex();
}
