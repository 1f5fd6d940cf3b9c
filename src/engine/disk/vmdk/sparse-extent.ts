import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import { ExtentRun } from '../allocation';
import type { DiskExtent, ExtentKind } from '../virtual-disk';
import { isAllZero } from '../zero';
import { mapConcurrent } from './concurrent';
import type { ReadBelow, VmdkExtent } from './extent';
import { GrainDirectory, GTE_UNALLOCATED, GTE_ZEROED } from './grain-directory';
import { GRAIN_MARKER_SIZE, parseMarker } from './markers';
import {
  FLAG_REDUNDANT_GD,
  GD_AT_END,
  hasMarkers,
  hasZeroedGrainEntries,
  isCompressed,
  parseSparseHeader,
  SECTOR,
  type SparseHeader,
} from './sparse-header';
import { readStreamFooter } from './stream-footer';
import { inflateZlib, looksLikeZlib, ZlibError } from './zlib';

/** Grains inflated at once for one read; CompressionStream work overlaps (and runs off-thread in Node). */
const INFLATE_IN_FLIGHT = 16;
/** Inflated grains kept for reads that come back to the same grain (a partition probe reading 512 bytes at a time). */
const CACHED_GRAINS = 16;
/** The first read of a compressed grain: its marker and, for most grains, all of its data. */
const FIRST_READ = 4096;
/** Longest run of compressed grains fetched in one request. */
const PREFETCH_RUN = 8 * 1024 * 1024;

/**
 * A hosted sparse extent (`KDMV`): monolithicSparse, streamOptimized, and each `-sNNN.vmdk` of a
 * twoGbMaxExtentSparse disk. Random access through the grain directory; compressed grains are inflated on read.
 */
export class SparseExtent implements VmdkExtent {
  readonly storedBytes: number;
  private readonly grainBytes: number;
  private readonly compressed: boolean;
  private readonly markers: boolean;
  private readonly zeroedEntries: boolean;
  private readonly inflated = new Map<number, Promise<Uint8Array>>();

  private constructor(
    private readonly source: ByteSource,
    /** The header that names the tables: the footer's, for a streamOptimized file with the GD at the end. */
    readonly header: SparseHeader,
    private readonly directory: GrainDirectory,
    readonly length: number,
  ) {
    this.storedBytes = source.size;
    this.grainBytes = header.grainSize * SECTOR;
    this.compressed = isCompressed(header);
    this.markers = hasMarkers(header);
    this.zeroedEntries = hasZeroedGrainEntries(header);
  }

  /**
   * Opens the sparse extent in `source`. `length` is the extent's size from the descriptor (bytes), or the
   * header's capacity for a file opened on its own.
   */
  static async open(source: ByteSource, length?: number): Promise<{ extent: SparseExtent; header: SparseHeader }> {
    const first = parseSparseHeader(await readExact(source, 0, SECTOR, 'sparse extent header'), source.name);
    const header = first.gdOffset === GD_AT_END ? await readStreamFooter(source) : first;
    let gdOffset = header.gdOffset;
    if (gdOffset === 0 && header.flags & FLAG_REDUNDANT_GD && header.rgdOffset > 0) gdOffset = header.rgdOffset;
    if (gdOffset <= 0) {
      throw new VmferryError('corrupt', 'The sparse extent header names no grain directory (gdOffset is 0)', { file: source.name, offset: 56 });
    }
    const capacityBytes = header.capacity * SECTOR;
    const extentLength = length ?? capacityBytes;
    const grainBytes = header.grainSize * SECTOR;
    const directory = await GrainDirectory.read(
      source,
      header,
      gdOffset,
      { grains: Math.ceil(header.capacity / header.grainSize), grainBytes, extentBytes: Math.min(extentLength, capacityBytes) },
      { compressed: isCompressed(header), zeroedEntries: hasZeroedGrainEntries(header) },
    );
    return { extent: new SparseExtent(source, header, directory, extentLength), header: first };
  }

  get grainSize(): number {
    return this.grainBytes;
  }

