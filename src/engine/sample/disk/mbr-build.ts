import { VmferryError } from '../../errors';

/**
 * A classic MBR (the "MBR partition table" of the UEFI specification §5.2.1, and the IBM PC layout before it):
 * boot code in bytes 0-439, the 32-bit disk signature at 440, four 16-byte partition entries at 446, 0x55 0xAA
 * at 510. Each entry: status (0x80 bootable), CHS of the first sector, type, CHS of the last sector, first LBA,
 * sector count.
 */
export const SECTOR = 512;
export const TYPE_LINUX = 0x83;
export const TYPE_LINUX_SWAP = 0x82;

export interface MbrPartition {
  startSector: number;
  sectors: number;
  type: number;
  bootable?: boolean;
}

/**
 * Boot code that says, through the BIOS teletype call (int 10h, AH=0Eh), that this disk does not boot, then
 * halts: the sample's kernels are placeholders, and a VM started from it should say so instead of hanging.
 *   xor ax,ax · mov ds,ax · mov si,0x7C18 · next: lodsb · or al,al · jz halt · mov ah,0x0E · mov bx,7 · int 10h ·
 *   jmp next · halt: hlt · jmp halt · message
 */
const BOOT_CODE = [0x31, 0xc0, 0x8e, 0xd8, 0xbe, 0x18, 0x7c, 0xac, 0x08, 0xc0, 0x74, 0x09, 0xb4, 0x0e, 0xbb, 0x07, 0x00, 0xcd, 0x10, 0xeb, 0xf2, 0xf4, 0xeb, 0xfd];
const BOOT_MESSAGE = 'VM Ferry sample appliance: its kernels are placeholders, so it does not boot.\r\n';

export function buildMbr(partitions: readonly MbrPartition[], diskSignature: number, diskSectors: number): Uint8Array {
  if (partitions.length > 4) throw new VmferryError('usage', 'An MBR holds at most four primary partitions');
  const mbr = new Uint8Array(SECTOR);
  const view = new DataView(mbr.buffer);
  mbr.set(BOOT_CODE);
  mbr.set(new TextEncoder().encode(BOOT_MESSAGE), BOOT_CODE.length); // NUL-terminated by the zeros after it
  view.setUint32(440, diskSignature, true);
  partitions.forEach((partition, i) => {
    const end = partition.startSector + partition.sectors - 1;
    if (partition.startSector < 1 || partition.sectors < 1 || end >= diskSectors) {
      throw new VmferryError('usage', `Partition ${i + 1} (sectors ${partition.startSector}-${end}) does not fit a ${diskSectors}-sector disk`);
    }
    const at = 446 + i * 16;
    mbr[at] = partition.bootable ? 0x80 : 0x00;
    mbr.set(chs(partition.startSector), at + 1);
    mbr[at + 4] = partition.type;
    mbr.set(chs(end), at + 5);
    view.setUint32(at + 8, partition.startSector, true);
    view.setUint32(at + 12, partition.sectors, true);
  });
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  return mbr;
}

/**
 * Cylinder-head-sector of an LBA in the 255-head, 63-sector translation every BIOS and fdisk of the era used;
 * past cylinder 1023 the entry holds the maximum (1023, 254, 63), and readers use the LBA fields.
 */
function chs(lba: number): Uint8Array {
  const heads = 255;
  const sectorsPerTrack = 63;
  let cylinder = Math.floor(lba / (heads * sectorsPerTrack));
  let head = Math.floor(lba / sectorsPerTrack) % heads;
  let sector = (lba % sectorsPerTrack) + 1;
  if (cylinder > 1023) [cylinder, head, sector] = [1023, 254, 63];
  return Uint8Array.of(head, sector | ((cylinder >> 2) & 0xc0), cylinder & 0xff);
}
