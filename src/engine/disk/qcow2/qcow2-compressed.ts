import { decompressZstd } from '../../archive/zstd';
import { VmferryError } from '../../errors';
import type { ByteSource } from '../../io/byte-source';
import { inflateRawInto, InflateError } from './inflate-raw';

/**
 * Compressed clusters (qemu docs/interop/qcow2.txt, "Compressed Clusters Descriptor"): raw deflate streams (or
 * zstd frames, compression_type 1) packed byte after byte, so the clusters of one read usually sit side by side in the file. They are fetched in spans
 * (one source read for many clusters) and inflated one by one; the last inflated cluster is kept, since
 * sequential reads often cut a cluster in two.
 */
export type ClusterCompression = 'deflate' | 'zstd';

export interface CompressedPiece {
  cluster: number;
  hostOffset: number;
  /** Bytes from hostOffset to the end of the cluster's last 512-byte sector. */
  length: number;
  /** The guest range wanted from this cluster, and where it goes in the output. */
  from: number;
  to: number;
  at: number;
}

const MAX_SPAN = 8 * 1024 * 1024;
/** Bytes between two clusters that are worth reading rather than seeking over. */
const MAX_GAP = 64 * 1024;

export class CompressedClusters {
  private last: { cluster: number; bytes: Uint8Array } | null = null;

  constructor(
    private readonly source: ByteSource,
    private readonly clusterSize: number,
    private readonly compression: ClusterCompression,
  ) {}

  async copyInto(out: Uint8Array, pieces: CompressedPiece[]): Promise<void> {
    for (let first = 0; first < pieces.length; ) {
      const start = pieces[first]!.hostOffset;
      let end = this.endOf(pieces[first]!);
      let stop = first + 1;
      for (; stop < pieces.length; stop++) {
        const next = pieces[stop]!;
        const nextEnd = this.endOf(next);
        if (next.hostOffset < start || next.hostOffset > end + MAX_GAP || Math.max(end, nextEnd) - start > MAX_SPAN) break;
        end = Math.max(end, nextEnd);
      }
      const needsRead = pieces.slice(first, stop).some((piece) => this.last?.cluster !== piece.cluster);
      const span = needsRead ? await this.source.read(start, end - start) : new Uint8Array(0);
      for (let i = first; i < stop; i++) {
        const piece = pieces[i]!;
        const data = span.subarray(piece.hostOffset - start, this.endOf(piece) - start);
        const clusterStart = piece.cluster * this.clusterSize;
        if (piece.to - piece.from === this.clusterSize && this.last?.cluster !== piece.cluster) {
          // The whole cluster is wanted: inflate straight into the output.
          this.inflate(piece, data, out.subarray(piece.at, piece.at + this.clusterSize));
          continue;
        }
        const bytes = this.last?.cluster === piece.cluster ? this.last.bytes : this.inflate(piece, data, new Uint8Array(this.clusterSize));
        this.last = { cluster: piece.cluster, bytes };
        out.set(bytes.subarray(piece.from - clusterStart, piece.to - clusterStart), piece.at);
      }
      first = stop;
    }
  }

  /** The end of a cluster's compressed bytes, cut at the end of the file (qemu reads zeros past it). */
  private endOf(piece: CompressedPiece): number {
    return Math.min(piece.hostOffset + piece.length, this.source.size);
  }

  private inflate(piece: CompressedPiece, data: Uint8Array, into: Uint8Array): Uint8Array {
    try {
      return this.compression === 'zstd' ? zstdInto(data, into) : inflateRawInto(data, into);
    } catch (error) {
      if (!(error instanceof InflateError)) throw error;
      throw new VmferryError(
        'corrupt',
        `qcow2 guest cluster ${piece.cluster}: the compressed cluster at byte ${piece.hostOffset} does not decompress (${error.message})`,
        { file: this.source.name, offset: piece.hostOffset },
      );
    }
  }
}

/**
 * One zstd-compressed cluster: a single frame that must fill `into` exactly (qemu block/qcow2-threads.c writes
 * one frame per cluster). The descriptor's length runs to the end of a 512-byte sector, so bytes after the frame
 * are expected and ignored once the cluster is full.
 */
function zstdInto(data: Uint8Array, into: Uint8Array): Uint8Array {
  let filled = 0;
  try {
    decompressZstd(data, 0, (chunk) => {
      if (filled + chunk.length > into.length) throw new InflateError(`zstd data decompresses to more than ${into.length} bytes`);
      into.set(chunk, filled);
      filled += chunk.length;
      return filled < into.length;
    });
  } catch (error) {
    if (error instanceof InflateError) throw error;
    if (filled < into.length) throw new InflateError(`zstd: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (filled < into.length) throw new InflateError(`zstd data ends after ${filled} of ${into.length} bytes`);
  return into;
}
