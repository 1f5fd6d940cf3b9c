import { VmferryError } from '../../errors';
import { concatBytes } from '../../io/bytes';
import { hasMagic, readExactly, u64le, viewOf } from '../partitions/bytes';
import { crc32Raw } from '../partitions/crc32';
import type { DiskArea, PvLabel } from './pv-label';
import { LVM_INITIAL_CRC } from './pv-label';

/**
 * An LVM2 metadata area (lvm2 `lib/format_text/layout.h`): a 512-byte mda_header at its start, then a circular
 * buffer holding the current metadata text.
 *
 *   mda_header: checksum_xl u32 @0 (calc_crc of bytes 4..512), magic " LVM2 x[5A%r0N*>" @4, version u32 @20 (1),
 *               start u64 @24 (absolute byte of this header on the PV), size u64 @32 (the whole area),
 *               raw_locn[] @40: {offset u64 (from the area start), size u64, checksum u32, flags u32}, ended by
 *               a zero entry. raw_locn[0] is the committed metadata; flag 1 means "ignored" (pvchange
 *               --metadataignore).
 *
 * Text that reaches the end of the area continues right after the header (`start + 512`).
 */
const MDA_HEADER_SIZE = 512;
const MDA_MAGIC = ' LVM2 x[5A%r0N*>';
const RAW_LOCN_IGNORED = 1;

/** The metadata text in this area, or null when the area holds none (new, or marked ignored). */
export async function readMetadataText(label: PvLabel, area: DiskArea): Promise<string | null> {
  const device = label.device;
  const fail = (what: string) => new VmferryError('corrupt', `LVM metadata area at byte ${area.offset}: ${what}`, { file: device.name, offset: area.offset });
  if (area.size < MDA_HEADER_SIZE || area.offset + area.size > device.size) {
    throw fail(`its ${area.size} bytes do not fit on the device (${device.size} bytes)`);
  }
  const header = await readExactly(device, area.offset, MDA_HEADER_SIZE, 'LVM metadata area header');
  const view = viewOf(header);
  if (!hasMagic(header, 4, MDA_MAGIC)) throw fail('no metadata area header magic');
  const stored = view.getUint32(0, true);
  const computed = crc32Raw(LVM_INITIAL_CRC, header.subarray(4));
  if (stored !== computed) throw fail(`header CRC mismatch (stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)})`);
  const version = view.getUint32(20, true);
  if (version !== 1) throw fail(`header version ${version} (only 1 is known)`);
  if (u64le(view, 24) !== area.offset) throw fail(`header says it starts at byte ${u64le(view, 24) ?? '?'}`);
  const size = u64le(view, 32);
  if (size === null || size !== area.size) throw fail(`header says the area is ${size ?? '?'} bytes, the label ${area.size}`);

  const textOffset = u64le(view, 40);
  const textSize = u64le(view, 48);
  const textCrc = view.getUint32(56, true);
  const flags = view.getUint32(60, true);
  if (textOffset === null || textSize === null) throw fail('metadata location beyond 2^53');
  if (textOffset === 0 || textSize === 0 || flags & RAW_LOCN_IGNORED) return null;
  const ring = area.size - MDA_HEADER_SIZE;
  if (textOffset < MDA_HEADER_SIZE || textOffset >= area.size || textSize > ring) {
    throw fail(`metadata text (${textSize} bytes at ${textOffset}) does not fit in the area`);
  }
  const firstPart = Math.min(textSize, area.size - textOffset);
  const parts = [await readExactly(device, area.offset + textOffset, firstPart, 'LVM metadata text')];
  if (firstPart < textSize) {
    parts.push(await readExactly(device, area.offset + MDA_HEADER_SIZE, textSize - firstPart, 'LVM metadata text (wrapped)'));
  }
  let crc = LVM_INITIAL_CRC;
  for (const part of parts) crc = crc32Raw(crc, part);
  if (crc !== textCrc) throw fail(`metadata text CRC mismatch (stored 0x${textCrc.toString(16)}, computed 0x${crc.toString(16)})`);
  return new TextDecoder('utf-8').decode(concatBytes(parts));
}
