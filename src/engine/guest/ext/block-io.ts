import { VmferryError } from '../../errors';
import type { BlockDevice } from '../block-device';

/**
 * Reads filesystem blocks from the device, refusing block numbers the filesystem does not have (a corrupt
 * pointer) and reporting a device that ends early (a truncated image) by name and offset.
 */
export class BlockIo {
  constructor(
    readonly device: BlockDevice,
    readonly blockSize: number,
    readonly blocksCount: number,
  ) {}

  get name(): string {
    return this.device.name;
  }

  /** Reads `count` consecutive blocks starting at `block`. `what` names the structure for error messages. */
  async blocks(block: number, count: number, what: string): Promise<Uint8Array> {
    this.checkRange(block, count, what);
    return this.bytes(block * this.blockSize, count * this.blockSize, what);
  }

  block(block: number, what: string): Promise<Uint8Array> {
    return this.blocks(block, 1, what);
  }

  /** Reads exact bytes at a device offset (superblock, an inode inside its table block). */
  async bytes(offset: number, length: number, what: string): Promise<Uint8Array> {
    const bytes = await this.device.read(offset, length);
    if (bytes.length !== length) {
      throw new VmferryError('truncated', `The device ends inside ${what}: needed ${length} bytes, found ${bytes.length}`, {
        file: this.device.name,
        offset,
      });
    }
    return bytes;
  }

  checkRange(block: number, count: number, what: string): void {
    if (!Number.isSafeInteger(block) || block < 0 || count < 0 || block + count > this.blocksCount) {
      throw new VmferryError('corrupt', `ext: ${what} points at block ${block}${count > 1 ? `..${block + count - 1}` : ''}, outside the filesystem's ${this.blocksCount} blocks`, {
        file: this.device.name,
      });
    }
  }
}
