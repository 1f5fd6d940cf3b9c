import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import { BLOCK_ZERO, type VdiHeader } from './vdi-header';

/**
 * The block map (VirtualBox VDICore.h "Block 'pointer'", qemu block/vdi.c bmap): one little-endian u32 per
 * virtual block: the index of the stored block (which sits at data offset + index × (block extra + block size),
 * after `block extra` bytes of its own), BLOCK_FREE (never written, reads as zeros in a base image) or BLOCK_ZERO.
 * Read once into a Uint32Array (4 bytes per MiB of disk); every stored block is checked to lie in the file.
 */
export async function readVdiBlockMap(source: ByteSource, header: VdiHeader): Promise<Uint32Array> {
  const { blockCount, blockMapOffset, blockSize, blockExtra, dataOffset, diskSize } = header;
  const map = new Uint32Array(blockCount);
  const perRead = 1024 * 1024; // entries per read: 4 MiB
  for (let first = 0; first < blockCount; first += perRead) {
    const count = Math.min(perRead, blockCount - first);
    const bytes = await readExact(source, blockMapOffset + first * 4, count * 4, 'VDI block map');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) map[first + i] = view.getUint32(i * 4, true);
  }
  const stride = blockSize + blockExtra;
  const usedBlocks = Math.ceil(diskSize / blockSize);
  for (let block = 0; block < usedBlocks; block++) {
    const entry = map[block]!;
    if (entry >= BLOCK_ZERO) continue;
    // Only the part of the last block that the disk covers has to be present.
    const needed = Math.min(blockSize, diskSize - block * blockSize);
    const start = dataOffset + entry * stride + blockExtra;
    if (start + needed > source.size) {
      throw new VmferryError(
        'corrupt',
        `VDI block map entry ${block} points to stored block ${entry} at byte ${start}, past the end of the file (${source.size} bytes)`,
        { file: source.name, offset: blockMapOffset + block * 4 },
      );
    }
  }
  return map;
}
