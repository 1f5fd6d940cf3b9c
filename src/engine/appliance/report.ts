import type { SignatureReport } from '../ovf/signature/manifest-signature';
/**
 * What `vmferry inspect --json` prints and what the app shows: a plain, JSON-safe description of an opened
 * appliance. It is built in the worker (or the CLI) from the live Appliance, so it holds no sources or classes
 * and crosses the worker boundary by structured clone.
 */
import type { GuestReport } from '../guest/inspect/guest-report';

export type InputKind = 'ova' | 'ovf' | 'xva' | 'disk';

export type Firmware = 'bios' | 'efi';

export interface ApplianceReport {
  /** The name of what was opened (the OVA, the .ovf, the disk image). */
  input: string;
  kind: InputKind;
  /** OVF version from the envelope namespace and `ovf:version`: '0.9', '1.0', '1.1', '2.0', ... */
  ovfVersion: string | null;
  virtualSystems: VirtualSystemReport[];
  networks: NetworkReport[];
  /** Every file the appliance consists of (descriptor, manifest, certificate, disks, ISOs, ...). */
  files: FileReport[];
  /** Bare disk images (kind 'disk') and disks found inside an OVA/OVF/XVA, with the format detected by content. */
  diskImages: DiskImageReport[];
  manifest: ManifestReport | null;
  /** Things the user should know: missing files, unsupported items, suspicious values. */
  warnings: string[];
  /** Parts of the descriptor the model does not understand; kept verbatim for round trips, listed here. */
  notes: string[];
  /**
   * The Linux guest on the disks (distribution, kernels and their drivers, bootloader, how devices are named), once
   * inspected (`inspectGuestOf`); null before that, or when no disk could be read.
   */
  guest: GuestReport | null;
}

export interface FileReport {
  name: string;
  /** Size in bytes as present (null when missing), and as the descriptor declares it (null when not declared). */
  size: number | null;
  declaredSize: number | null;
  role: 'descriptor' | 'manifest' | 'certificate' | 'disk' | 'iso' | 'other';
  present: boolean;
  compression: 'gzip' | 'zstd' | null;
  /** `ovf:chunkSize` parts this file was assembled from (0 when not chunked). */
  chunks: number;
}

export interface DiskImageReport {
  file: string;
  /** 'vmdk', 'vhd', 'vhdx', 'qcow2', 'vdi', 'raw', or 'unknown'. */
  format: string;
  /** e.g. 'streamOptimized', 'monolithicSparse', 'dynamic', 'fixed', 'differencing'. */
  subformat: string | null;
  virtualSizeBytes: number | null;
  fileSizeBytes: number;
  compression: 'gzip' | null;
  /** Bytes of the virtual disk that hold data (allocated, not known to be zero), through the whole chain. */
  allocatedBytes: number | null;
  /** The disk and the layers under it (snapshots, parents, backing files), top first; one entry when standalone. */
  chain: DiskLayerReport[];
  /** Why the disk cannot be read (a missing parent, an unsupported variant, a damaged table), naming the file; or null. */
  problem: string | null;
}

export interface DiskLayerReport {
  file: string;
  format: string;
  subformat: string | null;
  virtualSizeBytes: number;
  /** What this layer costs on disk: the bytes of its file(s). */
  storedBytes: number;
}

export interface VirtualSystemReport {
  id: string;
  name: string;
  info: string | null;
  os: OsReport | null;
  /** `vssd:VirtualSystemType` values, e.g. ['vmx-08'] or ['virtualbox-2.2']. */
  virtualSystemTypes: string[];
  cpus: number | null;
  coresPerSocket: number | null;
  memoryBytes: number | null;
  firmware: Firmware | null;
  controllers: ControllerReport[];
  disks: VirtualDiskReport[];
  nics: NicReport[];
  /** CD/DVD, floppy, serial, USB, sound, graphics and anything else, one line each. */
  otherDevices: DeviceReport[];
  product: ProductReport[];
  eula: string[];
  annotation: string | null;
  /** Deployment options (configurations) where the descriptor offers a choice. */
  deploymentOptions: { id: string; label: string; isDefault: boolean }[];
}

export interface OsReport {
  /** CIM operating system id (DSP0243 / CIM_OperatingSystem.OsType). */
  cimId: number | null;
  description: string | null;
  vmwareOsType: string | null;
}

export interface ControllerReport {
  instanceId: string;
  /** 'ide', 'scsi', 'sata', 'nvme', 'usb', 'floppy', 'other'. */
  type: string;
  /** The controller model as the descriptor names it (lsilogic, VirtualSCSI, PIIX4, AHCI, ...), or null. */
  subtype: string | null;
  address: string | null;
}

export interface VirtualDiskReport {
  /** The item's InstanceID in the hardware section. */
  instanceId: string;
  /** The `ovf:diskId` in DiskSection. */
  diskId: string | null;
  capacityBytes: number | null;
  populatedBytes: number | null;
  /** The `ovf:fileRef` (id in References) and the file it names. */
  fileRef: string | null;
  fileName: string | null;
  /** The disk format URI's short name: 'vmdk-streamOptimized', 'vmdk-sparse', 'vhd', 'vhdx', 'qcow2', ... */
  format: string | null;
  controller: { type: string; subtype: string | null; instanceId: string } | null;
  addressOnParent: string | null;
}

export interface NicReport {
  instanceId: string;
  /** The adapter model: 'E1000', 'VmxNet3', 'PCNet32', 'virtio', 'netfront', ... (ResourceSubType), or null. */
  type: string | null;
  network: string | null;
  connected: boolean | null;
  mac: string | null;
}

export interface DeviceReport {
  instanceId: string;
  /** 'cdrom', 'floppy', 'serial', 'usb', 'sound', 'graphics', 'other'. */
  kind: string;
  resourceType: number | null;
  description: string;
}

export interface NetworkReport {
  name: string;
  description: string | null;
}

export interface ProductReport {
  product: string | null;
  vendor: string | null;
  version: string | null;
  fullVersion: string | null;
  properties: { key: string; type: string | null; value: string | null; label: string | null }[];
}

export interface ManifestReport {
  file: string;
  /** 'sha1' | 'sha256' | 'sha512', or 'mixed' when entries use several. */
  algorithm: string;
  /** null until the files have been hashed (the app checks in a second step). */
  ok: boolean | null;
  mismatches: ManifestMismatch[];
  /** The `.cert` file that signs the manifest, if any. */
  certificate: string | null;
  /** Its signature checked against the manifest (null without a certificate). */
  signature: SignatureReport | null;
}

export interface ManifestMismatch {
  file: string;
  problem: 'digest' | 'missing-file' | 'not-listed' | 'unreadable';
  expected: string | null;
  actual: string | null;
}
