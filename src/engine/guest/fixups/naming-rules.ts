import type { DeviceNaming, TargetId } from '../../appliance/plan-types';
import type { DiskPrefix } from '../inspect/device-name';
import type { KernelGeneration } from '../inspect/guest-report';

/**
 * What the guest will call its disks on the target (DESIGN.md target profiles; notes §2): VMware's SCSI disks
 * are `sd`; emulated IDE (VirtualBox, Hyper-V Gen 1 without storvsc, XenServer HVM) is `hd` on old IDE kernels
 * and `sd` with libata; Xen PV is `xvd`; KVM virtio-blk is `vd`; the generic OVF target changes nothing.
 */
export interface NamingChoice {
  /** Prefix for disk names; null = leave disk names as they are. */
  prefix: DiskPrefix | null;
  /** Rewrite device paths to `UUID=` instead (prefix still names whole disks, as in device.map). */
  uuid: boolean;
  /** One line for the plan's decisions. */
  reason: string;
}

/** What the guest's boot kernel has that changes names on some targets. */
export interface KernelFacts {
  /** hv_storvsc built in or in the initrd: on Hyper-V it takes the IDE boot disk, which becomes sdX. */
  storvsc: boolean;
  /** CONFIG_XEN_PVHVM with xen-blkfront available: on XenServer HVM the emulated disks are unplugged, xvdX. */
  pvhvm: boolean;
}

export function targetPrefix(target: TargetId, generation: KernelGeneration, kernel: KernelFacts = { storvsc: false, pvhvm: false }): { prefix: DiskPrefix | null; why: string } {
  const ide = generation === 'old-ide' ? 'hd' : 'sd';
  const ideWhy = generation === 'old-ide' ? 'the guest kernel names IDE disks hdX' : 'the guest kernel names IDE disks sdX (libata)';
  switch (target) {
    case 'vmware':
      return { prefix: 'sd', why: 'VMware disks are on a SCSI controller (sdX)' };
    case 'virtualbox':
      return { prefix: ide, why: `VirtualBox disks are on emulated IDE and ${ideWhy}` };
    case 'hyperv':
      if (kernel.storvsc) return { prefix: 'sd', why: 'on Hyper-V the guest kernel has hv_storvsc, which takes the IDE boot disk as sdX' };
      return { prefix: ide, why: `Hyper-V Gen 1 boots from emulated IDE, the guest kernel has no hv_storvsc, and ${ideWhy}` };
    case 'xenserver':
      if (kernel.pvhvm) return { prefix: 'xvd', why: 'the guest kernel is PVHVM-capable (CONFIG_XEN_PVHVM, xen-blkfront): on XenServer HVM it unplugs the emulated disks and sees xvdX' };
      return { prefix: ide, why: `XenServer HVM disks are emulated IDE and ${ideWhy}` };
    case 'xenserver-pv':
      return { prefix: 'xvd', why: 'Xen PV disks are xvdX (xen-blkfront)' };
    case 'kvm':
      return { prefix: 'vd', why: 'KVM virtio-blk disks are vdX' };
    case 'ovf':
      return { prefix: null, why: 'the generic OVF target keeps the guest as it is' };
  }
}

export function chooseNaming(target: TargetId, generation: KernelGeneration, names: DeviceNaming | undefined, pv: boolean, kernel?: KernelFacts): NamingChoice {
  const fromTarget = pv ? { prefix: 'xvd' as const, why: 'Xen PV disks are xvdX (xen-blkfront)' } : targetPrefix(target, generation, kernel);
  if (names === 'uuid') {
    return { prefix: fromTarget.prefix, uuid: true, reason: `device paths become UUID= (by request); whole-disk names: ${describe(fromTarget.prefix)} (${fromTarget.why})` };
  }
  if (names) return { prefix: names, uuid: false, reason: `disk names become ${names}X (by request)` };
  return { prefix: fromTarget.prefix, uuid: false, reason: `disk names: ${describe(fromTarget.prefix)} (${fromTarget.why})` };
}

function describe(prefix: DiskPrefix | null): string {
  return prefix === null ? 'unchanged' : `${prefix}X`;
}
