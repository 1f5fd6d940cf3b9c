import type { BlockDevice } from '../block-device';
import { readUpTo } from '../partitions/bytes';
import { hasFatTypeString, parseFatBootSector, volumeLabelEntry } from './fat-boot-sector';
import type { FilesystemProbe } from './filesystem-probe';

/**
 * A FAT12/16/32 volume: the serial number as its UUID and the label from the root directory's label entry (what
 * blkid and `mkfs.vfat -n` use), falling back to the boot sector's copy. Only the first cluster of a FAT32 root
 * directory is looked at, which is where mkfs and every OS put the label.
 */
export async function probeFat(device: BlockDevice, head: Uint8Array): Promise<FilesystemProbe | null> {
  const geometry = parseFatBootSector(head.subarray(0, 512));
  if (!geometry || !hasFatTypeString(head)) return null;
  const rootStart =
    geometry.fatType === 32
      ? (geometry.firstDataSector + (geometry.rootCluster - 2) * geometry.sectorsPerCluster) * geometry.bytesPerSector
      : geometry.rootDirSector * geometry.bytesPerSector;
  const rootLength = geometry.fatType === 32 ? geometry.sectorsPerCluster * geometry.bytesPerSector : geometry.rootEntries * 32;
  const root = geometry.fatType === 32 && geometry.rootCluster < 2 ? new Uint8Array(0) : await readUpTo(device, rootStart, Math.min(rootLength, 1 << 20));
  return {
    type: 'vfat',
    uuid: geometry.volumeId,
    label: volumeLabelEntry(root) ?? geometry.bootLabel,
    version: `FAT${geometry.fatType}`,
    notes: [],
  };
}
