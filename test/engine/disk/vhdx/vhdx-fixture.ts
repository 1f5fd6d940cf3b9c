import { readFileSync, writeFileSync } from 'node:fs';
import { nodeFileSet } from '../../../../src/cli/node-file-set';
import { openVirtualDisk } from '../../../../src/engine/disk/open-disk';

/**
 * Test-side VHDX helpers written from [MS-VHDX] independently of src/engine/disk/vhdx: a bitwise CRC-32C, a
 * minimal parser to find structures in files qemu-img made, and builders for what qemu-img cannot make (log
 * entries, differencing disks). Checking our reader against structures built by our own writer code would prove
 * nothing, so none of it is imported here.
 */
export const MiB = 1024 * 1024;

export function crc32cBitwise(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

/** The checksum of a header, region table or log entry: CRC-32C with the field at offset 4 zeroed. */
export function structureChecksum(bytes: Uint8Array): number {
  const copy = Uint8Array.from(bytes);
  copy.fill(0, 4, 8);
  return crc32cBitwise(copy);
}

export function seal(bytes: Uint8Array): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(4, structureChecksum(bytes), true);
  return bytes;
}

export const GUIDS = {
  bat: '2DC27766-F623-4200-9D64-115E9BFD4A08',
  metadata: '8B7CA206-4790-4B9A-B8FE-575F050F886E',
  fileParameters: 'CAA16737-FA36-4D43-B3B6-33F0AA44E76B',
  virtualDiskSize: '2FA54224-CD1B-4876-B211-5DBED83BF4B8',
  page83: 'BECA12AB-B2E6-4523-93EF-C309E000C746',
  logicalSectorSize: '8141BF1D-A96F-4709-BA47-F233A8FAAB5F',
  physicalSectorSize: 'CDA348C7-445D-4471-9CC9-E9885251C556',
  parentLocator: 'A8D35F2D-B30B-454D-ABF7-D3D84834AB0C',
  vhdxParentType: 'B04AEFB7-D19E-4A81-B789-25B8E9445913',
};

/** MS GUID text → stored bytes (Data1..3 little-endian). */
export function guidBytes(text: string): Buffer {
  const hex = text.replace(/[{}-]/g, '');
  const out = Buffer.alloc(16);
  out.writeUInt32LE(parseInt(hex.slice(0, 8), 16), 0);
  out.writeUInt16LE(parseInt(hex.slice(8, 12), 16), 4);
  out.writeUInt16LE(parseInt(hex.slice(12, 16), 16), 6);
  Buffer.from(hex.slice(16), 'hex').copy(out, 8);
  return out;
}

export function guidText(bytes: Uint8Array): string {
  const b = Buffer.from(bytes);
  const hex = (n: number, d: number) => n.toString(16).padStart(d, '0');
  const tail = b.subarray(8, 16).toString('hex');
  return `{${hex(b.readUInt32LE(0), 8)}-${hex(b.readUInt16LE(4), 4)}-${hex(b.readUInt16LE(6), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}}`.toUpperCase();
}

export interface ParsedVhdx {
  /** File offset of the current header (64 KiB or 128 KiB). */
  headerOffset: number;
  dataWriteGuid: Buffer;
  logGuid: Buffer;
  logOffset: number;
  logLength: number;
  batOffset: number;
  metadataOffset: number;
  blockSize: number;
  virtualSize: number;
  /** Offsets (inside the file) of each metadata item's data, by item GUID. */
  items: Map<string, { entryAt: number; dataAt: number; length: number }>;
}

