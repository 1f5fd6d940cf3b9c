import { VmferryError } from '../../errors';
import type { Envelope } from '../model';

/** The descriptor as UTF-8 bytes (what goes into the package and the manifest). */
export function writeOvf(envelope: Envelope): Uint8Array {
  return new TextEncoder().encode(writeOvfText(envelope));
}

/** The descriptor as text: UTF-8 declaration, namespaces declared once on the Envelope, 2-space indentation. */
export function writeOvfText(envelope: Envelope): string {
  void envelope;
  throw new VmferryError('unsupported', 'writeOvf is not implemented yet');
}
