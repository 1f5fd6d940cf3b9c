import { isVmferryError, VmferryError } from '../errors';
import type { ByteSource } from '../io/byte-source';
import { nativeGzipDecompressor, startDecompression, type GzipDecompressor } from './gunzip-run';
import { looksLikeGzipMemberAt } from './gzip-header';

export interface GunzipOptions {
  /** Bytes of compressed input read at a time. */
  chunkSize?: number;
  signal?: AbortSignal;
  /** Defaults to the platform's `DecompressionStream('gzip')`. */
  decompressor?: () => GzipDecompressor;
}

const DEFAULT_INPUT_CHUNK = 1024 * 1024;
/**
 * How far behind the input position a member boundary is looked for. Decompressors that refuse a second member
 * fail while processing the chunk that holds it, and the pipe reads ahead of them by a chunk or two. Looking
 * only there keeps the cost bounded when the data is simply corrupt.
 */
const NEAR_CHUNKS = 4;

/**
 * Decompresses a gzip source from its start, yielding the output in order, reading the input in chunks.
 *
 * Files of several members (`cat a.gz b.gz`, RFC 1952 §2.2) are decompressed whole, the same on every platform.
 * Platforms differ here: Node's `DecompressionStream` reads all members, browsers stop after the first with
 * "junk after end of compressed data" (whatwg/compression#39, #42) and do not say where the member ended. So
 * when a decompressor stops early, the member boundary is searched for: it is a position where a member header
 * starts (or where trailing zeros start, which gzip also ignores), and the bytes before it decompress cleanly.
 * A cut inside a member never decompresses cleanly, so the first clean cut is the boundary. Each boundary costs
 * one more pass over the member before it; single-member files (nearly all) never pay it.
 *
 * Damaged or cut data gives a 'corrupt' error naming the file; read errors of the source pass through unchanged.
 */
export async function* gunzipChunks(source: ByteSource, options: GunzipOptions = {}): AsyncGenerator<Uint8Array> {
  const settings = {
    chunkSize: options.chunkSize ?? DEFAULT_INPUT_CHUNK,
    signal: options.signal,
    decompressor: options.decompressor ?? nativeGzipDecompressor,
  };
  let memberStart = 0;
  while (memberStart < source.size) {
    const head = await source.read(memberStart, 10);
    if (!looksLikeGzipMemberAt(head, 0)) {
      throw new VmferryError('corrupt', memberStart === 0 ? 'This is not gzip data' : `There is data that is not gzip after byte ${memberStart}`, {
        file: source.name,
        offset: memberStart,
      });
    }
    const run = startDecompression(source, memberStart, source.size, settings);
    let delivered = 0;
    try {
      for await (const chunk of run.output) {
        delivered += chunk.length;
        yield chunk;
      }
      return;
    } catch (error) {
      if (run.sourceError() !== undefined || isVmferryError(error)) throw run.sourceError() ?? error;
      const stop = run.fedEnd();
      let boundary: number | undefined;
      for await (const candidate of boundaryCandidates(source, memberStart, stop, settings.chunkSize)) {
        const attempt = startDecompression(source, memberStart, candidate, settings);
        let produced = 0;
        try {
          for await (const chunk of attempt.output) {
            // Output before the cut is the member's own output, whether or not the cut is right: pass on what is new.
            const fresh = produced + chunk.length - delivered;
            produced += chunk.length;
            if (fresh > 0) {
              delivered += fresh;
              yield chunk.subarray(chunk.length - fresh);
            }
          }
          boundary = candidate;
          break;
        } catch (attemptError) {
          if (attempt.sourceError() !== undefined || isVmferryError(attemptError)) throw attempt.sourceError() ?? attemptError;
        }
      }
      if (boundary === undefined) throw corrupt(source, error);
      memberStart = boundary;
      if (await onlyZerosFrom(source, memberStart, settings.chunkSize)) return;
    }
  }
}

/**
 * Where the data may be cut so that it ends exactly after a member, near where the decompressor stopped: before
 * a plausible member header, or before the run of zeros that ends the file. In ascending order.
 */
async function* boundaryCandidates(source: ByteSource, memberStart: number, stop: number, chunkSize: number): AsyncGenerator<number> {
  // The smallest member is 20 bytes (10 header, 2 deflate, 8 trailer).
  const from = Math.max(memberStart + 20, stop - NEAR_CHUNKS * chunkSize);
  // The trailer (CRC32, ISIZE) may itself end in zero bytes, so the member may end a little after the zeros start.
  const zerosFrom = await trailingZerosStart(source, chunkSize);
  const beforeZeros = (position: number) => position >= zerosFrom && position <= zerosFrom + 8 && position < source.size;
  for (let at = from; at < stop; at += chunkSize) {
    const count = Math.min(chunkSize, stop - at);
    // Read a few bytes more so that a header straddling two reads is still seen.
    const bytes = await source.read(at, count + 9);
    for (let i = 0; i < count; i++) {
      if (looksLikeGzipMemberAt(bytes, i) || beforeZeros(at + i)) yield at + i;
    }
  }
}

/** Where the run of zero bytes that ends the file starts (the file size when the last byte is not zero). */
async function trailingZerosStart(source: ByteSource, chunkSize: number): Promise<number> {
  let end = source.size;
  while (end > 0) {
    const from = Math.max(0, end - chunkSize);
    const bytes = await source.read(from, end - from);
    let i = bytes.length;
    while (i > 0 && bytes[i - 1] === 0) i--;
    if (i > 0) return from + i;
    end = from;
  }
  return 0;
}

async function onlyZerosFrom(source: ByteSource, from: number, chunkSize: number): Promise<boolean> {
  return (await trailingZerosStart(source, chunkSize)) <= from;
}

function corrupt(source: ByteSource, cause: unknown): VmferryError {
  const detail = cause instanceof Error ? ` (${cause.message})` : '';
  return new VmferryError('corrupt', `The gzip data is damaged or incomplete${detail}`, {
    file: source.name,
    hint: 'Check the file against its source (size, checksum) and copy it again; `gzip -t` tests it too.',
  });
}