/** Just enough of a VHDX to find its parts (region table copy 1, current header). */
export function parseVhdx(file: Buffer): ParsedVhdx {
  const seq = (at: number) => file.readBigUInt64LE(at + 8);
  const headerOffset = seq(64 * 1024) > seq(128 * 1024) ? 64 * 1024 : 128 * 1024;
  const rt = 192 * 1024;
  let batOffset = 0;
  let metadataOffset = 0;
  for (let i = 0; i < file.readUInt32LE(rt + 8); i++) {
    const at = rt + 16 + i * 32;
    const id = guidText(file.subarray(at, at + 16));
    if (id === `{${GUIDS.bat}}`) batOffset = Number(file.readBigUInt64LE(at + 16));
    if (id === `{${GUIDS.metadata}}`) metadataOffset = Number(file.readBigUInt64LE(at + 16));
  }
  const items = new Map<string, { entryAt: number; dataAt: number; length: number }>();
  for (let i = 0; i < file.readUInt16LE(metadataOffset + 10); i++) {
    const at = metadataOffset + 32 + i * 32;
    items.set(guidText(file.subarray(at, at + 16)), { entryAt: at, dataAt: metadataOffset + file.readUInt32LE(at + 16), length: file.readUInt32LE(at + 20) });
  }
  const item = (guid: string) => items.get(`{${guid}}`)!;
  return {
    headerOffset,
    dataWriteGuid: Buffer.from(file.subarray(headerOffset + 32, headerOffset + 48)),
    logGuid: Buffer.from(file.subarray(headerOffset + 48, headerOffset + 64)),
    logLength: file.readUInt32LE(headerOffset + 68),
    logOffset: Number(file.readBigUInt64LE(headerOffset + 72)),
    batOffset,
    metadataOffset,
    blockSize: file.readUInt32LE(item(GUIDS.fileParameters).dataAt),
    virtualSize: Number(file.readBigUInt64LE(item(GUIDS.virtualDiskSize).dataAt)),
    items,
  };
}

/** Rewrites a header's LogGuid (both copies keep their sequence numbers) and reseals it. */
export function setHeaderLogGuid(file: Buffer, headerOffset: number, logGuid: Uint8Array): void {
  file.set(logGuid, headerOffset + 48);
  seal(file.subarray(headerOffset, headerOffset + 4096));
}

export function batEntry(state: number, fileOffset = 0): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(BigInt(fileOffset / MiB) * (1n << 20n) + BigInt(state));
  return out;
}

export type LogWrite = { kind: 'data'; offset: number; sector: Uint8Array } | { kind: 'zero'; offset: number; length: number };

/**
 * A log entry (2.3.1): header, descriptors packed after it in 4 KiB sectors, then one data sector per data
 * descriptor whose first 8 and last 4 bytes travel in the descriptor.
 */
export function buildLogEntry(options: { sequence: bigint; tail: number; logGuid: Uint8Array; flushed: number; last: number; writes: LogWrite[] }): Buffer {
  const descriptorSectors = Math.ceil((64 + 32 * options.writes.length) / 4096);
  const dataWrites = options.writes.filter((w) => w.kind === 'data') as Extract<LogWrite, { kind: 'data' }>[];
  const entry = Buffer.alloc((descriptorSectors + dataWrites.length) * 4096);
  entry.write('loge', 0, 'latin1');
  entry.writeUInt32LE(entry.length, 8);
  entry.writeUInt32LE(options.tail, 12);
  entry.writeBigUInt64LE(options.sequence, 16);
  entry.writeUInt32LE(options.writes.length, 24);
  entry.set(options.logGuid, 32);
  entry.writeBigUInt64LE(BigInt(options.flushed), 48);
  entry.writeBigUInt64LE(BigInt(options.last), 56);
  let data = descriptorSectors * 4096;
  options.writes.forEach((write, i) => {
    const at = 64 + i * 32;
    entry.writeBigUInt64LE(BigInt(write.offset), at + 16);
    entry.writeBigUInt64LE(options.sequence, at + 24);
    if (write.kind === 'zero') {
      entry.write('zero', at, 'latin1');
      entry.writeBigUInt64LE(BigInt(write.length), at + 8);
      return;
    }
    entry.write('desc', at, 'latin1');
    entry.set(write.sector.subarray(4092, 4096), at + 4);
    entry.set(write.sector.subarray(0, 8), at + 8);
    entry.write('data', data, 'latin1');
    entry.writeUInt32LE(Number(options.sequence >> 32n), data + 4);
    entry.set(write.sector.subarray(8, 4092), data + 8);
    entry.writeUInt32LE(Number(options.sequence & 0xffffffffn), data + 4092);
    data += 4096;
  });
  seal(entry);
  return entry;
}

