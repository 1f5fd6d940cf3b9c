import { VmferryError } from '../../errors';
import type { ExtGeometry } from './ext-geometry';

/**
 * Hands out blocks in ascending order, skipping every group's metadata, as a freshly made filesystem is filled:
 * each file's blocks are contiguous except where they cross a group's metadata, so e2fsck counts no file as
 * fragmented and the image compresses into few VMDK grains.
 */
export class SequentialAllocator {
  /** One entry per block: 1 when in use (metadata or allocated). */
  readonly used: Uint8Array;
  private cursor: number;

  constructor(
    private readonly geometry: ExtGeometry,
    private readonly name: string,
  ) {
    this.used = new Uint8Array(geometry.blocksCount);
    for (let block = 0; block < geometry.firstDataBlock; block++) this.used[block] = 1; // the 1 KiB boot block
    for (const group of geometry.groups) this.used.fill(1, group.start, group.firstDataBlock);
    this.cursor = geometry.groups[0]!.firstDataBlock;
  }

  allocate(): number {
    while (this.cursor < this.geometry.blocksCount && this.used[this.cursor]) this.cursor++;
    if (this.cursor >= this.geometry.blocksCount) {
      throw new VmferryError('usage', `The files do not fit in the ${this.geometry.blocksCount}-block filesystem`, { file: this.name });
    }
    this.used[this.cursor] = 1;
    return this.cursor++;
  }
}
