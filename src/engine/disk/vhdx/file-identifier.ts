import { VmferryError } from '../../errors';
import { ascii } from './fields';

/**
 * The file type identifier ([MS-VHDX] 2.2.1): the first 64 KiB of the file start with the signature
 * `vhdxfile` and an optional UTF-16LE creator string of up to 256 characters, for diagnostics only.
 */
export const FILE_IDENTIFIER_SIGNATURE = 'vhdxfile';
export const FILE_IDENTIFIER_SIZE = 8 + 512;
const CREATOR_CHARS = 256;

export function checkFileIdentifier(bytes: Uint8Array, file: string): void {
  if (bytes.length < 8 || ascii(bytes, 0, 8) !== FILE_IDENTIFIER_SIGNATURE) {
    throw new VmferryError('corrupt', `No VHDX file identifier ("${FILE_IDENTIFIER_SIGNATURE}") at the start of the file`, { file, offset: 0 });
  }
}

export function buildFileIdentifier(creator: string): Uint8Array {
  const out = new Uint8Array(FILE_IDENTIFIER_SIZE);
  for (let i = 0; i < 8; i++) out[i] = FILE_IDENTIFIER_SIGNATURE.charCodeAt(i);
  const text = creator.slice(0, CREATOR_CHARS);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[8 + i * 2] = unit & 0xff;
    out[9 + i * 2] = unit >>> 8;
  }
  return out;
}
