import { VmferryError } from '../../errors';
import { checksumOf } from './checksum';
import { ascii, viewOf } from './fields';
import { guidEquals, GUID_SIZE, type Guid } from './guid';

/**
 * One log entry ([MS-VHDX] 2.3.1): a 64-byte entry header ("loge", CRC-32C over the whole entry, EntryLength,
 * Tail, SequenceNumber, DescriptorCount, LogGuid, FlushedFileOffset, LastFileOffset), then 32-byte descriptors
 * packed after it in 4 KiB sectors, then one 4 KiB data sector per data descriptor. A data descriptor ("desc")
 * writes 4 KiB at FileOffset: its first 8 and last 4 bytes are kept in the descriptor (LeadingBytes,
 * TrailingBytes), the middle 4084 in the data sector ("data", SequenceHigh, ..., SequenceLow). A zero descriptor
 * ("zero") writes ZeroLength zero bytes at FileOffset.
 *
 * The log is a circular buffer of 4 KiB sectors, so an entry may wrap from the end of the log to its start.
 */
export const LOG_SECTOR = 4096;
const ENTRY_HEADER_SIZE = 64;
const DESCRIPTOR_SIZE = 32;

export interface LogEntry {
  /** Byte offset of the entry inside the log. */
  readonly position: number;
  readonly length: number;
  /** Where the sequence this entry ends starts (2.3.1.1): the oldest entry still needed for replay. */
  readonly tail: number;
  readonly sequenceNumber: bigint;
  readonly flushedFileOffset: number;
  readonly lastFileOffset: number;
  /** The entry's bytes (descriptors and data sectors), for `descriptorsOf`. */
  readonly bytes: Uint8Array;
  readonly descriptorCount: number;
}

export type LogWrite =
  | { readonly kind: 'data'; readonly fileOffset: number; readonly sector: Uint8Array }
  | { readonly kind: 'zero'; readonly fileOffset: number; readonly length: number };

/** The whole log region in memory, read as the circular buffer it is. */
export class LogRing {
  constructor(readonly bytes: Uint8Array) {}

  get length(): number {
    return this.bytes.length;
  }

  /** `length` bytes from `position`, wrapping at the end (a copy only when it wraps). */
  slice(position: number, length: number): Uint8Array {
    if (position + length <= this.bytes.length) return this.bytes.subarray(position, position + length);
    const out = new Uint8Array(length);
    const first = this.bytes.length - position;
    out.set(this.bytes.subarray(position));
    out.set(this.bytes.subarray(0, length - first), first);
    return out;
  }
}

/** Bytes of checksumming left before a log is declared too tangled to examine (bounded time on hostile input). */
export interface ChecksumBudget {
  remaining: number;
}

/**
 * The entry at `position` if it is valid (2.3.1.1 to 2.3.1.4): signature, lengths, the file's LogGuid, the
 * checksum over the whole entry, and every descriptor and data sector agreeing on the sequence number.
 * Anything else is not an entry (stale bytes from an older pass around the ring are normal) and gives null.
 */
