import type { TargetId } from '../../appliance/plan-types';
import type { Firmware } from '../../appliance/report';
import type { OutputFormat, WriterOptions } from '../../disk/disk-writer';
import { GENERIC_OVF } from './generic-ovf';
import { HYPERV } from './hyperv';
import { KVM } from './kvm';
import type { Bus, TargetProfile } from './profile-types';
import { VIRTUALBOX } from './virtualbox';
import { VMWARE } from './vmware';
import { XENSERVER, XENSERVER_PV } from './xenserver';

export type * from './profile-types';
export { findOs, OS_TABLE, osById, type GuestDrivers, type OsClues, type OsEntry, type OsFamily } from './os-table';

/** Every target profile by id (DESIGN.md "Target profiles"). */
export const TARGET_PROFILES: Readonly<Record<TargetId, TargetProfile>> = {
  vmware: VMWARE,
  virtualbox: VIRTUALBOX,
  hyperv: HYPERV,
  xenserver: XENSERVER,
  'xenserver-pv': XENSERVER_PV,
  kvm: KVM,
  ovf: GENERIC_OVF,
};

export function targetProfile(id: TargetId): TargetProfile {
  return TARGET_PROFILES[id];
}

/**
 * The disk format for a target: the user's choice, else what the firmware needs (Hyper-V generation 2 boots only
 * from VHDX), else the profile's.
 */
export function diskFormatFor(profile: TargetProfile, firmware: Firmware | null, requested?: OutputFormat): OutputFormat {
  if (requested) return requested;
  if (firmware === 'efi' && profile.disk.efiFormat) return profile.disk.efiFormat;
  return profile.disk.format;
}

/**
 * Writer options for one disk: the profile's, with the VMDK adapter type following the bus the disk ends up on
 * (`ddb.adapterType` ide for IDE disks, lsilogic otherwise, as VMware's own exports do).
 */
export function diskWriterOptions(profile: TargetProfile, bus: Bus | null): WriterOptions {
  const options: WriterOptions = { ...profile.disk.options };
  if (options.vmdkAdapterType !== undefined || profile.disk.format === 'vmdk') {
    options.vmdkAdapterType = bus === 'ide' ? 'ide' : 'lsilogic';
  }
  return options;
}
