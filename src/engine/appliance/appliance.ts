import type { VirtualDisk } from '../disk/virtual-disk';
import type { ByteSource } from '../io/byte-source';
import type { ManifestEntry } from '../ovf/manifest';
import type { ApplianceReport, InputKind } from './report';

/**
 * An opened appliance, live: its files as sources (members of an OVA, siblings of an OVF, the disk image) and
 * everything known about them. It stays where it was opened (worker or CLI); what the user sees is its report.
 */
export interface Appliance {
  kind: InputKind;
  /** The file that was opened (the OVA, the descriptor, the disk). */
  input: ByteSource;
  /** Present files by the name the package uses for them (an OVF href, a tar member name). */
  files: Map<string, ByteSource>;
  /** The disks that could be opened (with their chains), by the name the package uses for their file. */
  disks: Map<string, VirtualDisk>;
  /** The manifest's entries and the names it must cover (the descriptor and every referenced file). */
  manifest: { entries: ManifestEntry[]; mustCover: string[] } | null;
  /** Everything the user is shown; built at open time, updated when the manifest is checked. */
  report: ApplianceReport;
}

/** A report with nothing in it yet, for the openers to fill. */
export function emptyReport(input: string, kind: InputKind): ApplianceReport {
  return {
    input,
    kind,
    ovfVersion: null,
    virtualSystems: [],
    networks: [],
    files: [],
    diskImages: [],
    manifest: null,
    warnings: [],
    notes: [],
    guest: null,
  };
}
