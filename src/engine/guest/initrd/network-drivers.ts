import type { TargetId } from '../../appliance/plan-types';
import type { KernelReport } from '../inspect/guest-report';

/**
 * The paravirtual NIC a target gives a VM by default, and the Linux driver the guest needs for it. Unlike a
 * storage driver it need not be in the initrd (udev loads it after the root filesystem is mounted): a module in
 * /lib/modules or a built-in driver is enough. Without it the guest has no network on the target, so the import
 * helper gives it an emulated NIC instead (Hyper-V Gen 1 legacy adapter, libvirt e1000).
 */
export interface NicDriver {
  module: string;
  config: string;
  /** What the user reads. */
  label: string;
  /** The emulated NIC the helper falls back to. */
  fallback: string;
}

export const NIC_DRIVERS: Partial<Record<TargetId, NicDriver>> = {
  hyperv: { module: 'hv_netvsc', config: 'CONFIG_HYPERV_NET', label: 'Hyper-V synthetic network (hv_netvsc)', fallback: 'legacy network adapters (emulated DEC 21140)' },
  kvm: { module: 'virtio_net', config: 'CONFIG_VIRTIO_NET', label: 'virtio network (virtio_net)', fallback: 'e1000 NICs' },
};

export const ALL_NIC_MODULES = Object.values(NIC_DRIVERS).map((driver) => driver.module);
export const NIC_CONFIGS: Record<string, string> = Object.fromEntries(Object.values(NIC_DRIVERS).map((driver) => [driver.config, driver.module]));

/**
 * Why the guest needs an emulated NIC on `target`, or null when it has the paravirtual driver, when the target
 * has no such choice, or when the kernel's modules and config could not be read (nothing is guessed).
 */
export function emulatedNicReason(kernel: KernelReport | null, target: TargetId): string | null {
  const driver = NIC_DRIVERS[target];
  if (!driver || !kernel || (kernel.modules === null && kernel.config === null)) return null;
  if (kernel.networkDrivers.some((found) => found.driver === driver.module)) return null;
  return `NICs: ${driver.fallback}, as kernel ${kernel.version} has no ${driver.label} driver (neither built in nor in ${kernel.modules ?? '/lib/modules'})`;
}
