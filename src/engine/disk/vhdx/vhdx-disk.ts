import { readExact, readExactInto, type ByteSource } from '../../io/byte-source';
import { layerOver, readFromParent } from '../allocation';
import { clampDiskRead, type DiskExtent, type ExtentKind, type VirtualDisk } from '../virtual-disk';
import { BlockAllocationTable, PAYLOAD_FULLY_PRESENT, PAYLOAD_PARTIALLY_PRESENT, PAYLOAD_ZERO, payloadBlockCount } from './bat';
import type { Guid } from './guid';
import type { VhdxMetadata } from './metadata';
import { bitRuns, SectorBitmaps } from './sector-bitmap';

/**
 * A VHDX disk ([MS-VHDX] 2.5.1.1): each payload block is FULLY_PRESENT (data in this file), ZERO (reads as
 * zeros, even over a parent), PARTIALLY_PRESENT (differencing only: per sector, from this file where the sector
 * bitmap bit is set and from the parent elsewhere), or NOT_PRESENT / UNDEFINED / UNMAPPED, which store nothing:
 * the parent's data in a differencing disk, zeros otherwise (what Hyper-V and qemu return).
 */
export type VhdxSubformat = 'dynamic' | 'fixed' | 'differencing';

/** One stretch of a read: bytes of this file, bytes of the parent, or zeros. */
type Piece = { from: 'file'; fileOffset: number; length: number } | { from: 'parent'; diskOffset: number; length: number } | { from: 'zero'; length: number };

export class VhdxDisk implements VirtualDisk {
  readonly format = 'vhdx' as const;
  readonly subformat: VhdxSubformat;
  readonly virtualSize: number;
  readonly blockSize: number;
  private readonly sectorSize: number;

  constructor(
    /** The file as replayed from its log (or the file itself when the log was empty). */
    private readonly source: ByteSource,
    private readonly metadata: VhdxMetadata,
    private readonly bat: BlockAllocationTable,
    private readonly bitmaps: SectorBitmaps | null,
    readonly parent: VirtualDisk | null,
    /** The current header's DataWriteGuid: what a differencing child's parent_linkage names (2.6.2.6.1). */
    readonly dataWriteGuid: Guid,
    readonly storedBytes: number,
  ) {
    this.virtualSize = metadata.virtualSize;
    this.blockSize = metadata.blockSize;
    this.sectorSize = metadata.logicalSectorSize;
    this.subformat = metadata.hasParent ? 'differencing' : metadata.leaveBlocksAllocated ? 'fixed' : 'dynamic';
  }

  get name(): string {
    return this.source.name;
  }

  allocation(): AsyncIterable<DiskExtent> {
    return layerOver(this.ownExtents(), this.parent, this.virtualSize);
  }

  /** This layer's own extents in order: `unallocated` where the parent (or nothing) shows through. */
  private async *ownExtents(): AsyncGenerator<DiskExtent> {
    const blocks = payloadBlockCount(this.metadata);
    for (let block = 0; block < blocks; block++) {
      const start = block * this.blockSize;
      const length = Math.min(this.blockSize, this.virtualSize - start);
      const { state } = await this.bat.payload(block);
      if (state !== PAYLOAD_PARTIALLY_PRESENT) {
        yield { offset: start, length, kind: kindOf(state) };
        continue;
      }
      const bits = await this.bitmaps!.bitsOf(block);
      for (const [first, end, present] of bitRuns(bits, 0, Math.ceil(length / this.sectorSize))) {
        const offset = start + first * this.sectorSize;
        yield { offset, length: Math.min(end * this.sectorSize, length) - first * this.sectorSize, kind: present ? 'data' : 'unallocated' };
      }
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const count = clampDiskRead(this, offset, length);
    const pieces = await this.piecesOf(offset, count);
    const only = pieces[0];
    if (pieces.length === 1 && only?.from === 'file') return readExact(this.source, only.fileOffset, only.length, 'VHDX payload block');
    const out = new Uint8Array(count);
    let at = 0;
    for (const piece of pieces) {
      if (piece.from === 'file') await readExactInto(this.source, piece.fileOffset, out.subarray(at, at + piece.length), 'VHDX payload block');
      else if (piece.from === 'parent') out.set(await readFromParent(this.parent, piece.diskOffset, piece.length), at);
      at += piece.length;
    }
    return out;
  }

  /** Where each stretch of [offset, offset + count) comes from, neighbours merged so reads stay large. */
  private async piecesOf(offset: number, count: number): Promise<Piece[]> {
    const pieces: Piece[] = [];
    const add = (piece: Piece) => {
      const last = pieces[pieces.length - 1];
      if (last?.from === 'file' && piece.from === 'file' && last.fileOffset + last.length === piece.fileOffset) last.length += piece.length;
      else if (last?.from === 'parent' && piece.from === 'parent') last.length += piece.length;
      else if (last?.from === 'zero' && piece.from === 'zero') last.length += piece.length;
      else pieces.push(piece);
    };
    const end = offset + count;
    for (let cursor = offset; cursor < end; ) {
      const block = Math.floor(cursor / this.blockSize);
      const inBlock = cursor - block * this.blockSize;
      const length = Math.min(end - cursor, this.blockSize - inBlock);
      const { state, fileOffset } = await this.bat.payload(block);
      if (state === PAYLOAD_FULLY_PRESENT) add({ from: 'file', fileOffset: fileOffset + inBlock, length });
      else if (state === PAYLOAD_ZERO || !this.parent) add({ from: 'zero', length });
      else if (state !== PAYLOAD_PARTIALLY_PRESENT) add({ from: 'parent', diskOffset: cursor, length });
      else await this.addPartialPieces(block, fileOffset, inBlock, length, add);
      cursor += length;
    }
    return pieces;
  }

  /** A PARTIALLY_PRESENT block: its sector bitmap decides, sector by sector, between this file and the parent. */
  private async addPartialPieces(block: number, fileOffset: number, inBlock: number, length: number, add: (piece: Piece) => void): Promise<void> {
    const bits = await this.bitmaps!.bitsOf(block);
    const blockStart = block * this.blockSize;
    const firstSector = Math.floor(inBlock / this.sectorSize);
    const endSector = Math.ceil((inBlock + length) / this.sectorSize);
    for (const [first, end, present] of bitRuns(bits, firstSector, endSector)) {
      const from = Math.max(inBlock, first * this.sectorSize);
      const to = Math.min(inBlock + length, end * this.sectorSize);
      add(present ? { from: 'file', fileOffset: fileOffset + from, length: to - from } : { from: 'parent', diskOffset: blockStart + from, length: to - from });
    }
  }
}

function kindOf(state: number): ExtentKind {
  if (state === PAYLOAD_FULLY_PRESENT) return 'data';
  if (state === PAYLOAD_ZERO) return 'zero';
  return 'unallocated';
}
