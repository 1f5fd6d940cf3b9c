/**
 * The CHS geometry stored in the VHD footer ("Virtual Hard Disk Image Format Specification" v1.0, Appendix
 * "CHS Calculation"). Virtual PC and qemu's `qemu` creator size a disk by C×H×S rather than by its current
 * size, so the geometry we write must cover the whole disk.
 */
export interface ChsGeometry {
  cylinders: number;
  heads: number;
  sectorsPerTrack: number;
}

/** The largest geometry the footer can hold: 65535 cylinders, 16 heads, 255 sectors (about 127 GiB). */
export const MAX_CHS: ChsGeometry = { cylinders: 65535, heads: 16, sectorsPerTrack: 255 };
const MAX_CHS_SECTORS = 65535 * 16 * 255;

export function chsSectors({ cylinders, heads, sectorsPerTrack }: ChsGeometry): number {
  return cylinders * heads * sectorsPerTrack;
}

/**
 * The spec's algorithm, as published: it rounds down, so C×H×S may fall a little short of `totalSectors`.
 * Sizes above the maximum are clamped to it.
 */
export function specGeometry(totalSectors: number): ChsGeometry {
  const sectors = Math.min(totalSectors, MAX_CHS_SECTORS);
  let sectorsPerTrack: number;
  let heads: number;
  let cylinderTimesHeads: number;
  if (sectors >= 65535 * 16 * 63) {
    sectorsPerTrack = 255;
    heads = 16;
    cylinderTimesHeads = Math.floor(sectors / sectorsPerTrack);
  } else {
    sectorsPerTrack = 17;
    cylinderTimesHeads = Math.floor(sectors / sectorsPerTrack);
    heads = Math.max(4, Math.floor((cylinderTimesHeads + 1023) / 1024));
    if (cylinderTimesHeads >= heads * 1024 || heads > 16) {
      sectorsPerTrack = 31;
      heads = 16;
      cylinderTimesHeads = Math.floor(sectors / sectorsPerTrack);
    }
    if (cylinderTimesHeads >= heads * 1024) {
      sectorsPerTrack = 63;
      heads = 16;
      cylinderTimesHeads = Math.floor(sectors / sectorsPerTrack);
    }
  }
  return { cylinders: Math.floor(cylinderTimesHeads / heads), heads, sectorsPerTrack };
}

/**
 * A geometry that covers `totalSectors`: the spec's geometry for the smallest sector count (at or above the
 * size) whose geometry is large enough — the rule qemu applies when it creates a VHD, so a disk of the same
 * size gets the same geometry from both. A disk larger than the maximum geometry gets the maximum, which
 * every reader takes as "use the current size" (qemu block/vpc.c, vpc_open).
 */
export function coveringGeometry(totalSectors: number): ChsGeometry {
  if (totalSectors > MAX_CHS_SECTORS) return MAX_CHS;
  // Each step adds one sector; the spec's geometry catches up within one cylinder (at most 16 × 255 sectors)
  // plus the few steps where its heads or sectors per track change. The bound only guards against a mistake.
  for (let candidate = totalSectors; candidate <= totalSectors + (1 << 16); candidate++) {
    const geometry = specGeometry(candidate);
    if (chsSectors(geometry) >= totalSectors) return geometry;
  }
  return MAX_CHS;
}
