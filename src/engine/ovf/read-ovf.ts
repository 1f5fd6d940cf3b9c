import { VmferryError } from '../errors';
import { checkEnvelope } from './check-hardware';
import type { Envelope } from './model';
import { ReadContext } from './read-context';
import { readEnvelope } from './read-envelope';
import { parseXml } from './xml';
import { decodeXmlBytes } from './xml-text';

export interface OvfReadResult {
  envelope: Envelope;
  /** Parts kept verbatim without being understood ("Kept unrecognised section vbox:Machine in ..."). */
  notes: string[];
  /** Suspicious content: missing capacities, dangling references, clashing addresses, unknown types. */
  warnings: string[];
}

/** Descriptors are small XML files (the largest real ones are tens of KB); this bounds what we hold in memory. */
export const MAX_DESCRIPTOR_BYTES = 32 * 1024 * 1024;

/**
 * Reads an OVF descriptor (0.9, 1.x or 2.x) from its bytes. Throws a VmferryError ('xml' for malformed or unsafe
 * XML, 'unknown-format' when the root is not an Envelope, 'unsupported' for an unreadable encoding); anything
 * short of that is read as far as possible and reported in `warnings`.
 */
export function readOvf(bytes: Uint8Array, fileName: string): OvfReadResult {
  if (bytes.length > MAX_DESCRIPTOR_BYTES) {
    throw new VmferryError('unsupported', `The descriptor is ${bytes.length} bytes; OVF descriptors are small XML files`, {
      file: fileName,
    });
  }
  const decoded = decodeXmlBytes(bytes, fileName);
  const document = parseXml(decoded.text, fileName);
  const context = new ReadContext(fileName);
  for (const problem of document.problems) context.warn(problem);
  const envelope = readEnvelope(document.root, context, decoded);
  envelope.comments = document.comments;
  checkEnvelope(envelope, context);
  return { envelope, notes: context.notes, warnings: context.warnings };
}
