import { VmferryError } from '../../errors';
import type { BlockDevice } from '../block-device';
import { linearVolumeDevice, type LinearPiece } from './linear-volume';
import { numberOf, sectionOf, stringOf, stringsOf, type MetadataSection, type MetadataValue } from './metadata-text';
import type { PvLabel } from './pv-label';

/**
 * Volume groups and logical volumes built from a VG's metadata (the copy with the highest seqno) and the PV
 * labels found on the given devices. Only linear LVs are read (`type = "striped"` with `stripe_count = 1`, one
 * or many segments, over one or many PVs); anything else is listed with a refusal that names the LV and why.
 * Sizes and offsets are in bytes here (the metadata counts 512-byte sectors and extents).
 */
export interface PhysicalVolume {
  /** The metadata's key: `pv0`, `pv1`, ... */
  key: string;
  uuid: string;
  /** The device path LVM last saw it on (`/dev/sda2`): a hint, for messages. */
  deviceHint: string | null;
  /** Byte offset of the first extent on the PV. */
  peStart: number;
  peCount: number;
  /** The device it is on, or null when it was not among the devices scanned. */
  device: BlockDevice | null;
}

export interface LvSegment {
  startExtent: number;
  extentCount: number;
  type: string;
  stripeCount: number;
  /** For linear segments, one entry: the PV key and its first physical extent. */
  stripes: { pv: string; firstExtent: number }[];
}

export interface LogicalVolume {
  name: string;
  /** `VG/LV`, as `/dev/VG/LV` names it. */
  fullName: string;
  uuid: string | null;
  size: number;
  status: string[];
  segments: LvSegment[];
  /** The LV's bytes, or null when it is refused. */
  device: BlockDevice | null;
  /** Why it cannot be read (segment type, missing PV, damaged metadata), or null. */
  refusal: string | null;
}

export interface VolumeGroup {
  name: string;
  uuid: string;
  seqno: number;
  /** Bytes per extent. */
  extentSize: number;
  pvs: PhysicalVolume[];
  /** Visible LVs only: hidden ones (a thin pool's _tdata, a mirror's legs) are parts of others. */
  lvs: LogicalVolume[];
}

const SECTOR = 512;

export function buildVolumeGroup(name: string, vg: MetadataSection, labels: Map<string, PvLabel>, where: string): VolumeGroup {
  const extentSectors = numberOf(vg, 'extent_size') ?? 0;
  if (extentSectors <= 0) throw new VmferryError('corrupt', `volume group ${name} has no valid extent_size`, { file: where });
  const extentSize = extentSectors * SECTOR;
  const pvs: PhysicalVolume[] = [];
  for (const [key, value] of sectionOf(vg, 'physical_volumes') ?? new Map<string, MetadataValue>()) {
    if (!(value instanceof Map)) continue;
    const uuid = stringOf(value, 'id') ?? '';
    const missing = stringsOf(value, 'flags').includes('MISSING');
    pvs.push({
      key,
      uuid,
      deviceHint: stringOf(value, 'device'),
      peStart: (numberOf(value, 'pe_start') ?? 0) * SECTOR,
      peCount: numberOf(value, 'pe_count') ?? 0,
      device: missing ? null : (labels.get(uuid)?.device ?? null),
    });
  }
  const lvs: LogicalVolume[] = [];
  for (const [lvName, value] of sectionOf(vg, 'logical_volumes') ?? new Map<string, MetadataValue>()) {
    if (!(value instanceof Map)) continue;
    const status = stringsOf(value, 'status');
    if (!status.includes('VISIBLE')) continue;
    lvs.push(buildLogicalVolume(`${name}/${lvName}`, lvName, value, status, extentSize, pvs));
  }
  return { name, uuid: stringOf(vg, 'id') ?? '', seqno: numberOf(vg, 'seqno') ?? 0, extentSize, pvs, lvs };
}

function buildLogicalVolume(
  fullName: string,
  name: string,
  lv: MetadataSection,
  status: string[],
  extentSize: number,
  pvs: PhysicalVolume[],
): LogicalVolume {
  const segments = readSegments(lv);
  const extents = segments.reduce((sum, segment) => sum + segment.extentCount, 0);
  const base = { name, fullName, uuid: stringOf(lv, 'id'), size: extents * extentSize, status, segments };
  const refusal = refusalOf(fullName, lv, status, segments, extentSize, pvs);
  if (refusal !== null) return { ...base, device: null, refusal };
  const pieces: LinearPiece[] = segments.map((segment) => {
    const stripe = segment.stripes[0]!;
    const pv = pvs.find((candidate) => candidate.key === stripe.pv)!;
    return {
      start: segment.startExtent * extentSize,
      length: segment.extentCount * extentSize,
      pv: pv.device!,
      pvOffset: pv.peStart + stripe.firstExtent * extentSize,
    };
  });
  return { ...base, device: linearVolumeDevice(fullName, pieces), refusal: null };
}

