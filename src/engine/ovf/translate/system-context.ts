import type { Firmware } from '../../appliance/report';
import type { VirtualHardwareSection, VirtualSystem } from '../model';
import type { OsEntry } from '../profiles/os-table';
import type { TargetProfile } from '../profiles/profile-types';
import type { TranslationLog } from './translation-log';

/** What the per-system translation steps share. */
export interface SystemContext {
  system: VirtualSystem;
  hardware: VirtualHardwareSection;
  profile: TargetProfile;
  /** The guest OS, when the descriptor (or guest inspection) names one VM Ferry knows. */
  os: OsEntry | null;
  /** The firmware the target VM gets (BIOS when nothing says otherwise). */
  firmware: Firmware;
  /** Ids of files the package carries besides disks (ISO images). */
  keptFiles: ReadonlySet<string>;
  /** The disk the system boots from (`ovf:diskId`), if it has disks. */
  bootDiskId: string | null;
  /** "VirtualSystem 'vm1'", for messages. */
  where: string;
  log: TranslationLog;
}

/** The next numeric InstanceID not used in the section (new controllers get one). */
export function nextInstanceId(hardware: VirtualHardwareSection): string {
  let max = 0;
  for (const item of hardware.items) {
    const n = Number(item.instanceId);
    if (Number.isSafeInteger(n) && n > max) max = n;
  }
  let candidate = max + 1;
  while (hardware.items.some((i) => i.instanceId === String(candidate))) candidate++;
  return String(candidate);
}
