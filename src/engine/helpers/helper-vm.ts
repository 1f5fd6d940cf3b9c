import type { Firmware } from '../appliance/report';

/**
 * What an import helper needs to know about the VM it creates: the translated system (names as the package
 * calls them) and the files it attaches. Plain data, built by the plan from the translation.
 */
export interface HelperVm {
  name: string;
  description: string;
  cpus: number;
  memoryBytes: number;
  firmware: Firmware;
  /** In boot order: the first is the boot disk. `file` is the disk's name in the package folder. */
  disks: HelperDisk[];
  nics: HelperNic[];
  /** The guest has no driver for the target's synthetic NIC (Hyper-V hv_netvsc): give it an emulated one. */
  legacyNic: boolean;
  /** XenServer PV boot through pygrub (target `xenserver-pv`); null boots HVM. */
  pv: { bootloader: string; args: string } | null;
}

export interface HelperDisk {
  file: string;
  /** 'vhd', 'vhdx', 'qcow2', ... as written. */
  format: string;
  capacityBytes: number;
  /** The bus the translation chose (kvm: 'virtio', 'sata', 'ide', 'scsi'). */
  bus: string;
}

export interface HelperNic {
  /** The target network (switch, bridge, libvirt network) after the user's mapping; null: left unconnected. */
  network: string | null;
  mac: string | null;
}

/** A helper script or document, written next to the package. */
export interface HelperFile {
  name: string;
  text: string;
}
