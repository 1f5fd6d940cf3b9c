import type { Container, DeviceNaming, ManifestChoice, TargetId } from '../../appliance/plan-types';
import type { Firmware } from '../../appliance/report';
import type { OutputFormat, WriterOptions } from '../../disk/disk-writer';
import type { GuestDrivers } from './os-table';

/**
 * A target profile (DESIGN.md "Target profiles"): plain data saying what one importing hypervisor accepts. The
 * translator (../translate) reads nothing else about a target, so adding a target is adding one data module.
 */

/** The bus a virtual disk sits on, as the guest sees it. `xen` is a Xen paravirtual block device (xvd). */
export type Bus = 'ide' | 'scsi' | 'sata' | 'nvme' | 'virtio' | 'xen';

/** Network adapter models, named by what the guest needs a driver for. */
export type NicModel =
  | 'vmxnet3'
  | 'e1000'
  | 'e1000e'
  | 'pcnet32'
  | 'virtio'
  | 'hyperv-synthetic'
  | 'hyperv-legacy'
  | 'xen-vif'
  | 'rtl8139';

/** What VM Ferry writes next to the package so the target can import it (issue 4, "Import helpers"). */
export type ImportHelper = 'none' | 'hyperv-powershell' | 'xe' | 'libvirt-xml';

/**
 * Where the target (or its import helper) learns the firmware. OVF 1.x has no firmware field and OVF 2.0's
 * BootDeviceSection only orders boot sources, so:
 * - `vmw-config`: `<vmw:Config vmw:key="firmware" vmw:value="efi|bios"/>` in the VirtualHardwareSection: what
 *   VMware writes and reads, and what other OVF consumers (virt-v2v) look for;
 * - `xen-hvm-boot-params`: XenServer's `HVM_boot_params` (`order=dc;firmware=uefi`) as
 *   `xenovf:VirtualSystemOtherConfigurationData`, what XenCenter's OVF import sets on the VM;
 * - `hyperv-generation`: Hyper-V has no OVF import; generation 2 (UEFI) or 1 (BIOS) goes into the PowerShell
 *   helper, and the descriptor records it as `vmw-config` for other readers.
 */
export type FirmwareExpression = 'vmw-config' | 'xen-hvm-boot-params' | 'hyperv-generation';

/** Which OS identifier the target reads besides the CIM id (see os-table.ts). */
export type OsIdentifierKind = 'vmware' | 'virtualbox' | 'cim';

/** A storage controller the target offers. */
export interface ControllerOffer {
  bus: Bus;
  /** RASD ResourceType of the controller item: 5 IDE, 6 parallel SCSI HBA, 20 other storage (SATA, NVMe, virtio). */
  resourceType: 5 | 6 | 20;
  /** ResourceSubType written for a controller VM Ferry creates; null writes none. */
  resourceSubType: string | null;
  /** Source ResourceSubType values (lower case) that mean this controller; the first offer matching is kept as is. */
  accepts: readonly string[];
  /** Devices one controller takes (AddressOnParent 0 .. n-1). */
  devicesPerController: number;
  /** How many such controllers a VM may have. */
  maxControllers: number;
  /** Controllers beyond this many are seen by the guest only with paravirtual drivers (XenServer's 4 IDE disks). */
  visibleControllers?: number;
  /** Addresses a device may not take (SCSI ID 7 is the VMware controller's own). */
  reservedAddresses: readonly number[];
  /** The driver the guest needs for it (os-table.ts); null: every guest has one (IDE). */
  needs: keyof GuestDrivers | null;
  /** The controller exists only with this firmware (Hyper-V generation 2 has no IDE). */
  onlyWith?: Firmware;
  /** Whether the firmware can boot from a disk on this controller. */
  bootable: { bios: boolean; efi: boolean };
  /** The Linux device-name prefix the guest uses for disks on this bus. */
  guestPrefix: DeviceNaming;
  /**
   * The prefix when the guest has Xen PV-on-HVM drivers (os-table `xenBlkfront`), which take over emulated disks
   * on XenServer: xvd.
   */
  guestPrefixWithXenDrivers?: DeviceNaming;
}

