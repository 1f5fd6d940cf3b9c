import { describe, expect, test } from 'vitest';
import { TARGET_IDS } from '../../../../src/engine/appliance/plan-types';
import { OUTPUT_FORMATS } from '../../../../src/engine/disk/disk-writer';
import { vhdCreator } from '../../../../src/engine/disk/vhd/vhd-output-footer';
import { resolveDescriptorOptions } from '../../../../src/engine/disk/vmdk/descriptor-build';
import { diskFormatFor, diskWriterOptions, TARGET_PROFILES, targetProfile } from '../../../../src/engine/ovf/profiles';

/** The profiles as data: complete, consistent with the disk writers, and saying what DESIGN.md's table says. */
describe('target profiles', () => {
  test('one profile per TargetId, each under its own id', () => {
    expect(Object.keys(TARGET_PROFILES).sort()).toEqual([...TARGET_IDS].sort());
    for (const id of TARGET_IDS) expect(targetProfile(id).id).toBe(id);
  });

  test('DESIGN.md table: package, disk, guest names, import helper', () => {
    const row = (id: (typeof TARGET_IDS)[number]) => {
      const p = targetProfile(id);
      return [p.container, p.disk.format, p.guestNaming, p.importHelper, p.ovfVersion];
    };
    expect(row('vmware')).toEqual(['ova', 'vmdk', 'sd', 'none', '1.0']);
    expect(row('virtualbox')).toEqual(['ova', 'vmdk', 'sd', 'none', '1.0']);
    expect(row('hyperv')).toEqual(['ovf', 'vhd', 'sd', 'hyperv-powershell', '1.0']);
    expect(row('xenserver')).toEqual(['xva', 'vhd', 'sd', 'xe', '1.0']);
    expect(row('xenserver-pv')).toEqual(['xva', 'vhd', 'xvd', 'xe', '1.0']);
    expect(row('kvm')).toEqual(['ovf', 'qcow2', 'vd', 'libvirt-xml', '1.0']);
    expect(row('ovf')).toEqual(['ova', 'vmdk', null, 'none', '1.0']);
    expect(targetProfile('vmware').virtualSystemType).toBe('vmx-13');
    expect(targetProfile('virtualbox').virtualSystemType).toBe('virtualbox-2.2');
    expect(targetProfile('hyperv').virtualSystemType).toBe('Microsoft:Hyper-V');
    expect(targetProfile('xenserver').virtualSystemType).toBe('hvm-3.0-unknown');
    expect(targetProfile('xenserver-pv').virtualSystemType).toBe('xen-3.0-unknown');
    expect(targetProfile('xenserver').manifest).toBe('sha1');
  });

  test('disk writer options are ones the VMDK and VHD writers accept', () => {
    for (const profile of Object.values(TARGET_PROFILES)) {
      expect(OUTPUT_FORMATS).toContain(profile.disk.format);
      for (const format of profile.disk.alternatives) expect(OUTPUT_FORMATS).toContain(format);
      expect(profile.containers).toContain(profile.container);
      for (const bus of [null, 'ide', 'scsi'] as const) {
        const options = diskWriterOptions(profile, bus);
        if (profile.disk.format === 'vmdk') expect(() => resolveDescriptorOptions(options, 'x.vmdk')).not.toThrow();
        if (options.vhdCreator !== undefined) expect(vhdCreator(options.vhdCreator)).toHaveLength(4);
      }
    }
    expect(vhdCreator(targetProfile('xenserver').disk.options.vhdCreator)).toBe('tap\0');
    expect(vhdCreator(targetProfile('hyperv').disk.options.vhdCreator)).toBe('win ');
    expect(diskWriterOptions(targetProfile('vmware'), 'ide')).toEqual({ vmdkAdapterType: 'ide', vmdkHardwareVersion: 13 });
    expect(diskWriterOptions(targetProfile('vmware'), 'scsi')).toEqual({ vmdkAdapterType: 'lsilogic', vmdkHardwareVersion: 13 });
  });

  test('UEFI on Hyper-V needs VHDX (generation 2); a format asked for wins', () => {
    expect(diskFormatFor(targetProfile('hyperv'), 'efi')).toBe('vhdx');
    expect(diskFormatFor(targetProfile('hyperv'), 'bios')).toBe('vhd');
    expect(diskFormatFor(targetProfile('hyperv'), 'efi', 'vhd-fixed')).toBe('vhd-fixed');
    expect(diskFormatFor(targetProfile('vmware'), 'efi')).toBe('vmdk');
  });

  test('every translating profile can boot BIOS and UEFI guests from some controller, and has a NIC for both', () => {
    for (const profile of Object.values(TARGET_PROFILES)) {
      if (profile.hardware === 'keep') continue;
      for (const firmware of ['bios', 'efi'] as const) {
        const offers = profile.controllers.filter((o) => o.onlyWith === undefined || o.onlyWith === firmware);
        expect(offers.some((o) => o.bootable[firmware]), `${profile.id} ${firmware}`).toBe(true);
        expect(profile.nics.some((n) => n.onlyWith === undefined || n.onlyWith === firmware), `${profile.id} ${firmware}`).toBe(true);
      }
      expect(profile.nics.some((n) => n.model === profile.defaultNic), profile.id).toBe(true);
      for (const offer of profile.controllers) {
        expect([5, 6, 20]).toContain(offer.resourceType);
        expect(offer.devicesPerController, profile.id).toBeGreaterThan(offer.reservedAddresses.length);
      }
    }
  });

  test('plain-language descriptions name what the user gets', () => {
    expect(targetProfile('vmware').description).toMatch(/ESXi.*Workstation.*Fusion.*OVA.*streamOptimized VMDK/);
    expect(targetProfile('hyperv').description).toMatch(/VHD.*PowerShell.*New-VM/);
    expect(targetProfile('xenserver-pv').description).toMatch(/pygrub/);
    expect(targetProfile('kvm').description).toMatch(/qcow2.*libvirt/);
    for (const profile of Object.values(TARGET_PROFILES)) expect(profile.label.length).toBeLessThan(40);
  });
});
