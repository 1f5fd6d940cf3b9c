import type { OutputFormat, WriterOptions } from '../disk/disk-writer';

/**
 * A conversion plan (DESIGN.md "Plan"): plain data that the UI shows, the user adjusts and `run` executes. It is
 * built from an opened appliance and a target profile; it names files, not live objects, so it crosses the
 * worker boundary and prints as `--dry-run`.
 */
export type TargetId = 'vmware' | 'virtualbox' | 'hyperv' | 'xenserver' | 'xenserver-pv' | 'kvm' | 'ovf';

export const TARGET_IDS: readonly TargetId[] = ['vmware', 'virtualbox', 'hyperv', 'xenserver', 'xenserver-pv', 'kvm', 'ovf'];

export type Container = 'ova' | 'ovf' | 'xva' | 'disk';

export type ManifestChoice = 'sha256' | 'sha1' | 'none';

export type DeviceNaming = 'sd' | 'hd' | 'xvd' | 'vd' | 'uuid';

/** What the user asked for (`vmferry convert` flags, or the app's choices). */
export interface ConvertRequest {
  target: TargetId;
  container: Container;
  /** The output's name (file, or folder for an OVF package); descriptor and disks are named after it. */
  outputName: string;
  /** Overrides the profile's disk format. */
  format?: OutputFormat;
  manifest?: ManifestChoice;
  /** Source network name → target network name. */
  networkMap?: Record<string, string>;
  /** Guest repair: apply the fixups the plan proposes. */
  fix?: boolean;
  names?: DeviceNaming;
  pv?: boolean;
}

export interface PlannedFile {
  /** Name inside the package (or the single output file). */
  name: string;
  role: 'descriptor' | 'manifest' | 'disk' | 'script' | 'other';
  /** Exact size where known before writing; null where compression decides it. */
  size: number | null;
}

export interface PlannedDisk {
  /** The source disk, by the name the input package uses. */
  source: string;
  /** The file it becomes. */
  output: string;
  format: OutputFormat;
  options: WriterOptions;
  virtualSize: number;
}

/** One guest file the repair changes (issue: guest repair); switched off one by one in the app. */
export interface GuestEdit {
  id: string;
  /** Which disk and filesystem: `disk1.vmdk partition 1 (ext3, /boot)`. */
  filesystem: string;
  path: string;
  before: string;
  after: string;
  /** Why, line by line: "line 3: /dev/sda1 → /dev/xvda1 (Xen PV disks are xvd)". */
  reasons: string[];
  /** The unified diff, as `--dry-run` prints it. */
  diff: string;
  enabled: boolean;
}

export interface Plan {
  input: string;
  request: ConvertRequest;
  /** Files in the order they are written. */
  files: PlannedFile[];
  disks: PlannedDisk[];
  guestEdits: GuestEdit[];
  networks: { source: string; target: string }[];
  /** What was translated and how: "NIC E1000 → VmxNet3", "OS CIM 80 → rhel6_64Guest". */
  decisions: string[];
  /** Items and sections the target is known to reject, removed and reported. */
  dropped: string[];
  warnings: string[];
}
