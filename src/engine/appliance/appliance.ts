import type { ByteSource } from '../io/byte-source';
import type { ApplianceReport, InputKind } from './report';

/**
 * An opened appliance, live: its files as sources (members of an OVA, siblings of an OVF, the disk image) and
 * everything known about them. It stays where it was opened (worker or CLI); what the user sees is its report.
 */
export interface Appliance {
  kind: InputKind;
  /** The file that was opened (the OVA, the descriptor, the disk). */
  input: ByteSource;
  /** Files by the name the descriptor or archive uses (an OVF href, a tar member name). */
  files: Map<string, ByteSource>;
  /** Everything the user is shown; built once at open time, updated when the manifest is checked. */
  report: ApplianceReport;
}