/** Segments in LV order (segment1, segment2, ... as written; sorted by start_extent to be safe). */
function readSegments(lv: MetadataSection): LvSegment[] {
  const segments: LvSegment[] = [];
  for (const [key, value] of lv) {
    if (!/^segment\d+$/.test(key) || !(value instanceof Map)) continue;
    const raw = value.get('stripes');
    const stripes: LvSegment['stripes'] = [];
    if (Array.isArray(raw)) {
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const pv = raw[i];
        const firstExtent = raw[i + 1];
        if (typeof pv === 'string' && typeof firstExtent === 'number') stripes.push({ pv, firstExtent });
      }
    }
    segments.push({
      startExtent: numberOf(value, 'start_extent') ?? -1,
      extentCount: numberOf(value, 'extent_count') ?? -1,
      type: stringOf(value, 'type') ?? '(none)',
      stripeCount: numberOf(value, 'stripe_count') ?? 0,
      stripes,
    });
  }
  return segments.sort((a, b) => a.startExtent - b.startExtent);
}

/** What each segment type is, for a refusal a user can act on. */
const SEGMENT_TYPE_MEANING: Record<string, string> = {
  thin: 'a thin volume',
  'thin-pool': 'a thin pool',
  snapshot: 'a snapshot',
  mirror: 'a mirror',
  cache: 'a cached volume',
  'cache-pool': 'a cache pool',
  writecache: 'a write-cached volume',
  vdo: 'a VDO (deduplicated) volume',
  'vdo-pool': 'a VDO pool',
  integrity: 'an integrity volume',
  error: 'an error target',
  zero: 'a zero target',
};

function refusalOf(
  fullName: string,
  lv: MetadataSection,
  status: string[],
  segments: LvSegment[],
  extentSize: number,
  pvs: PhysicalVolume[],
): string | null {
  const only = 'only linear volumes can be read';
  if (!status.includes('READ')) return `${fullName} is not readable (status ${status.join(', ')})`;
  if (segments.length === 0) return `${fullName} has no segments`;
  const declared = numberOf(lv, 'segment_count');
  if (declared !== null && declared !== segments.length) return `${fullName} declares ${declared} segments but has ${segments.length}`;
  let nextExtent = 0;
  for (const [index, segment] of segments.entries()) {
    const which = `${fullName} segment ${index + 1}`;
    if (segment.type !== 'striped') {
      const meaning = SEGMENT_TYPE_MEANING[segment.type] ?? (segment.type.startsWith('raid') ? `RAID (${segment.type})` : 'not linear');
      return `${which} has type "${segment.type}" (${meaning}); ${only}`;
    }
    if (segment.stripeCount !== 1) return `${which} has type "striped" with stripe_count = ${segment.stripeCount} (striped over ${segment.stripeCount} PVs); ${only}`;
    if (segment.startExtent !== nextExtent || segment.extentCount <= 0) {
      return `${which} covers extents ${segment.startExtent}..${segment.startExtent + segment.extentCount - 1}, expected to start at ${nextExtent}; the metadata is damaged`;
    }
    nextExtent += segment.extentCount;
    const stripe = segment.stripes[0];
    if (segment.stripes.length !== 1 || !stripe) return `${which} does not name exactly one PV and extent; the metadata is damaged`;
    const pv = pvs.find((candidate) => candidate.key === stripe.pv);
    if (!pv) return `${which} uses ${stripe.pv}, which the volume group does not list; the metadata is damaged`;
    if (stripe.firstExtent < 0 || stripe.firstExtent + segment.extentCount > pv.peCount) {
      return `${which} uses extents ${stripe.firstExtent}..${stripe.firstExtent + segment.extentCount - 1} of ${pv.key}, which has ${pv.peCount}; the metadata is damaged`;
    }
  }
  // The metadata is sound; now whether its PVs are all here.
  for (const [index, segment] of segments.entries()) {
    const which = `${fullName} segment ${index + 1}`;
    const stripe = segment.stripes[0]!;
    const pv = pvs.find((candidate) => candidate.key === stripe.pv)!;
    if (pv.device === null) {
      const seen = pv.deviceHint ? `, last seen as ${pv.deviceHint}` : '';
      return `${which} is on PV ${pv.key} (UUID ${pv.uuid}${seen}), which is not on any of the disks`;
    }
    const end = pv.peStart + (stripe.firstExtent + segment.extentCount) * extentSize;
    if (end > pv.device.size) {
      return `${which} ends at byte ${end} of ${pv.device.name}, which has ${pv.device.size}; the disk is cut short`;
    }
  }
  return null;
}
