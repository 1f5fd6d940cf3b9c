import type { DeviceNaming, ManifestChoice } from '../../appliance/plan-types';
import type { Firmware } from '../../appliance/report';
import type { OutputFormat } from '../../disk/disk-writer';
import type { Envelope } from '../model';
import type { OsEntry } from '../profiles/os-table';
import type { Bus, NicModel } from '../profiles/profile-types';

/** One disk file the package will contain, replacing the source disk `diskId`. */
export interface DiskFile {
  /** The source disk's `ovf:diskId` (or the href of its file in the source package). */
  diskId: string;
  /** The file's name in the package (References `ovf:href`). */
  href: string;
  /** The format written; decides `ovf:format`. */
  format: OutputFormat;
  /** Virtual size in bytes, from the disk itself (trusted over the source's `ovf:capacity`, notes c24). */
  capacityBytes: number;
  /** Exact size of the written file where known before writing; otherwise set later with `setFileSizes`. */
  size?: number | null;
  /** Bytes of the disk that hold data (`ovf:populatedSize`), where known. */
  populatedSize?: number | null;
}

/** A file other than a disk that the package carries unchanged (an ISO a CD drive uses). */
export interface ExtraFile {
  /** The source References `ovf:id`. */
  fileId: string;
  href: string;
  size: number | null;
}

export interface TranslateOptions {
  diskFiles: readonly DiskFile[];
  /** Source files the package carries besides disks; CD drives that use any other file are emptied. */
  extraFiles?: readonly ExtraFile[];
  /** Source network name → target network name. */
  networkMap?: Readonly<Record<string, string>>;
  /** The manifest asked for; the profile's choice when absent. */
  manifest?: ManifestChoice;
  /** Deployment option to apply where the profile resolves them; the descriptor's default when absent. */
  configuration?: string;
  /** For the generic `ovf` profile: the OVF version to write (1.0 by default). */
  ovfVersion?: '1.0' | '2.0';
  /** Firmware from guest inspection, used when the descriptor states none (an EFI system partition found). */
  firmware?: Firmware;
  /** OS table id from guest inspection, used when the descriptor's OS is unknown or "Other". */
  osHint?: string;
}

/** Where a disk ended up, for the import helpers and the guest repair. */
export interface TranslatedDisk {
  diskId: string;
  /** References `ovf:id` and `ovf:href` of its file. */
  fileId: string;
  href: string;
  capacityBytes: number;
  bus: Bus;
  /** The controller's InstanceID and the disk's AddressOnParent. */
  controller: string;
  address: number;
  boot: boolean;
  /** The Linux name prefix the guest will use for it. */
  guestPrefix: DeviceNaming;
}

export interface TranslatedNic {
  instanceId: string;
  model: NicModel;
  resourceSubType: string;
  network: string | null;
  mac: string | null;
}

/** One virtual system as translated: what the import helpers (PowerShell, xe, libvirt) need. */
export interface TranslatedSystem {
  id: string;
  name: string;
  cpus: number | null;
  /** VMware's cores per socket, where the source said (the OVF of other targets cannot say it). */
  coresPerSocket: number | null;
  memoryBytes: number | null;
  firmware: Firmware | null;
  /** The OS table entry, when the source names an OS VM Ferry knows. */
  os: OsEntry | null;
  disks: TranslatedDisk[];
  nics: TranslatedNic[];
  /** Hyper-V generation the helper should create: 2 for UEFI, 1 for BIOS. */
  hypervGeneration: 1 | 2;
}

export interface Translation {
  /** A new model; the input envelope is never modified. */
  envelope: Envelope;
  /** What was translated and how: "NIC 9: E1000 → VmxNet3". */
  decisions: string[];
  /** What the target is known to reject (or cannot use), removed. */
  dropped: string[];
  warnings: string[];
  systems: TranslatedSystem[];
  /** The manifest to write (the option, else the profile's). */
  manifest: ManifestChoice;
}

/** A file's size, known once written (compressed disks), for `setFileSizes`. */
export interface FileSize {
  href: string;
  size: number;
  populatedSize?: number | null;
}
