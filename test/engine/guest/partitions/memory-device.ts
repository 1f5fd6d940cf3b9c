import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { BlockDevice } from '../../../../src/engine/guest/block-device';

/**
 * A BlockDevice over an image file read into memory (test images are a few MiB). Writes change the copy in
 * memory only, so a test can look at exactly which bytes a write reached.
 */
export interface MemoryDevice extends BlockDevice {
  readonly bytes: Uint8Array;
}

export function memoryDevice(bytes: Uint8Array, name: string): MemoryDevice {
  return {
    name,
    size: bytes.length,
    bytes,
    read: async (offset, length) => bytes.slice(offset, Math.min(bytes.length, offset + length)),
    write: async (offset, data) => {
      if (offset < 0 || offset + data.length > bytes.length) throw new Error(`write outside ${name}`);
      bytes.set(data, offset);
    },
  };
}

export function fileDevice(path: string, name = basename(path)): MemoryDevice {
  return memoryDevice(new Uint8Array(readFileSync(path)), name);
}
