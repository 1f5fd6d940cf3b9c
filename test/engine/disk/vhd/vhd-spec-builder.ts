import { randomBytes } from 'node:crypto';

/**
 * Builds VHD files for tests straight from the "Virtual Hard Disk Image Format Specification" v1.0, field by
 * field, independently of our writer: dynamic and differencing disks with partly set sector bitmaps, parent
 * locators, any creator and geometry. Stored blocks are laid out in REVERSE order in the file, so a reader
 * that does not follow the allocation table reads the wrong block.
 */
export const SECTOR = 512;

export interface SectorWrite {
  /** First sector written (in the virtual disk). */
  sector: number;
  /** A whole number of sectors. */
  data: Buffer;
}

export interface Locator {
  code: 'W2ru' | 'W2ku' | 'Wi2r' | 'Wi2k' | 'Mac ' | 'MacX' | string;
  data: Buffer;
}

export interface VhdSpec {
  type: 'dynamic' | 'differencing';
  size: number;
  blockSize: number;
  uuid: Buffer;
  creator?: string;
  geometry?: { cylinders: number; heads: number; sectorsPerTrack: number };
  writes: SectorWrite[];
  /** Byte that fills the sectors of a stored block whose bit is clear (junk a reader must not show). */
  filler?: number;
  parentUuid?: Buffer;
  parentName?: string;
  locators?: Locator[];
  /** Override the header's Max Table Entries (default: the blocks the size spans). */
  maxTableEntries?: number;
}

export const newUuid = (): Buffer => randomBytes(16);
export const utf16le = (text: string): Buffer => Buffer.from(text, 'utf16le');
export const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();

/** The one's complement of the byte sum, the 4-byte checksum field left out. */
export function checksumOf(bytes: Buffer, checksumOffset: number): number {
  let sum = 0;
  bytes.forEach((byte, i) => {
    if (i < checksumOffset || i >= checksumOffset + 4) sum += byte;
  });
  return ~sum >>> 0;
}

export function sealFooter(file: Buffer, at: number): void {
  const footer = file.subarray(at, at + 512);
  footer.writeUInt32BE(checksumOf(footer, 64), 64);
}

export function sealHeader(file: Buffer, at = 512): void {
  const header = file.subarray(at, at + 1024);
  header.writeUInt32BE(checksumOf(header, 36), 36);
}

export function footerBytes(spec: { type: 'fixed' | 'dynamic' | 'differencing'; size: number; uuid: Buffer; creator?: string; geometry?: VhdSpec['geometry'] }): Buffer {
  const footer = Buffer.alloc(512);
  footer.write('conectix', 0, 'latin1');
  footer.writeUInt32BE(2, 8); // features: reserved bit
  footer.writeUInt32BE(0x00010000, 12);
  footer.writeBigUInt64BE(spec.type === 'fixed' ? 0xffffffffffffffffn : 512n, 16);
  footer.writeUInt32BE(Math.floor(Date.now() / 1000) - 946684800, 24);
  footer.write((spec.creator ?? 'win ').padEnd(4, '\0'), 28, 'latin1');
  footer.writeUInt32BE(0x000a0000, 32);
  footer.write('Wi2k', 36, 'latin1');
  footer.writeBigUInt64BE(BigInt(spec.size), 40);
  footer.writeBigUInt64BE(BigInt(spec.size), 48);
  const geometry = spec.geometry ?? { cylinders: 65535, heads: 16, sectorsPerTrack: 255 };
  footer.writeUInt16BE(geometry.cylinders, 56);
  footer[58] = geometry.heads;
  footer[59] = geometry.sectorsPerTrack;
  footer.writeUInt32BE({ fixed: 2, dynamic: 3, differencing: 4 }[spec.type], 60);
  spec.uuid.copy(footer, 68);
  footer.writeUInt32BE(checksumOf(footer, 64), 64);
  return footer;
}

