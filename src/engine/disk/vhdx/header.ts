import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import { checksumOf, sealChecksum } from './checksum';
import { ascii, hex32, KiB, MiB, readUint64, viewOf, writeUint64 } from './fields';
import { GUID_SIZE, isZeroGuid, type Guid } from './guid';

/**
 * The two headers ([MS-VHDX] 2.2.2): 4 KiB structures at 64 KiB and 128 KiB, each protected by a CRC-32C over
 * the whole 4 KiB (checksum field taken as zero). The current header is the valid one with the greater
 * SequenceNumber; it locates the log and carries the DataWriteGuid that a differencing child's
 * `parent_linkage` must match.
 */
export const HEADER_OFFSETS = [64 * KiB, 128 * KiB] as const;
export const HEADER_SIZE = 4 * KiB;
const SIGNATURE = 'head';

export interface VhdxHeader {
  /** 1 or 2: which copy, for messages. */
  readonly copy: number;
  readonly sequenceNumber: bigint;
  readonly fileWriteGuid: Guid;
  readonly dataWriteGuid: Guid;
  /** Non-zero when the log holds entries that must be replayed before the file is consistent (2.3). */
  readonly logGuid: Guid;
  readonly logVersion: number;
  readonly version: number;
  readonly logLength: number;
  readonly logOffset: number;
}

export type HeaderFields = Omit<VhdxHeader, 'copy'>;

/** Parses one header copy; returns why it is not valid instead of throwing, since the other copy may be. */
export function parseHeader(bytes: Uint8Array, copy: number, file: string): VhdxHeader | string {
  if (ascii(bytes, 0, 4) !== SIGNATURE) return `no "${SIGNATURE}" signature`;
  const view = viewOf(bytes);
  const stored = view.getUint32(4, true);
  const computed = checksumOf(bytes);
  if (stored !== computed) return `checksum mismatch (stored ${hex32(stored)}, computed ${hex32(computed)})`;
  const version = view.getUint16(66, true);
  if (version !== 1) return `version ${version} (only version 1 is defined)`;
  const at = HEADER_OFFSETS[copy - 1]!;
  return {
    copy,
    sequenceNumber: view.getBigUint64(8, true),
    fileWriteGuid: bytes.slice(16, 16 + GUID_SIZE),
    dataWriteGuid: bytes.slice(32, 32 + GUID_SIZE),
    logGuid: bytes.slice(48, 48 + GUID_SIZE),
    logVersion: view.getUint16(64, true),
    version,
    logLength: view.getUint32(68, true),
    logOffset: readUint64(view, 72, `Header ${copy} LogOffset`, file, at + 72),
  };
}

/** Reads both copies and returns the current one, or a 'corrupt' error saying what is wrong with each. */
export async function readCurrentHeader(source: ByteSource): Promise<VhdxHeader> {
  const results: (VhdxHeader | string)[] = [];
  const raw: Uint8Array[] = [];
  for (const [index, offset] of HEADER_OFFSETS.entries()) {
    if (source.size < offset + HEADER_SIZE) {
      results.push(`the file ends at byte ${source.size}, before it`);
      raw.push(new Uint8Array(0));
      continue;
    }
    const bytes = await readExact(source, offset, HEADER_SIZE, `VHDX header ${index + 1}`);
    raw.push(bytes);
    results.push(parseHeader(bytes, index + 1, source.name));
  }
  const [first, second] = results as [VhdxHeader | string, VhdxHeader | string];
  if (typeof first === 'string' && typeof second === 'string') {
    throw new VmferryError('corrupt', `Neither VHDX header is valid: header 1 (at byte ${HEADER_OFFSETS[0]}): ${first}; header 2 (at byte ${HEADER_OFFSETS[1]}): ${second}`, {
      file: source.name,
      offset: HEADER_OFFSETS[0],
    });
  }
  if (typeof first === 'string') return second as VhdxHeader;
  if (typeof second === 'string') return first;
  if (first.sequenceNumber !== second.sequenceNumber) return first.sequenceNumber > second.sequenceNumber ? first : second;
  // Equal sequence numbers leave no current header; Disk2vhd writes two identical headers, which qemu accepts too.
  if (sameBytes(raw[0]!, raw[1]!)) return first;
  throw new VmferryError('corrupt', `Both VHDX headers are valid but have the same sequence number ${first.sequenceNumber} and different contents, so neither is current`, {
    file: source.name,
    offset: HEADER_OFFSETS[0],
  });
}

/** Checks the log location the current header declares (2.2.2: LogOffset and LogLength are 1 MiB multiples). */
export function checkLogPlacement(header: VhdxHeader, fileSize: number, file: string): void {
  const where = { file, offset: HEADER_OFFSETS[header.copy - 1] };
  if (header.logVersion !== 0) {
    throw new VmferryError('unsupported', `VHDX log version ${header.logVersion} (only version 0 is defined)`, where);
  }
  if (header.logOffset < MiB || header.logOffset % MiB !== 0 || header.logLength % MiB !== 0) {
    throw new VmferryError('corrupt', `Header ${header.copy} places the log at byte ${header.logOffset} with length ${header.logLength}; both must be multiples of 1 MiB, after the first MiB`, where);
  }
  if (header.logOffset + header.logLength > fileSize) {
    throw new VmferryError('truncated', `The VHDX log (bytes ${header.logOffset} to ${header.logOffset + header.logLength}) runs past the end of the file (${fileSize} bytes)`, where);
  }
}

export function hasActiveLog(header: VhdxHeader): boolean {
  return !isZeroGuid(header.logGuid) && header.logLength > 0;
}

/** A header copy, checksummed (2.2.2). */
export function buildHeader(fields: HeaderFields): Uint8Array {
  const bytes = new Uint8Array(HEADER_SIZE);
  const view = viewOf(bytes);
  for (let i = 0; i < 4; i++) bytes[i] = SIGNATURE.charCodeAt(i);
  view.setBigUint64(8, fields.sequenceNumber, true);
  bytes.set(fields.fileWriteGuid, 16);
  bytes.set(fields.dataWriteGuid, 32);
  bytes.set(fields.logGuid, 48);
  view.setUint16(64, fields.logVersion, true);
  view.setUint16(66, fields.version, true);
  view.setUint32(68, fields.logLength, true);
  writeUint64(view, 72, fields.logOffset);
  return sealChecksum(bytes);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