  async *allocation(): AsyncGenerator<DiskExtent> {
    const run = new ExtentRun();
    const perTable = this.directory.entriesPerTable;
    const tablesInExtent = Math.ceil(Math.ceil(this.length / this.grainBytes) / perTable);
    for (let index = 0; index < tablesInExtent; index++) {
      const first = index * perTable * this.grainBytes;
      const table = await this.directory.table(index);
      if (!table) {
        const done = run.push(first, Math.min(perTable * this.grainBytes, this.length - first), 'unallocated');
        if (done) yield done;
        continue;
      }
      if (isAllZero(new Uint8Array(table.buffer, table.byteOffset, table.byteLength))) {
        // The common case in a big, mostly empty disk: one push for the whole table.
        const done = run.push(first, Math.min(perTable * this.grainBytes, this.length - first), 'unallocated');
        if (done) yield done;
        continue;
      }
      for (let i = 0; i < perTable; i++) {
        const offset = first + i * this.grainBytes;
        if (offset >= this.length) break;
        const done = run.push(offset, Math.min(this.grainBytes, this.length - offset), this.kindOf(table[i]!, index * perTable + i));
        if (done) yield done;
      }
    }
    const last = run.flush();
    if (last) yield last;
  }

  async read(offset: number, length: number, below: ReadBelow): Promise<Uint8Array> {
    const pieces = await this.plan(offset, length);
    // One contiguous run (a read inside one grain, or over grains stored in order): no assembly, no copy.
    const only = pieces.length === 1 ? pieces[0]! : null;
    if (only?.kind === 'raw') return readExact(this.source, only.fileOffset, only.length, `grain ${only.grain}`);
    if (only?.kind === 'below') return below(only.offset, only.length);
    const out = new Uint8Array(length);
    const heads = await this.prefetchCompressed(pieces);
    await mapConcurrent(pieces, INFLATE_IN_FLIGHT, async (piece) => {
      const at = piece.offset - offset;
      if (piece.kind === 'below') out.set(await below(piece.offset, piece.length), at);
      else if (piece.kind === 'raw') out.set(await readExact(this.source, piece.fileOffset, piece.length, `grain ${piece.grain}`), at);
      else if (piece.kind === 'compressed') {
        const grain = await this.inflatedGrain(piece.grain, piece.fileOffset / SECTOR, heads.get(piece.grain));
        out.set(grain.subarray(piece.offset - piece.grain * this.grainBytes).subarray(0, piece.length), at);
      }
    });
    return out;
  }

  /**
   * Compressed grains stored one after another (the usual layout) are read in one request per run instead of
   * one or two per grain; each grain then gets the bytes from its start to the next grain's start.
   */
  private async prefetchCompressed(pieces: ReadPiece[]): Promise<Map<number, Uint8Array>> {
    const wanted = pieces.filter((p) => p.kind === 'compressed' && !this.inflated.has(p.grain)).sort((a, b) => a.fileOffset - b.fileOffset);
    const heads = new Map<number, Uint8Array>();
    const maxSpan = 2 * this.grainBytes + 2 * SECTOR;
    for (let first = 0; first < wanted.length; ) {
      let last = first;
      while (
        last + 1 < wanted.length &&
        wanted[last + 1]!.fileOffset > wanted[last]!.fileOffset &&
        wanted[last + 1]!.fileOffset - wanted[last]!.fileOffset <= maxSpan &&
        wanted[last + 1]!.fileOffset - wanted[first]!.fileOffset < PREFETCH_RUN
      ) {
        last++;
      }
      const start = wanted[first]!.fileOffset;
      const end = Math.min(this.source.size, wanted[last]!.fileOffset + FIRST_READ);
      if (end > start) {
        const bytes = await readExact(this.source, start, end - start, `grains ${wanted[first]!.grain} to ${wanted[last]!.grain}`);
        for (let i = first; i <= last; i++) {
          const from = wanted[i]!.fileOffset - start;
          const to = i < last ? wanted[i + 1]!.fileOffset - start : bytes.length;
          heads.set(wanted[i]!.grain, bytes.subarray(from, to));
        }
      }
      first = last + 1;
    }
    return heads;
  }

  /** Splits a read into runs: from below, zeros, raw file ranges (merged when contiguous), compressed grains. */
  private async plan(offset: number, length: number): Promise<ReadPiece[]> {
    const pieces: ReadPiece[] = [];
    const end = offset + length;
    for (let at = offset; at < end; ) {
      const grain = Math.floor(at / this.grainBytes);
      const stop = Math.min(end, (grain + 1) * this.grainBytes);
      const entry = await this.directory.entry(grain);
      const kind = this.kindOf(entry, grain);
      const last = pieces[pieces.length - 1];
      const piece: ReadPiece =
        kind === 'unallocated'
          ? { kind: 'below', offset: at, length: stop - at, grain, fileOffset: 0 }
          : kind === 'zero'
            ? { kind: 'zero', offset: at, length: stop - at, grain, fileOffset: 0 }
            : this.compressed
              ? { kind: 'compressed', offset: at, length: stop - at, grain, fileOffset: entry * SECTOR }
              : { kind: 'raw', offset: at, length: stop - at, grain, fileOffset: entry * SECTOR + (at - grain * this.grainBytes) };
      const mergeable = last && last.kind === piece.kind && (piece.kind === 'below' || piece.kind === 'zero' || piece.kind === 'raw');
      if (mergeable && last.offset + last.length === at && (piece.kind !== 'raw' || last.fileOffset + last.length === piece.fileOffset)) {
        last.length += piece.length;
      } else {
        pieces.push(piece);
      }
      at = stop;
    }
    return pieces;
  }