/** Writes `bytes` into a circular log at `position`, wrapping at its end. */
export function placeInLog(file: Buffer, logOffset: number, logLength: number, position: number, bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 4096) {
    file.set(bytes.subarray(i, i + 4096), logOffset + ((position + i) % logLength));
  }
}

export function editFile(path: string, edit: (file: Buffer) => void): void {
  const file = readFileSync(path);
  edit(file);
  writeFileSync(path, file);
}

/** The error opening `path` gives (its files closed either way); fails the test if it opens. */
export async function openError(path: string): Promise<unknown> {
  const { files, close } = await nodeFileSet(path);
  try {
    await openVirtualDisk(files.entries[0]!, { find: files.find });
  } catch (error) {
    return error;
  } finally {
    await close();
  }
  throw new Error(`${path} opened without an error`);
}

export interface ChildBlock {
  /** Payload BAT state (2.5.1.1): 0 NOT_PRESENT, 1 UNDEFINED, 2 ZERO, 3 UNMAPPED, 6 FULLY, 7 PARTIALLY. */
  state: number;
  /** The block's bytes in the child file (FULLY and PARTIALLY present); junk under clear bitmap bits. */
  data?: Buffer;
  /** PARTIALLY_PRESENT: [first, end) sector ranges whose bitmap bits are set. */
  present?: [number, number][];
}

/**
 * A differencing VHDX (qemu-img cannot make one): the header section, an empty 1 MiB log, metadata with
 * HasParent and a VHDX parent locator (2.6.2.6), a BAT with a sector bitmap entry after every chunk, the sector
 * bitmap blocks of the chunks that have PARTIALLY_PRESENT blocks, then the payload blocks.
 */
