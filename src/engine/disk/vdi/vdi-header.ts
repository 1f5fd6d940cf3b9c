import { randomIdentity, type DiskIdentity } from '../identity';
import { VmferryError } from '../../errors';

/**
 * The VDI pre-header and header, version 1.1 (VirtualBox src/VBox/Storage/VDICore.h: VDIPREHEADER, VDIHEADER1 /
 * VDIHEADER1PLUS; the same layout in qemu block/vdi.c), little-endian, in the first sector:
 *
 *   0    text "<<< ... >>>\n" (informational)      64  signature 0xbeda107f      68  version (1.1 = 0x00010001)
 *   72   header size (0x180, or 0x190 with LCHS)   76  image type                80  flags
 *   84   comment (256 bytes)                       340 offset of the block map   344 offset of the data
 *   348  legacy geometry (C, H, S, sector size)    364 unused                    368 disk size (u64)
 *   376  block size                                380 block extra bytes         384 blocks in image
 *   388  blocks allocated                          392 UUID of the image         408 UUID of the last change
 *   424  UUID of the parent (linkage)              440 UUID of the parent's last change
 */
export const VDI_SIGNATURE = 0xbeda107f;
export const VDI_VERSION_1_1 = 0x00010001;
export const VDI_HEADER_SIZE = 0x180;
/** Block map entries: a block never written, and a block that reads as zeros (VDICore.h VDI_IMAGE_BLOCK_*). */
export const BLOCK_FREE = 0xffffffff;
export const BLOCK_ZERO = 0xfffffffe;
/** qemu's limit (block/vdi.c VDI_BLOCKS_IN_IMAGE_MAX): a block map of 4 GiB. */
export const MAX_BLOCKS = 0x3fffffff;

export const VDI_TYPE = { dynamic: 1, fixed: 2, undo: 3, differencing: 4 } as const;

export interface VdiHeader {
  imageType: number;
  blockMapOffset: number;
  dataOffset: number;
  diskSize: number;
  blockSize: number;
  blockExtra: number;
  blockCount: number;
  blocksAllocated: number;
  hasParent: boolean;
}