  private kindOf(entry: number, grain: number): ExtentKind {
    if (entry === GTE_UNALLOCATED || this.directory.grainLength(grain) === 0) return 'unallocated';
    if (entry === GTE_ZEROED && this.zeroedEntries) return 'zero';
    return 'data';
  }

  private inflatedGrain(grain: number, sector: number, head?: Uint8Array): Promise<Uint8Array> {
    let data = this.inflated.get(grain);
    if (!data) {
      data = this.inflateGrain(grain, sector, head);
      data.catch(() => this.inflated.delete(grain));
      if (this.inflated.size >= CACHED_GRAINS) this.inflated.delete(this.inflated.keys().next().value!);
      this.inflated.set(grain, data);
    }
    return data;
  }

  /**
   * Reads and inflates a compressed grain. With markers the grain starts with `{u64 lba, u32 size}`; without, qemu
   * writes the zlib stream directly and VMware's tools a `u32 size` first. A header whose flags promise a marker
   * that is not there (notes c17: flags can lie) is recognised by the zlib header at the grain's first byte.
   */
  private async inflateGrain(grain: number, sector: number, prefetched?: Uint8Array): Promise<Uint8Array> {
    const start = sector * SECTOR;
    const where = `grain ${grain} (at sector ${sector})`;
    const head = prefetched && prefetched.length >= GRAIN_MARKER_SIZE ? prefetched : await readExact(this.source, start, Math.min(FIRST_READ, this.source.size - start), where);
    const maxCompressed = 2 * this.grainBytes + SECTOR;
    let dataStart: number;
    let size: number | null;
    const marker = head.length >= GRAIN_MARKER_SIZE ? parseMarker(head) : null;
    if (this.markers && marker?.kind === 'grain' && marker.size <= maxCompressed) {
      dataStart = GRAIN_MARKER_SIZE;
      size = marker.size;
    } else if (looksLikeZlib(head)) {
      dataStart = 0;
      size = null;
    } else if (!this.markers && head.length >= 4 && looksLikeZlib(head.subarray(4))) {
      dataStart = 4;
      size = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true);
    } else {
      throw new VmferryError('corrupt', `Compressed ${where} has neither a grain marker nor zlib data`, { file: this.source.name, offset: start });
    }
    const available = this.source.size - start - dataStart;
    if (size !== null && (size > maxCompressed || size > available)) {
      throw new VmferryError('corrupt', `Compressed ${where} claims ${size} bytes, past the end of the file or larger than any grain`, {
        file: this.source.name,
        offset: start,
      });
    }
    const wanted = size ?? Math.min(maxCompressed, available);
    const compressed =
      dataStart + wanted <= head.length
        ? head.subarray(dataStart, dataStart + wanted)
        : await readExact(this.source, start + dataStart, wanted, where);
    const needed = this.directory.grainLength(grain);
    let data: Uint8Array;
    try {
      data = await inflateZlib(compressed, this.grainBytes, size === null);
    } catch (error) {
      if (!(error instanceof ZlibError)) throw error;
      throw new VmferryError('corrupt', `Compressed ${where} is not valid zlib data (${error.message})`, { file: this.source.name, offset: start });
    }
    if (data.length < needed) {
      throw new VmferryError('corrupt', `Compressed ${where} inflates to ${data.length} bytes, less than the ${needed} it must hold`, {
        file: this.source.name,
        offset: start,
      });
    }
    if (data.length === this.grainBytes) return data;
    const full = new Uint8Array(this.grainBytes);
    full.set(data);
    return full;
  }
}

interface ReadPiece {
  kind: 'below' | 'zero' | 'raw' | 'compressed';
  /** Offset in the extent. */
  offset: number;
  length: number;
  grain: number;
  /** raw: the file offset of the first byte; compressed: the grain's start in the file. */
  fileOffset: number;
}
