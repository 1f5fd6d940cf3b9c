import type { OutputFormat, WriterOptions } from '../disk/disk-writer';
import { TARGET_PROFILES } from '../ovf/profiles';
import type { TargetProfile } from '../ovf/profiles/profile-types';
import type { ManifestChoice, TargetId } from './plan-types';

/**
 * What the plan needs from a target profile, read from the profile modules (ovf/profiles) and, for targets
 * whose profile is not there, from the DESIGN.md table, so planning never depends on a profile being loaded.
 */
export interface TargetBasics {
  format: OutputFormat;
  options: WriterOptions;
  manifest: ManifestChoice;
  helper: 'none' | 'hyperv-powershell' | 'xe' | 'libvirt-xml';
  profile: TargetProfile | null;
}

const TABLE: Record<TargetId, Omit<TargetBasics, 'profile'>> = {
  vmware: { format: 'vmdk', options: { vmdkAdapterType: 'lsilogic' }, manifest: 'sha256', helper: 'none' },
  virtualbox: { format: 'vmdk', options: {}, manifest: 'sha256', helper: 'none' },
  hyperv: { format: 'vhd', options: { vhdCreator: 'win ' }, manifest: 'sha256', helper: 'hyperv-powershell' },
  xenserver: { format: 'vhd', options: { vhdCreator: 'tap\0' }, manifest: 'sha256', helper: 'xe' },
  'xenserver-pv': { format: 'vhd', options: { vhdCreator: 'tap\0' }, manifest: 'sha256', helper: 'xe' },
  kvm: { format: 'qcow2', options: {}, manifest: 'sha256', helper: 'libvirt-xml' },
  ovf: { format: 'vmdk', options: {}, manifest: 'sha256', helper: 'none' },
};

export function targetBasics(target: TargetId): TargetBasics {
  const profile = (TARGET_PROFILES as Partial<Record<TargetId, TargetProfile>>)[target] ?? null;
  if (!profile) return { ...TABLE[target], profile: null };
  return { format: profile.disk.format, options: profile.disk.options, manifest: profile.manifest, helper: profile.importHelper, profile };
}

/** The extension a disk file of each format gets in a package. */
export const DISK_EXTENSION: Record<OutputFormat, string> = {
  vmdk: 'vmdk',
  'vmdk-sparse': 'vmdk',
  vhd: 'vhd',
  'vhd-fixed': 'vhd',
  vhdx: 'vhdx',
  qcow2: 'qcow2',
  vdi: 'vdi',
  raw: 'img',
};

/** Output sizes known without reading the disk (the rest is settled when written). */
export function knownOutputSize(format: OutputFormat, virtualSize: number): number | null {
  if (format === 'raw') return virtualSize;
  if (format === 'vhd-fixed') return Math.ceil(virtualSize / 512) * 512 + 512;
  return null;
}
