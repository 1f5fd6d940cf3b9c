import { VmferryError } from '../../errors';

/**
 * Header extensions (qemu docs/interop/qcow2.txt, "Header extensions", "String header extensions", "Feature name
 * table"): type (u32), length (u32), data padded to 8 bytes, directly after the header and up to the backing
 * file name (or the end of cluster 0). Unknown types are skipped, as the spec allows.
 */
export const EXTENSION = {
  end: 0x00000000,
  backingFormat: 0xe2792aca,
  featureNameTable: 0x6803f857,
  bitmaps: 0x23852875,
  fullDiskEncryption: 0x0537be77,
  externalDataFile: 0x44415441,
} as const;

export interface FeatureName {
  /** 0 incompatible, 1 compatible, 2 autoclear. */
  type: number;
  bit: number;
  name: string;
}

export interface Qcow2Extensions {
  backingFormat: string | null;
  featureNames: FeatureName[];
  externalDataFile: string | null;
  hasEncryptionHeader: boolean;
}

/** Reads the extensions in `cluster0[start, end)`. */
export function parseHeaderExtensions(cluster0: Uint8Array, start: number, end: number, file: string): Qcow2Extensions {
  const result: Qcow2Extensions = { backingFormat: null, featureNames: [], externalDataFile: null, hasEncryptionHeader: false };
  const view = new DataView(cluster0.buffer, cluster0.byteOffset, cluster0.byteLength);
  const limit = Math.min(end, cluster0.length);
  for (let at = start; at + 8 <= limit; ) {
    const type = view.getUint32(at);
    const length = view.getUint32(at + 4);
    if (type === EXTENSION.end) break;
    const data = at + 8;
    if (length > limit - data) {
      throw new VmferryError('corrupt', `qcow2 header extension 0x${type.toString(16)} of ${length} bytes runs past the end of the header area`, {
        file,
        offset: at,
      });
    }
    const bytes = cluster0.subarray(data, data + length);
    if (type === EXTENSION.backingFormat) result.backingFormat = latin1(bytes);
    else if (type === EXTENSION.externalDataFile) result.externalDataFile = latin1(bytes);
    else if (type === EXTENSION.fullDiskEncryption) result.hasEncryptionHeader = true;
    else if (type === EXTENSION.featureNameTable) result.featureNames = parseFeatureNames(bytes);
    at = data + Math.ceil(length / 8) * 8;
  }
  return result;
}

/** Entries of 48 bytes: type, bit number, name (46 bytes, zero-padded). */
function parseFeatureNames(bytes: Uint8Array): FeatureName[] {
  const names: FeatureName[] = [];
  for (let at = 0; at + 48 <= bytes.length; at += 48) {
    names.push({ type: bytes[at]!, bit: bytes[at + 1]!, name: latin1(bytes.subarray(at + 2, at + 48)).replace(/\0.*$/s, '') });
  }
  return names;
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}
