import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import { latin1, parseVhdFooter, VHD_COOKIE, VHD_FIXED, VHD_FOOTER_SIZE, type VhdFooter } from './footer';
import { formatUuid } from './uuid';

export interface LocatedFooter {
  footer: VhdFooter;
  /** Where the footer starts: the end of the data. */
  offset: number;
  /** 512, or 511 for disks made by Virtual PC before 2004. */
  length: number;
}

/**
 * Finds the footer of a VHD at the end of the file: the only copy a fixed disk has, and the authoritative one
 * of a dynamic or differencing disk (qemu probes only offset 0, so it calls a fixed VHD raw; we look at the end).
 *
 * A dynamic disk also keeps a copy at offset 0. We read the end copy and compare the fields that decide what
 * the disk is (type, current size, geometry, creator, id, header offset): when they disagree we refuse, because qemu
 * trusts the start copy and we would silently read a different disk than qemu does. Other differences (a
 * timestamp, the saved-state flag) and an unreadable start copy are tolerated: the end copy decides.
 * A file whose end is not a footer was cut short (an interrupted copy or upload, XO issue #5071).
 */
export async function locateVhdFooter(source: ByteSource): Promise<LocatedFooter> {
  if (source.size < VHD_FOOTER_SIZE - 1) {
    throw new VmferryError('truncated', `File is ${source.size} bytes, too short to hold a VHD footer (512 bytes)`, {
      file: source.name,
    });
  }
  const tailStart = Math.max(0, source.size - VHD_FOOTER_SIZE);
  const tail = await readExact(source, tailStart, source.size - tailStart, 'VHD footer');
  let located: LocatedFooter | null = null;
  if (tail.length === VHD_FOOTER_SIZE && latin1(tail.subarray(0, 8)) === VHD_COOKIE) {
    located = { footer: parseVhdFooter(tail, source.name, tailStart), offset: tailStart, length: VHD_FOOTER_SIZE };
  } else if (latin1(tail.subarray(tail.length - 511, tail.length - 503)) === VHD_COOKIE) {
    const offset = source.size - 511;
    located = { footer: parseVhdFooter(tail.subarray(tail.length - 511), source.name, offset), offset, length: 511 };
  }
  if (!located) throw await missingFooterError(source);
  if (located.footer.diskType !== VHD_FIXED) await compareStartCopy(source, located.footer);
  return located;
}

async function missingFooterError(source: ByteSource): Promise<VmferryError> {
  const head = await source.read(0, VHD_FOOTER_SIZE);
  if (head.length === VHD_FOOTER_SIZE && latin1(head.subarray(0, 8)) === VHD_COOKIE) {
    return new VmferryError(
      'truncated',
      'The VHD footer is missing from the end of the file (the copy at the start is there): the file was cut short',
      { file: source.name, offset: source.size, hint: 'Copy or download the disk again; the end of the file is missing' },
    );
  }
  return new VmferryError('corrupt', `No VHD footer: the last 512 bytes do not start with "${VHD_COOKIE}"`, {
    file: source.name,
    offset: source.size - VHD_FOOTER_SIZE,
  });
}

async function compareStartCopy(source: ByteSource, end: VhdFooter): Promise<void> {
  const head = await source.read(0, VHD_FOOTER_SIZE);
  let start: VhdFooter;
  try {
    start = parseVhdFooter(head, source.name, 0);
  } catch {
    return; // a damaged start copy: the end copy is intact and decides
  }
  const differences: [string, string, string][] = [
    ['disk type', String(start.diskType), String(end.diskType)],
    ['current size', String(start.currentSize), String(end.currentSize)],
    ['geometry', chs(start), chs(end)],
    ['creator', JSON.stringify(start.creatorApp), JSON.stringify(end.creatorApp)],
    ['unique id', formatUuid(start.uniqueId), formatUuid(end.uniqueId)],
    ['header offset', String(start.dataOffset), String(end.dataOffset)],
  ];
  for (const [field, atStart, atEnd] of differences) {
    if (atStart !== atEnd) {
      throw new VmferryError('corrupt', `The two copies of the VHD footer disagree on the ${field}: ${atStart} at the start, ${atEnd} at the end`, {
        file: source.name,
        hint: 'The file was probably modified while being copied; take a fresh copy of the disk',
      });
    }
  }
}

function chs(footer: VhdFooter): string {
  const { cylinders, heads, sectorsPerTrack } = footer.geometry;
  return `${cylinders}/${heads}/${sectorsPerTrack}`;
}