export function readLogEntry(ring: LogRing, position: number, logGuid: Guid, budget: ChecksumBudget, file: string): LogEntry | null {
  const head = ring.slice(position, ENTRY_HEADER_SIZE);
  if (ascii(head, 0, 4) !== 'loge') return null;
  const view = viewOf(head);
  const length = view.getUint32(8, true);
  const tail = view.getUint32(12, true);
  const sequenceNumber = view.getBigUint64(16, true);
  const descriptorCount = view.getUint32(24, true);
  if (length < LOG_SECTOR || length % LOG_SECTOR !== 0 || length > ring.length) return null;
  if (tail % LOG_SECTOR !== 0 || tail >= ring.length || sequenceNumber === 0n) return null;
  if (!guidEquals(head.subarray(32, 32 + GUID_SIZE), logGuid)) return null;
  if (descriptorSectors(descriptorCount) > length / LOG_SECTOR) return null;

  budget.remaining -= length;
  if (budget.remaining < 0) {
    throw new VmferryError('corrupt', 'The VHDX log holds too many overlapping entries to examine', {
      file,
      hint: 'Open the disk once in Hyper-V, or run `qemu-img check -r all` on a copy, to replay the log',
    });
  }
  const bytes = ring.slice(position, length);
  if (checksumOf(bytes) !== viewOf(bytes).getUint32(4, true)) return null;

  const flushed = view.getBigUint64(48, true);
  const last = view.getBigUint64(56, true);
  if (flushed > BigInt(Number.MAX_SAFE_INTEGER) || last > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  const entry: LogEntry = {
    position,
    length,
    tail,
    sequenceNumber,
    flushedFileOffset: Number(flushed),
    lastFileOffset: Number(last),
    bytes,
    descriptorCount,
  };
  return descriptorsAreValid(entry) ? entry : null;
}

/** How many 4 KiB sectors the entry header and `count` descriptors occupy (126 fit the first, 128 the others). */
export function descriptorSectors(count: number): number {
  return Math.ceil((ENTRY_HEADER_SIZE + count * DESCRIPTOR_SIZE) / LOG_SECTOR);
}

function descriptorsAreValid(entry: LogEntry): boolean {
  try {
    let dataSectors = 0;
    for (const write of descriptorsOf(entry)) if (write.kind === 'data') dataSectors++;
    return descriptorSectors(entry.descriptorCount) + dataSectors <= entry.length / LOG_SECTOR;
  } catch {
    return false;
  }
}

/** The writes an entry makes, in order (throws on an inconsistent descriptor: call only on validated entries). */
export function* descriptorsOf(entry: LogEntry): Generator<LogWrite> {
  const view = viewOf(entry.bytes);
  let dataSector = descriptorSectors(entry.descriptorCount) * LOG_SECTOR;
  for (let i = 0; i < entry.descriptorCount; i++) {
    const at = ENTRY_HEADER_SIZE + i * DESCRIPTOR_SIZE;
    const signature = ascii(entry.bytes, at, 4);
    const fileOffset = Number(view.getBigUint64(at + 16, true));
    if (view.getBigUint64(at + 24, true) !== entry.sequenceNumber) throw new Error('descriptor sequence number mismatch');
    if (!Number.isSafeInteger(fileOffset) || fileOffset % LOG_SECTOR !== 0) throw new Error('descriptor file offset');
    if (signature === 'zero') {
      const length = Number(view.getBigUint64(at + 8, true));
      if (!Number.isSafeInteger(length) || length % LOG_SECTOR !== 0 || !Number.isSafeInteger(fileOffset + length)) throw new Error('zero length');
      yield { kind: 'zero', fileOffset, length };
    } else if (signature === 'desc') {
      if (dataSector + LOG_SECTOR > entry.bytes.length) throw new Error('data sector past the entry');
      const data = entry.bytes.subarray(dataSector, dataSector + LOG_SECTOR);
      const dataView = viewOf(data);
      const sequence = (BigInt(dataView.getUint32(4, true)) << 32n) | BigInt(dataView.getUint32(LOG_SECTOR - 4, true));
      if (ascii(data, 0, 4) !== 'data' || sequence !== entry.sequenceNumber) throw new Error('data sector mismatch');
      const sector = new Uint8Array(LOG_SECTOR);
      sector.set(entry.bytes.subarray(at + 8, at + 16), 0); // LeadingBytes
      sector.set(data.subarray(8, LOG_SECTOR - 4), 8);
      sector.set(entry.bytes.subarray(at + 4, at + 8), LOG_SECTOR - 4); // TrailingBytes
      dataSector += LOG_SECTOR;
      yield { kind: 'data', fileOffset, sector };
    } else {
      throw new Error(`unknown descriptor ${signature}`);
    }
  }
}
