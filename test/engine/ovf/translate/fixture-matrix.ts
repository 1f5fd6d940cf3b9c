import type { Firmware } from '../../../../src/engine/appliance/report';
import { TARGET_IDS, type TargetId } from '../../../../src/engine/appliance/plan-types';
import type { Envelope } from '../../../../src/engine/ovf/model';
import { targetProfile } from '../../../../src/engine/ovf/profiles';
import { translateEnvelope, type Translation } from '../../../../src/engine/ovf/translate';
import { readFixture } from '../support';

/**
 * What each real descriptor says, read off the files by hand (shared/fixtures/ovf; values checked against the
 * XML, not the reader): the systems, their CPUs and memory (default deployment option), disk capacities by
 * diskId, and the firmware a descriptor states (null when it states none).
 */
const GiB = 2 ** 30;
const MiB = 2 ** 20;

export interface ExpectedSystem {
  id: string;
  cpus: number | null;
  memoryBytes: number | null;
  disks: Record<string, number>;
  firmware: Firmware | null;
}

export const EXPECTED: Record<string, ExpectedSystem[]> = {
  // DeploymentOptionSection default "1CPU-4GB": the general CPU item (1) and memory item (4096 MB).
  'cot-csr1000v-deploymentoptions.ovf': [{ id: 'com.cisco.csr1000v', cpus: 1, memoryBytes: 4096 * MiB, disks: { vmdisk1: 1 * GiB }, firmware: null }],
  // vbox:Machine has a Hardware element without Firmware: BIOS, VirtualBox's default.
  'cot-ubuntu-ovf20.ovf': [{ id: 'ubuntu', cpus: 1, memoryBytes: 512 * MiB, disks: { vmdisk1: 8589934592 }, firmware: 'bios' }],
  'cot-v0.9-vmx04.ovf': [{ id: 'v0.9', cpus: 1, memoryBytes: 8192 * MiB, disks: { vmdisk1: 1073741824 }, firmware: null }],
  'cot-vmware-vsphere-vmx08.ovf': [{ id: 'vmw', cpus: 2, memoryBytes: 1536 * MiB, disks: { vmdisk1: 1 * GiB }, firmware: 'bios' }],
  // ovftool's test case has neither a CPU nor a memory item.
  'govmomi-ovftool-gzip-compression.ovf': [{ id: 'PTC01_VM', cpus: null, memoryBytes: null, disks: { vmdisk1: 329197568 }, firmware: null }],
  'govmomi-vcenter-vapp-2vms-sas-pvscsi.ovf': [
    { id: 'sunvhw-sas', cpus: 1, memoryBytes: 1024 * MiB, disks: { vmdisk1: GiB, vmdisk2: GiB }, firmware: null },
    { id: 'sunvhw-pv', cpus: 1, memoryBytes: 1024 * MiB, disks: { vmdisk3: GiB, vmdisk4: GiB }, firmware: null },
  ],
  'vbox32-winxp-ovf10-vboxmachine-2disks.ovf': [
    { id: 'Windows 5.1 XP 1', cpus: 1, memoryBytes: 895 * MiB, disks: { vmdisk1: 10485760000, vmdisk2: 2147483648 }, firmware: 'bios' },
  ],
  'xenadmin-sample_app-xenovf-utf16decl.ovf': [
    { id: '68f97bfd-1a03-422f-97d5-db5046c20b78', cpus: 1, memoryBytes: 64 * MiB, disks: { '64891892-169e-470b-9779-368ee4ad2c15': 10485760 }, firmware: null },
  ],
};

export interface TargetCase {
  label: string;
  target: TargetId;
  ovfVersion?: '1.0' | '2.0';
}

/** Every target, and the generic profile once more as OVF 2.0. */
export const TARGET_CASES: TargetCase[] = [
  ...TARGET_IDS.map((target) => ({ label: target, target })),
  { label: 'ovf-2.0', target: 'ovf', ovfVersion: '2.0' },
];

/** The fixture translated for a target, with one new disk file per disk (capacities from EXPECTED). */
export function translateFixture(name: string, targetCase: TargetCase, source: Envelope = readFixture(name).envelope): Translation {
  const profile = targetProfile(targetCase.target);
  const disks = EXPECTED[name]!.flatMap((system) => Object.entries(system.disks));
  return translateEnvelope(source, profile, {
    diskFiles: disks.map(([diskId, capacityBytes], index) => ({
      diskId,
      href: `disk${index + 1}.${profile.disk.format}`,
      format: profile.disk.format,
      capacityBytes,
      size: 1000 + index,
    })),
    ...(targetCase.ovfVersion ? { ovfVersion: targetCase.ovfVersion } : {}),
  });
}