export function parseVdiHeader(sector: Uint8Array, file: string, fileSize: number): VdiHeader {
  if (sector.length < 72 + VDI_HEADER_SIZE) {
    throw new VmferryError('truncated', `File ends inside the VDI header (${sector.length} of ${72 + VDI_HEADER_SIZE} bytes)`, { file });
  }
  const view = new DataView(sector.buffer, sector.byteOffset, sector.byteLength);
  const u32 = (at: number) => view.getUint32(at, true);
  const corrupt = (what: string, offset: number) => new VmferryError('corrupt', `VDI header: ${what}`, { file, offset });
  if (u32(64) !== VDI_SIGNATURE) throw corrupt(`bad signature 0x${u32(64).toString(16)} (expected 0xbeda107f)`, 64);
  const version = u32(68);
  if (version !== VDI_VERSION_1_1) {
    throw new VmferryError('unsupported', `VDI version ${version >>> 16}.${version & 0xffff} is not supported (only 1.1, what VirtualBox writes)`, {
      file,
      offset: 68,
    });
  }
  const headerSize = u32(72);
  if (headerSize < VDI_HEADER_SIZE || headerSize > 512 - 72) throw corrupt(`header size ${headerSize} is outside ${VDI_HEADER_SIZE}..440`, 72);
  const diskSize = view.getBigUint64(368, true);
  if (diskSize > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(`disk size ${diskSize} is beyond 2^53`, 368);
  const header: VdiHeader = {
    imageType: u32(76),
    blockMapOffset: u32(340),
    dataOffset: u32(344),
    diskSize: Number(diskSize),
    blockSize: u32(376),
    blockExtra: u32(380),
    blockCount: u32(384),
    blocksAllocated: u32(388),
    hasParent: !isNullUuid(sector.subarray(424, 440)),
  };
  checkHeader(header, file, fileSize);
  return header;
}

function checkHeader(header: VdiHeader, file: string, fileSize: number): void {
  const corrupt = (what: string, offset: number) => new VmferryError('corrupt', `VDI header: ${what}`, { file, offset });
  const { imageType, blockSize, blockExtra, blockCount, blockMapOffset, dataOffset, diskSize } = header;
  if (imageType === VDI_TYPE.undo || imageType === VDI_TYPE.differencing || header.hasParent) {
    throw new VmferryError('unsupported', 'This is a differencing VDI (a VirtualBox snapshot); its parent is named only in the VM settings (.vbox)', {
      file,
      offset: 76,
      hint: 'Merge or clone it into a standalone disk first: VBoxManage clonemedium <snapshot.vdi> <disk.vdi>',
    });
  }
  if (imageType !== VDI_TYPE.dynamic && imageType !== VDI_TYPE.fixed) throw corrupt(`unknown image type ${imageType}`, 76);
  if (blockSize < 512 || blockSize > 64 * 1024 * 1024 || (blockSize & (blockSize - 1)) !== 0) {
    throw corrupt(`block size ${blockSize} is not a power of two between 512 bytes and 64 MiB`, 376);
  }
  if (blockExtra > 64 * 1024 * 1024) throw corrupt(`block extra size ${blockExtra} is absurd`, 380);
  if (blockCount > MAX_BLOCKS) throw corrupt(`${blockCount} blocks is absurd (at most ${MAX_BLOCKS})`, 384);
  if (blockCount * blockSize < diskSize) {
    throw corrupt(`${blockCount} blocks of ${blockSize} bytes cannot hold a ${diskSize}-byte disk`, 384);
  }
  const mapEnd = blockMapOffset + blockCount * 4;
  if (blockMapOffset < 72 + VDI_HEADER_SIZE) throw corrupt(`block map offset ${blockMapOffset} lies inside the header`, 340);
  if (mapEnd > fileSize) {
    throw corrupt(`block map of ${blockCount} entries at byte ${blockMapOffset} reaches past the end of the file (${fileSize} bytes)`, 340);
  }
  if (dataOffset < mapEnd) throw corrupt(`data offset ${dataOffset} lies inside the block map (which ends at ${mapEnd})`, 344);
}

function isNullUuid(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}

/** The first sector of a dynamic VDI we write (the rest of the sector is zero). */
export function buildVdiHeader(fields: {
  diskSize: number;
  blockSize: number;
  blockCount: number;
  blocksAllocated: number;
  blockMapOffset: number;
  dataOffset: number;
  identity?: DiskIdentity;
}): Uint8Array {
  const sector = new Uint8Array(512);
  const view = new DataView(sector.buffer);
  const text = '<<< Oracle VM VirtualBox Disk Image >>>\n';
  for (let i = 0; i < text.length; i++) sector[i] = text.charCodeAt(i);
  view.setUint32(64, VDI_SIGNATURE, true);
  view.setUint32(68, VDI_VERSION_1_1, true);
  view.setUint32(72, VDI_HEADER_SIZE, true);
  view.setUint32(76, VDI_TYPE.dynamic, true);
  view.setUint32(340, fields.blockMapOffset, true);
  view.setUint32(344, fields.dataOffset, true);
  view.setUint32(360, 512, true); // legacy geometry: sector size (qemu requires 512)
  view.setBigUint64(368, BigInt(fields.diskSize), true);
  view.setUint32(376, fields.blockSize, true);
  view.setUint32(384, fields.blockCount, true);
  view.setUint32(388, fields.blocksAllocated, true);
  sector.set(randomUuid(fields.identity, 'vdi image uuid'), 392); // this image
  sector.set(randomUuid(fields.identity, 'vdi modification uuid'), 408); // its last modification
  return sector;
}

/**
 * A random (version 4) UUID in VirtualBox's RTUUID byte order: the first three fields little-endian, so the
 * version nibble is the high nibble of byte 7 and the variant the top bits of byte 8.
 */
export function randomUuid(identity: DiskIdentity = randomIdentity, purpose = 'vdi uuid'): Uint8Array {
  const uuid = identity.bytes(16, purpose);
  uuid[7] = (uuid[7]! & 0x0f) | 0x40;
  uuid[8] = (uuid[8]! & 0x3f) | 0x80;
  return uuid;
}
