import { describe, expect, it } from 'vitest';
import type { KernelReport } from '../../../../src/engine/guest/inspect/guest-report';
import { emulatedNicReason } from '../../../../src/engine/guest/initrd/network-drivers';

const kernel = (overrides: Partial<KernelReport>): KernelReport => ({
  version: '5.15.0-91-generic',
  vmlinuz: '/boot/vmlinuz-5.15.0-91-generic',
  initrd: null,
  modules: '/lib/modules/5.15.0-91-generic',
  config: '/boot/config-5.15.0-91-generic',
  xen: 'capable',
  xenPvhvm: true,
  storageDrivers: [],
  initrdProblem: null,
  networkDrivers: [],
  ...overrides,
});

describe('emulatedNicReason', () => {
  it('asks for emulated NICs only when the target has a paravirtual NIC and the kernel lacks its driver', () => {
    expect(emulatedNicReason(kernel({}), 'hyperv')).toMatch(/^NICs: legacy network adapters .* no Hyper-V synthetic network \(hv_netvsc\) driver/);
    expect(emulatedNicReason(kernel({}), 'kvm')).toMatch(/^NICs: e1000 NICs, as kernel 5.15.0-91-generic has no virtio network \(virtio_net\) driver/);
    expect(emulatedNicReason(kernel({ networkDrivers: [{ driver: 'hv_netvsc', where: 'modules' }] }), 'hyperv')).toBeNull();
    expect(emulatedNicReason(kernel({ networkDrivers: [{ driver: 'virtio_net', where: 'builtin' }] }), 'kvm')).toBeNull();
    expect(emulatedNicReason(kernel({ networkDrivers: [{ driver: 'virtio_net', where: 'builtin' }] }), 'hyperv')).not.toBeNull();
    // Targets without that choice, and kernels whose modules and config were not found: nothing is guessed.
    expect(emulatedNicReason(kernel({}), 'vmware')).toBeNull();
    expect(emulatedNicReason(kernel({ modules: null, config: null }), 'hyperv')).toBeNull();
    expect(emulatedNicReason(null, 'kvm')).toBeNull();
  });
});
