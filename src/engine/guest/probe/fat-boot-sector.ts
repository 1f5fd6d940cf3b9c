import { hasMagic, latin1, viewOf } from '../partitions/bytes';

/**
 * The FAT boot sector and BIOS Parameter Block (Microsoft "FAT: General Overview of On-Disk Format", v1.03):
 * BytsPerSec @11, SecPerClus @13, RsvdSecCnt @14, NumFATs @16, RootEntCnt @17, TotSec16 @19, Media @21,
 * FATSz16 @22, TotSec32 @32; FAT32: FATSz32 @36, RootClus @44, BootSig @66, VolID @67, VolLab @71;
 * FAT12/16: BootSig @38, VolID @39, VolLab @43. The FAT type follows from the cluster count alone
 * (< 4085 FAT12, < 65525 FAT16, else FAT32), never from the type string.
 */
export interface FatGeometry {
  fatType: 12 | 16 | 32;
  bytesPerSector: number;
  sectorsPerCluster: number;
  reservedSectors: number;
  fatCount: number;
  sectorsPerFat: number;
  rootEntries: number;
  totalSectors: number;
  /** FAT12/16: where the fixed root directory starts, and its length, in sectors. */
  rootDirSector: number;
  rootDirSectors: number;
  firstDataSector: number;
  clusterCount: number;
  /** FAT32: the root directory's first cluster. */
  rootCluster: number;
  /** The volume serial number (`ABCD-1234`), or null without an extended BPB. */
  volumeId: string | null;
  /** The boot sector's copy of the label (the root directory's label entry takes precedence). */
  bootLabel: string | null;
}

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** The geometry of a FAT boot sector, or null when the sector is not one. */
export function parseFatBootSector(sector: Uint8Array): FatGeometry | null {
  if (sector.length < 512) return null;
  const jump = sector[0] === 0xeb || sector[0] === 0xe9;
  const view = viewOf(sector);
  const bytesPerSector = view.getUint16(11, true);
  const sectorsPerCluster = sector[13]!;
  const reservedSectors = view.getUint16(14, true);
  const fatCount = sector[16]!;
  const rootEntries = view.getUint16(17, true);
  const media = sector[21]!;
  if (!jump || bytesPerSector < 512 || bytesPerSector > 4096 || !isPowerOfTwo(bytesPerSector)) return null;
  if (!isPowerOfTwo(sectorsPerCluster) || reservedSectors === 0 || fatCount === 0 || fatCount > 4) return null;
  if (media !== 0xf0 && media < 0xf8) return null;
  const sectorsPerFat = view.getUint16(22, true) || view.getUint32(36, true);
  const totalSectors = view.getUint16(19, true) || view.getUint32(32, true);
  if (sectorsPerFat === 0 || totalSectors === 0) return null;
  const rootDirSectors = Math.ceil((rootEntries * 32) / bytesPerSector);
  const rootDirSector = reservedSectors + fatCount * sectorsPerFat;
  const firstDataSector = rootDirSector + rootDirSectors;
  if (firstDataSector >= totalSectors) return null;
  const clusterCount = Math.floor((totalSectors - firstDataSector) / sectorsPerCluster);
  const fatType = clusterCount < 4085 ? 12 : clusterCount < 65525 ? 16 : 32;
  const extended = fatType === 32 ? 64 : 36;
  const hasExtendedBpb = sector[extended + 2] === 0x29 || sector[extended + 2] === 0x28;
  const id = hasExtendedBpb ? view.getUint32(extended + 3, true) : null;
  const rawLabel = hasExtendedBpb && sector[extended + 2] === 0x29 ? latin1(sector.subarray(extended + 7, extended + 18)).trimEnd() : '';
  return {
    fatType,
    bytesPerSector,
    sectorsPerCluster,
    reservedSectors,
    fatCount,
    sectorsPerFat,
    rootEntries,
    totalSectors,
    rootDirSector,
    rootDirSectors,
    firstDataSector,
    clusterCount,
    rootCluster: fatType === 32 ? view.getUint32(44, true) : 0,
    volumeId: id === null ? null : `${hex4(id >>> 16)}-${hex4(id & 0xffff)}`,
    bootLabel: rawLabel && rawLabel !== 'NO NAME' ? rawLabel : null,
  };
}

function hex4(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, '0');
}

/** True for FAT-looking sectors that also carry the "FAT" type string, to keep random data from matching. */
export function hasFatTypeString(sector: Uint8Array): boolean {
  return hasMagic(sector, 54, 'FAT') || hasMagic(sector, 82, 'FAT');
}

/** A root-directory volume label entry: attribute 0x08 (not a long-name entry), not deleted. */
export function volumeLabelEntry(directory: Uint8Array): string | null {
  for (let at = 0; at + 32 <= directory.length; at += 32) {
    const first = directory[at]!;
    if (first === 0) return null;
    const attributes = directory[at + 11]!;
    if (first === 0xe5 || (attributes & 0x3f) === 0x0f || !(attributes & 0x08)) continue;
    const label = latin1(directory.subarray(at, at + 11)).trimEnd();
    return label.length > 0 ? label : null;
  }
  return null;
}
