import { Decompress } from 'fzstd';
import { VmferryError, throwIfAborted } from '../errors';
import type { ByteSource } from '../io/byte-source';

const INPUT_CHUNK = 1024 * 1024;
/**
 * Input handed to the decoder at a time. A zstd block expands to at most 128 KiB and takes at least 4 bytes (an
 * RLE block), so 4 KiB of input yields at most 128 MiB even from a hostile file: memory stays bounded.
 */
const STEP = 4096;

/**
 * The decompressed bytes of a zstd file (RFC 8878; XenServer/XCP-ng `xe vm-export compress=zstd`), in order, as
 * they come: forward only, like gunzipChunks. The decoder is `fzstd` (pure TypeScript). Damaged or cut data is a
 * "corrupt" error naming the file.
 */
export async function* unzstdChunks(source: ByteSource, { signal }: { signal?: AbortSignal } = {}): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  // The decoder may reuse its buffers: what it hands out is copied before it runs again.
  const decoder = new Decompress((chunk) => {
    out.push(chunk.slice());
  });
  for (let at = 0; at < source.size; at += INPUT_CHUNK) {
    throwIfAborted(signal);
    const input = await source.read(at, Math.min(INPUT_CHUNK, source.size - at));
    for (let step = 0; step < input.length; step += STEP) {
      try {
        decoder.push(input.subarray(step, step + STEP), at + step + STEP >= source.size);
      } catch (error) {
        throw new VmferryError('corrupt', `The zstd data does not decompress (${error instanceof Error ? error.message : String(error)})`, {
          file: source.name,
          offset: at + step,
        });
      }
      yield* out.splice(0);
    }
  }
}
