import { createHash as nodeHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHash, HASH_ALGORITHMS } from '../../../src/engine/io/hash';

describe('streaming hashes', () => {
  // Node's OpenSSL digests are the oracle; chunk boundaries must not change the result.
  const data = randomBytes(3 * 1024 * 1024 + 17);
  for (const algorithm of HASH_ALGORITHMS) {
    it(`${algorithm} fed in uneven chunks equals the one-shot digest`, () => {
      const hash = createHash(algorithm);
      for (let at = 0, step = 1; at < data.length; at += step, step = (step * 7 + 13) % 100_003) {
        hash.update(data.subarray(at, Math.min(data.length, at + step)));
      }
      expect(hash.digestHex()).toBe(nodeHash(algorithm).update(data).digest('hex'));
    });
  }
});
