import { VmferryError } from '../../errors';
import type { BlockDevice } from '../block-device';
import { hasMagic, latin1, readUpTo, u64le, viewOf } from '../partitions/bytes';
import { crc32Raw } from '../partitions/crc32';

/**
 * The LVM2 physical volume label (lvm2 `lib/label/label.h`, `lib/format_text/layout.h`): in one of the first
 * four 512-byte sectors (pvcreate uses sector 1),
 *
 *   label_header: "LABELONE" @0, sector_xl u64 @8 (the sector it is in), crc_xl u32 @16 (CRC of bytes 20..512),
 *                 offset_xl u32 @20 (where the pv_header starts, normally 32), type "LVM2 001" @24
 *   pv_header:    pv_uuid[32] (ASCII, no dashes), device_size_xl u64 (bytes),
 *                 data areas {offset u64, size u64}... ended by a zero pair,
 *                 metadata areas {offset u64, size u64}... ended by a zero pair (offsets in bytes from the PV start)
 *
 * All little-endian. The CRC is lvm2's `calc_crc`: CRC-32 (0xEDB88320) from 0xf597a6cf, no final XOR.
 */
export const LVM_INITIAL_CRC = 0xf597a6cf;
const LABEL_SCAN_SECTORS = 4;
const SECTOR = 512;

export interface DiskArea {
  offset: number;
  /** 0 for a data area means "to the end of the device". */
  size: number;
}

export interface PvLabel {
  device: BlockDevice;
  /** The PV UUID with dashes (6-4-4-4-4-4-6), as the metadata's `id` writes it. */
  uuid: string;
  deviceSize: number;
  dataAreas: DiskArea[];
  metadataAreas: DiskArea[];
}

/** The label of a PV on `device`, null when there is none; a damaged label is a 'corrupt' error. */
export async function readPvLabel(device: BlockDevice): Promise<PvLabel | null> {
  const head = await readUpTo(device, 0, LABEL_SCAN_SECTORS * SECTOR);
  for (let sector = 0; sector < LABEL_SCAN_SECTORS; sector++) {
    const bytes = head.subarray(sector * SECTOR, (sector + 1) * SECTOR);
    if (bytes.length < SECTOR || !hasMagic(bytes, 0, 'LABELONE')) continue;
    return parseLabel(device, bytes, sector);
  }
  return null;
}

function parseLabel(device: BlockDevice, bytes: Uint8Array, sector: number): PvLabel {
  const view = viewOf(bytes);
  const offset = sector * SECTOR;
  const fail = (what: string) => new VmferryError('corrupt', `LVM physical volume label in sector ${sector}: ${what}`, { file: device.name, offset });
  const stored = view.getUint32(16, true);
  const computed = crc32Raw(LVM_INITIAL_CRC, bytes.subarray(20));
  if (stored !== computed) throw fail(`CRC mismatch (stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)})`);
  if (u64le(view, 8) !== sector) throw fail(`it says it is in sector ${u64le(view, 8) ?? '?'}`);
  const type = latin1(bytes.subarray(24, 32));
  if (type !== 'LVM2 001') throw fail(`unknown label type "${type}" (only "LVM2 001" is known)`);
  const headerAt = view.getUint32(20, true);
  // pv_header: 32 + 8 bytes, then at least two zero pairs of 16 bytes.
  if (headerAt < 32 || headerAt + 40 + 32 > SECTOR) throw fail(`pv_header offset ${headerAt} is impossible`);
  const uuid = latin1(bytes.subarray(headerAt, headerAt + 32));
  if (!/^[A-Za-z0-9!#]{32}$/.test(uuid)) throw fail('the PV UUID is not 32 LVM UUID characters');
  const deviceSize = u64le(view, headerAt + 32);
  if (deviceSize === null) throw fail('device size beyond 2^53');
  let at = headerAt + 40;
  const readAreas = (): DiskArea[] => {
    const areas: DiskArea[] = [];
    for (;;) {
      if (at + 16 > SECTOR) throw fail('area list runs past the end of the label sector');
      const areaOffset = u64le(view, at);
      const size = u64le(view, at + 8);
      at += 16;
      if (areaOffset === null || size === null) throw fail('an area lies beyond 2^53');
      if (areaOffset === 0) return areas;
      areas.push({ offset: areaOffset, size });
    }
  };
  const dataAreas = readAreas();
  const metadataAreas = readAreas();
  return { device, uuid: dashedUuid(uuid), deviceSize, dataAreas, metadataAreas };
}

/** LVM writes UUIDs as 6-4-4-4-4-4-6 groups in its metadata and tools. */
export function dashedUuid(uuid: string): string {
  const groups = [6, 4, 4, 4, 4, 4, 6];
  const parts: string[] = [];
  let at = 0;
  for (const length of groups) {
    parts.push(uuid.slice(at, at + length));
    at += length;
  }
  return parts.join('-');
}