export function buildDifferencingVhdx(options: {
  virtualSize: number;
  blockSize: number;
  sectorSize?: 512 | 4096;
  locator: Record<string, string>;
  blocks: Map<number, ChildBlock>;
}): Buffer {
  const { virtualSize, blockSize, blocks } = options;
  const sectorSize = options.sectorSize ?? 512;
  const sectorsPerBlock = blockSize / sectorSize;
  const chunkRatio = (2 ** 23 * sectorSize) / blockSize;
  const payloadBlocks = Math.ceil(virtualSize / blockSize);
  const entries = Math.ceil(payloadBlocks / chunkRatio) * (chunkRatio + 1);
  const batLength = Math.ceil((entries * 8) / MiB) * MiB;
  const bitmapChunks = [...new Set([...blocks].filter(([, b]) => b.state === 7).map(([i]) => Math.floor(i / chunkRatio)))].sort((x, y) => x - y);
  const stored = [...blocks].filter(([, b]) => b.state === 6 || b.state === 7).sort(([x], [y]) => x - y);
  const bitmapStart = 3 * MiB + batLength;
  const payloadStart = bitmapStart + bitmapChunks.length * MiB;
  const file = Buffer.alloc(payloadStart + stored.length * blockSize);

  file.write('vhdxfile', 0, 'latin1');
  file.write('test builder', 8, 'utf16le');
  const dataWriteGuid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  for (const [copy, at] of [64 * 1024, 128 * 1024].entries()) {
    const header = file.subarray(at, at + 4096);
    header.write('head', 0, 'latin1');
    header.writeBigUInt64LE(BigInt(copy + 1), 8);
    dataWriteGuid.copy(header, 32);
    header.writeUInt16LE(1, 66);
    header.writeUInt32LE(MiB, 68);
    header.writeBigUInt64LE(BigInt(MiB), 72);
    seal(header);
  }
  for (const at of [192 * 1024, 256 * 1024]) {
    const table = file.subarray(at, at + 64 * 1024);
    table.write('regi', 0, 'latin1');
    table.writeUInt32LE(2, 8);
    const region = (i: number, guid: string, offset: number, length: number) => {
      guidBytes(guid).copy(table, 16 + i * 32);
      table.writeBigUInt64LE(BigInt(offset), 16 + i * 32 + 16);
      table.writeUInt32LE(length, 16 + i * 32 + 24);
      table.writeUInt32LE(1, 16 + i * 32 + 28);
    };
    region(0, GUIDS.bat, 3 * MiB, batLength);
    region(1, GUIDS.metadata, 2 * MiB, MiB);
    seal(table);
  }

  const u32 = (value: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    return b;
  };
  const u64 = (value: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    return b;
  };
  const items: [string, number, Buffer][] = [
    [GUIDS.fileParameters, 4, Buffer.concat([u32(blockSize), u32(2)])],
    [GUIDS.virtualDiskSize, 6, u64(virtualSize)],
    [GUIDS.page83, 6, guidBytes('5A0E9D4C-1F3B-4C2D-8E7F-102030405060')],
    [GUIDS.logicalSectorSize, 6, u32(sectorSize)],
    [GUIDS.physicalSectorSize, 6, u32(sectorSize)],
    [GUIDS.parentLocator, 4, parentLocatorItem(options.locator)],
  ];
  const metadata = 2 * MiB;
  file.write('metadata', metadata, 'latin1');
  file.writeUInt16LE(items.length, metadata + 10);
  let itemAt = 64 * 1024;
  items.forEach(([guid, flags, bytes], i) => {
    const at = metadata + 32 + i * 32;
    guidBytes(guid).copy(file, at);
    file.writeUInt32LE(itemAt, at + 16);
    file.writeUInt32LE(bytes.length, at + 20);
    file.writeUInt32LE(flags, at + 24);
    bytes.copy(file, metadata + itemAt);
    itemAt += bytes.length;
  });

  const bat = 3 * MiB;
  bitmapChunks.forEach((chunk, i) => batEntry(6, bitmapStart + i * MiB).copy(file, bat + (chunk * (chunkRatio + 1) + chunkRatio) * 8));
  for (const [block, spec] of blocks) {
    const index = block + Math.floor(block / chunkRatio);
    const slot = stored.findIndex(([b]) => b === block);
    const offset = slot >= 0 ? payloadStart + slot * blockSize : 0;
    batEntry(spec.state, offset).copy(file, bat + index * 8);
    if (slot >= 0) spec.data!.copy(file, offset);
    if (spec.state !== 7) continue;
    const bitmap = bitmapStart + bitmapChunks.indexOf(Math.floor(block / chunkRatio)) * MiB;
    const firstBit = (block % chunkRatio) * sectorsPerBlock;
    for (const [first, end] of spec.present!) {
      for (let sector = first; sector < end; sector++) file[bitmap + ((firstBit + sector) >> 3)]! |= 1 << ((firstBit + sector) & 7);
    }
  }
  return file;
}

/** A VHDX parent locator item: header, key/value entries, then the UTF-16LE strings. */
function parentLocatorItem(locator: Record<string, string>): Buffer {
  const pairs = Object.entries(locator);
  const head = Buffer.alloc(20 + pairs.length * 12);
  guidBytes(GUIDS.vhdxParentType).copy(head, 0);
  head.writeUInt16LE(pairs.length, 18);
  const strings: Buffer[] = [];
  let at = head.length;
  pairs.forEach(([key, value], i) => {
    const k = Buffer.from(key, 'utf16le');
    const v = Buffer.from(value, 'utf16le');
    head.writeUInt32LE(at, 20 + i * 12);
    head.writeUInt32LE(at + k.length, 20 + i * 12 + 4);
    head.writeUInt16LE(k.length, 20 + i * 12 + 8);
    head.writeUInt16LE(v.length, 20 + i * 12 + 10);
    strings.push(k, v);
    at += k.length + v.length;
  });
  return Buffer.concat([head, ...strings]);
}