const roundUp = (value: number, unit: number) => Math.ceil(value / unit) * unit;

export function buildVhd(spec: VhdSpec): Buffer {
  const { blockSize } = spec;
  const sectorsPerBlock = blockSize / SECTOR;
  const bitmapSize = roundUp(Math.ceil(sectorsPerBlock / 8), SECTOR);
  const entries = spec.maxTableEntries ?? Math.ceil(spec.size / blockSize);

  // Stored blocks: bitmap + data, filled with junk where no write lands.
  const blocks = new Map<number, { bitmap: Buffer; data: Buffer }>();
  for (const write of spec.writes) {
    for (let i = 0; i < write.data.length / SECTOR; i++) {
      const sector = write.sector + i;
      const index = Math.floor(sector / sectorsPerBlock);
      const inBlock = sector % sectorsPerBlock;
      let block = blocks.get(index);
      if (!block) {
        block = { bitmap: Buffer.alloc(bitmapSize), data: Buffer.alloc(blockSize, spec.filler ?? 0) };
        blocks.set(index, block);
      }
      block.bitmap[inBlock >> 3]! |= 0x80 >> (inBlock & 7);
      write.data.copy(block.data, inBlock * SECTOR, i * SECTOR, (i + 1) * SECTOR);
    }
  }

  const tableOffset = 512 + 1024;
  const tableBytes = roundUp(Math.max(entries, 1) * 4, SECTOR);
  let cursor = tableOffset + tableBytes;
  const locators = (spec.locators ?? []).map((locator) => {
    const placed = { ...locator, offset: cursor, space: roundUp(locator.data.length, SECTOR) };
    cursor += placed.space;
    return placed;
  });
  const order = [...blocks.keys()].sort((a, b) => b - a); // reverse disk order on purpose
  const blockOffset = new Map<number, number>();
  for (const index of order) {
    blockOffset.set(index, cursor);
    cursor += bitmapSize + blockSize;
  }
  const file = Buffer.alloc(cursor + 512);

  const footer = footerBytes(spec);
  footer.copy(file, 0);
  footer.copy(file, cursor);

  const header = file.subarray(512, 1536);
  header.write('cxsparse', 0, 'latin1');
  header.writeBigUInt64BE(0xffffffffffffffffn, 8);
  header.writeBigUInt64BE(BigInt(tableOffset), 16);
  header.writeUInt32BE(0x00010000, 24);
  header.writeUInt32BE(entries, 28);
  header.writeUInt32BE(blockSize, 32);
  spec.parentUuid?.copy(header, 40);
  if (spec.parentName) utf16be(spec.parentName).copy(header, 64, 0, 512);
  locators.forEach((locator, i) => {
    const at = 576 + i * 24;
    header.write(locator.code, at, 'latin1');
    header.writeUInt32BE(locator.space / SECTOR, at + 4); // "Platform Data Space": sectors, per the spec
    header.writeUInt32BE(locator.data.length, at + 8);
    header.writeBigUInt64BE(BigInt(locator.offset), at + 16);
    locator.data.copy(file, locator.offset);
  });
  header.writeUInt32BE(checksumOf(header, 36), 36);

  file.fill(0xff, tableOffset, tableOffset + tableBytes);
  for (const [index, offset] of blockOffset) {
    if (index < entries) file.writeUInt32BE(offset / SECTOR, tableOffset + index * 4);
    blocks.get(index)!.bitmap.copy(file, offset);
    blocks.get(index)!.data.copy(file, offset + bitmapSize);
  }
  return file;
}

/** What a reader should see: each layer's writes applied over the ones below, bottom layer first. */
export function expectedBytes(size: number, layers: SectorWrite[][]): Buffer {
  const out = Buffer.alloc(size);
  for (const writes of layers) {
    for (const { sector, data } of writes) data.copy(out, sector * SECTOR, 0, Math.max(0, Math.min(data.length, size - sector * SECTOR)));
  }
  return out;
}
