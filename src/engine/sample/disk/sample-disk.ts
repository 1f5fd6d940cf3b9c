import { formatExt } from '../ext/format-ext';
import { bootTree } from '../guest/boot-tree';
import { SAMPLE_TIME } from '../guest/centos5-release';
import { rootTree } from '../guest/root-tree';
import type { SampleSeed } from '../seed';
import { buildMbr, SECTOR, TYPE_LINUX, TYPE_LINUX_SWAP, type MbrPartition } from './mbr-build';
import { buildSwapHeader } from './swap-build';

/**
 * The sample's one disk, 64 MiB: an MBR and three primary partitions aligned to 1 MiB,
 *   sda1 16 MiB ext2 /boot (bootable) · sda2 40 MiB ext3 / · sda3 7 MiB swap,
 * each filesystem with 1 KiB blocks and 128-byte inodes, as mke2fs made them for a disk this small.
 */
export const DISK_BYTES = 64 * 1024 * 1024;
const MiB_SECTORS = (1024 * 1024) / SECTOR;

export const SAMPLE_PARTITIONS = {
  boot: { startSector: 1 * MiB_SECTORS, sectors: 16 * MiB_SECTORS, type: TYPE_LINUX, bootable: true },
  root: { startSector: 17 * MiB_SECTORS, sectors: 40 * MiB_SECTORS, type: TYPE_LINUX },
  swap: { startSector: 57 * MiB_SECTORS, sectors: 7 * MiB_SECTORS, type: TYPE_LINUX_SWAP },
} satisfies Record<string, MbrPartition>;

export async function buildSampleDisk(seed: SampleSeed): Promise<Uint8Array> {
  const { boot, root, swap } = SAMPLE_PARTITIONS;
  const disk = new Uint8Array(DISK_BYTES);
  disk.set(buildMbr([boot, root, swap], seed.uint32('mbr disk signature'), DISK_BYTES / SECTOR));
  disk.set(
    formatExt({
      name: 'sda1',
      journal: false,
      sizeBytes: boot.sectors * SECTOR,
      uuid: seed.uuid('sda1 uuid'),
      hashSeed: seed.uuid('sda1 hash seed'),
      label: '/boot',
      time: SAMPLE_TIME,
      root: await bootTree(),
    }),
    boot.startSector * SECTOR,
  );
  disk.set(
    formatExt({
      name: 'sda2',
      journal: true,
      sizeBytes: root.sectors * SECTOR,
      uuid: seed.uuid('sda2 uuid'),
      hashSeed: seed.uuid('sda2 hash seed'),
      label: '/',
      time: SAMPLE_TIME,
      root: rootTree(),
    }),
    root.startSector * SECTOR,
  );
  disk.set(buildSwapHeader(swap.sectors * SECTOR, seed.uuid('sda3 uuid'), 'SWAP-sda3'), swap.startSector * SECTOR);
  return disk;
}