/** A network adapter model the target offers. */
export interface NicOffer {
  model: NicModel;
  /** ResourceSubType written for it. */
  resourceSubType: string;
  /** Source ResourceSubType values (lower case) that mean this model. */
  accepts: readonly string[];
  /** The driver the guest needs; null: every guest the target runs has one. */
  needs: keyof GuestDrivers | null;
  /** The adapter exists only with this firmware (Hyper-V's legacy adapter is generation 1 only). */
  onlyWith?: Firmware;
}

/** A section the target refuses, and where. */
export interface SectionRule {
  name: string;
  /** `outside-collection`: allowed only inside a VirtualSystemCollection (a vApp's start order). */
  where: 'anywhere' | 'outside-collection';
  why: string;
}

/** What the importer refuses or ignores; the translator drops it and reports it. */
export interface TargetRejects {
  /** Hardware families the importer refuses (reported when the source used one). */
  virtualSystemTypes: readonly string[];
  /** RASD resource types the importer understands; items of other types are dropped. null: keep all. */
  resourceTypes: readonly number[] | null;
  sections: readonly SectionRule[];
  /** Vendor namespaces kept; elements and attributes of every other vendor are dropped. */
  vendorFamilies: readonly ('vmw' | 'vbox' | 'xenovf')[];
  /**
   * `vmw:Config` keys kept (VM- and device-level VirtualMachineConfigSpec paths); null keeps every key. ESXi
   * refuses keys it cannot parse ("Unable to parse 'tools.syncTime' for attribute 'key' on element 'Config'").
   */
  vmwareConfigKeys: readonly string[] | null;
  /** `vmw:ExtraConfig` keys kept (a trailing `*` is a prefix); null keeps every key. */
  vmwareExtraConfigKeys: readonly string[] | null;
  /** Vendor elements with no `xs:any` slot in DSP8023 (vbox:Machine) are dropped unless the target reads them. */
  keepsVboxMachine: boolean;
}

export interface TargetProfile {
  id: TargetId;
  /** Short name for menus: "VMware ESXi / Workstation". */
  label: string;
  /** What the user gets, in plain language, for the app. */
  description: string;
  /** The default container and the ones the target imports. */
  container: Container;
  containers: readonly Container[];
  ovfVersion: '1.0' | '2.0';
  /** `vssd:VirtualSystemType` written. */
  virtualSystemType: string;
  disk: {
    format: OutputFormat;
    /** Other formats the target imports (`--format` may pick one). */
    alternatives: readonly OutputFormat[];
    options: WriterOptions;
    /** The format UEFI guests need (Hyper-V generation 2 boots only from VHDX). */
    efiFormat?: OutputFormat;
  };
  /** `translate`: controllers and NICs become the target's; `keep`: hardware stays as written (generic OVF). */
  hardware: 'translate' | 'keep';
  /** Controllers in order of preference for disks that must move; the boot disk takes the first bootable one. */
  controllers: readonly ControllerOffer[];
  /**
   * NIC models in order of preference; a source model the target offers is kept, otherwise the first the guest
   * has a driver for is used, or `defaultNic` when the guest OS is unknown.
   */
  nics: readonly NicOffer[];
  defaultNic: NicModel;
  firmware: FirmwareExpression;
  osIdentifier: OsIdentifierKind;
  /** The manifest digest the target verifies (SHA-1 for importers that know nothing newer). */
  manifest: ManifestChoice;
  /** `keep`: the importer offers the DeploymentOptionSection choice; `resolve`: VM Ferry applies one configuration. */
  deploymentOptions: 'keep' | 'resolve';
  rejects: TargetRejects;
  /** The Linux disk-name prefix the guest will see for its boot disk; null: whatever it sees today. */
  guestNaming: DeviceNaming | null;
  importHelper: ImportHelper;
}
