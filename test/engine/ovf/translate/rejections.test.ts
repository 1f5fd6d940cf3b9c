import { describe, expect, test } from 'vitest';
import type { Envelope } from '../../../../src/engine/ovf/model';
import { allVirtualSystems, sectionsOfKind } from '../../../../src/engine/ovf/model-walk';
import { targetProfile } from '../../../../src/engine/ovf/profiles';
import { readOvf } from '../../../../src/engine/ovf/read-ovf';
import { translateEnvelope } from '../../../../src/engine/ovf/translate';
import { writeOvfText } from '../../../../src/engine/ovf/write/write-ovf';
import { describeWithTools } from '../../../support/tools';
import { envelope, readFixture, readText } from '../support';
import { validateDescriptor, validateDescriptors } from '../write/xmllint';
import { TARGET_CASES, translateFixture } from './fixture-matrix';

/**
 * What importers are known to refuse (shared/notes c25 and the issues cited in the profiles) is removed and
 * reported, and what a target reads of its own vendor's extensions is kept.
 */
const text = (e: Envelope): string => writeOvfText(e);

describe('VMware (ESXi, Workstation)', () => {
  test('virtualbox-2.2 is replaced by vmx-13 and the reason reported (ESXi refuses it)', () => {
    for (const fixture of ['cot-ubuntu-ovf20.ovf', 'vbox32-winxp-ovf10-vboxmachine-2disks.ovf']) {
      const t = translateFixture(fixture, { label: 'vmware', target: 'vmware' });
      expect(t.decisions.some((d) => /virtualbox-2\.2 → vmx-13 \(.*refuses virtualbox-2\.2\)/.test(d)), fixture).toBe(true);
      expect(text(t.envelope)).not.toContain('virtualbox-2.2');
      expect(t.dropped.some((d) => d.startsWith('vbox:Machine')), fixture).toBe(true);
      expect(text(t.envelope)).not.toContain('vbox:');
    }
  });

  test("XenServer's StartupSection and other-configuration data are dropped for Workstation (xenadmin #202)", () => {
    const t = translateFixture('xenadmin-sample_app-xenovf-utf16decl.ovf', { label: 'vmware', target: 'vmware' });
    expect(t.dropped.some((d) => /^StartupSection of Envelope: VMware Workstation refuses/.test(d))).toBe(true);
    expect(t.dropped.some((d) => d.includes('XenServer settings platform, PV_bootloader'))).toBe(true);
    const written = text(t.envelope);
    expect(written).not.toContain('StartupSection');
    expect(written).not.toContain('VirtualSystemOtherConfigurationData');
    expect(written).not.toContain('xenovf');
  });

  test('a StartupSection inside a vApp (VirtualSystemCollection) is kept: vCenter reads the start order', () => {
    const t = translateFixture('govmomi-vcenter-vapp-2vms-sas-pvscsi.ovf', { label: 'vmware', target: 'vmware' });
    const collection = t.envelope.content!;
    expect(sectionsOfKind(collection.sections, 'StartupSection')[0]!.items.map((i) => i.id)).toEqual(['sunvhw-pv', 'sunvhw-sas']);
  });

  test('ExtraConfig and Config keys ESXi does not accept are dropped and reported; the rest become optional', () => {
    const source = readText(
      envelope(`<References/>
<VirtualSystem ovf:id="vm"><Info>vm</Info>
<VirtualHardwareSection><Info>hw</Info>
<System><vssd:ElementName>Virtual Hardware Family</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-11</vssd:VirtualSystemType></System>
<Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></Item>
<Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>mem</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>256</rasd:VirtualQuantity></Item>
<vmw:ExtraConfig ovf:required="true" vmw:key="ethernet1.present" vmw:value="TRUE"/>
<vmw:ExtraConfig vmw:key="vhv.enable" vmw:value="TRUE"/>
<vmw:ExtraConfig vmw:key="guestinfo.hostname" vmw:value="web"/>
<vmw:Config ovf:required="true" vmw:key="tools.syncTime" vmw:value="true"/>
<vmw:Config vmw:key="flags.vvtdEnabled" vmw:value="true"/>
<vmw:Config vmw:key="tools.syncTimeWithHost" vmw:value="true"/>
</VirtualHardwareSection></VirtualSystem>`),
    ).envelope;
    const t = translateEnvelope(source, targetProfile('vmware'), { diskFiles: [] });
    const hardware = sectionsOfKind(t.envelope.content!.sections, 'VirtualHardwareSection')[0]!;
    expect(hardware.vmwareConfig.map((c) => [c.element, c.key, c.required])).toEqual([
      ['ExtraConfig', 'guestinfo.hostname', false],
      ['Config', 'tools.syncTimeWithHost', false],
    ]);
    for (const key of ['ethernet1.present', 'vhv.enable', 'tools.syncTime=', 'flags.vvtdEnabled']) {
      expect(t.dropped.some((d) => d.includes(key) && d.includes('ESXi refuses')), key).toBe(true);
    }
    // vmx-11 is older than the profile's hardware version: it becomes vmx-13.
    expect(hardware.system!.virtualSystemTypes).toEqual(['vmx-13']);
  });

  test('a VMware source on a newer hardware version keeps it', () => {
    const source = readFixture('cot-vmware-vsphere-vmx08.ovf').envelope;
    const hardware = sectionsOfKind(allVirtualSystems(source)[0]!.sections, 'VirtualHardwareSection')[0]!;
    hardware.system!.virtualSystemTypes = ['vmx-19'];
    hardware.system!.properties.find((p) => p.name === 'VirtualSystemType')!.value = 'vmx-19';
    const t = translateFixture('cot-vmware-vsphere-vmx08.ovf', { label: 'vmware', target: 'vmware' }, source);
    expect(text(t.envelope)).toContain('<vssd:VirtualSystemType>vmx-19</vssd:VirtualSystemType>');
  });

  test('a system without VirtualHardwareSection gets one (ESXi refuses it missing) and a warning', () => {
    const source = readText(envelope(`<References/><VirtualSystem ovf:id="bare"><Info>nothing</Info></VirtualSystem>`)).envelope;
    const t = translateEnvelope(source, targetProfile('vmware'), { diskFiles: [] });
    expect(t.warnings.some((w) => w.includes("VirtualSystem 'bare' describes no virtual hardware"))).toBe(true);
    const written = text(t.envelope);
    expect(written).toContain('<VirtualHardwareSection>');
    expect(written).toContain('<vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType>');
  });
});

describe('VirtualBox', () => {
  test('resource types VirtualBox throws on (serial 21, graphics 24, VMware "other" 1) are dropped and reported', () => {
    const csr = translateFixture('cot-csr1000v-deploymentoptions.ovf', { label: 'virtualbox', target: 'virtualbox' });
    expect(csr.dropped.filter((d) => d.includes('does not take resource type 21'))).toHaveLength(2);
    const vsphere = translateFixture('cot-vmware-vsphere-vmx08.ovf', { label: 'virtualbox', target: 'virtualbox' });
    expect(vsphere.dropped.some((d) => d.includes('Video card') && d.includes('resource type 24'))).toBe(true);
    expect(vsphere.dropped.some((d) => d.includes('VMCI device') && d.includes('resource type 1 (Other)'))).toBe(true);
    expect(vsphere.dropped.some((d) => d.includes('VMware setting(s)'))).toBe(true);
  });

  test('memory is written in the only units VirtualBox reads (byte * 2^20)', () => {
    for (const fixture of ['cot-v0.9-vmx04.ovf', 'cot-ubuntu-ovf20.ovf', 'xenadmin-sample_app-xenovf-utf16decl.ovf']) {
      const written = text(translateFixture(fixture, { label: 'virtualbox', target: 'virtualbox' }).envelope);
      expect(written, fixture).toContain('<rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>');
      expect(written, fixture).not.toContain('MegaBytes');
    }
  });

  test('the OS goes in as <vbox:OSType> too, which VirtualBox reads', () => {
    const written = text(translateFixture('cot-vmware-vsphere-vmx08.ovf', { label: 'virtualbox', target: 'virtualbox' }).envelope);
    expect(written).toContain('<vbox:OSType ovf:required="false">RedHat_64</vbox:OSType>');
  });
});

describe('XenServer', () => {
  test("XenServer's own extensions are kept for XenServer, with the boot settings of the target", () => {
    const t = translateFixture('xenadmin-sample_app-xenovf-utf16decl.ovf', { label: 'xenserver', target: 'xenserver' });
    const written = text(t.envelope);
    expect(written).toContain('<StartupSection>');
    expect(written).toContain('<vssd:VirtualSystemType>hvm-3.0-unknown</vssd:VirtualSystemType>');
    const hardware = sectionsOfKind(t.envelope.content!.sections, 'VirtualHardwareSection')[0]!;
    expect(hardware.xenOtherConfig.map((c) => [c.name, c.value])).toEqual([
      ['platform', 'nx=false;pae=true;acpi=true;viridian=true;apic=true;'],
      ['HVM_boot_policy', 'BIOS order'],
      ['HVM_boot_params', 'order=dc'],
    ]);
    // The source's PV bootloader would contradict an HVM target.
    expect(written).not.toContain('pygrub');
  });

  test('PV: empty HVM boot policy and pygrub, xen-3.0-unknown; serial ports are not written (XenCenter reads type 21 as a disk)', () => {
    const t = translateFixture('cot-csr1000v-deploymentoptions.ovf', { label: 'pv', target: 'xenserver-pv' });
    const hardware = sectionsOfKind(t.envelope.content!.sections, 'VirtualHardwareSection')[0]!;
    expect(hardware.xenOtherConfig.map((c) => [c.name, c.value])).toEqual([
      ['HVM_boot_policy', ''],
      ['PV_bootloader', 'pygrub'],
    ]);
    expect(hardware.items.some((i) => i.resourceType === 21 || i.resourceType === 20)).toBe(false);
    expect(t.systems[0]!.disks[0]!.guestPrefix).toBe('xvd');
  });
});

describe('every target', () => {
  test('vbox:Machine is dropped with its reason, and vbox:uuid with it', () => {
    for (const target of ['virtualbox', 'kvm', 'ovf'] as const) {
      const t = translateFixture('cot-ubuntu-ovf20.ovf', { label: target, target });
      expect(t.dropped.some((d) => d.startsWith("vbox:Machine of VirtualSystem 'ubuntu'")), target).toBe(true);
      expect(text(t.envelope), target).not.toContain('vbox:uuid');
      expect(text(t.envelope), target).not.toContain('<vbox:Machine');
    }
  });
});

describeWithTools(['xmllint'], 'a vendor section VMware reads but DSP8023 has no place for', () => {
  test('vmw:IpAssignmentSection is kept for VMware only; strict validation refuses exactly that element', () => {
    const source = readText(
      envelope(`<References/>
<VirtualSystem ovf:id="vm"><Info>vm</Info>
<VirtualHardwareSection><Info>hw</Info><System><vssd:ElementName>Virtual Hardware Family</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID></System>
<Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></Item></VirtualHardwareSection>
<vmw:IpAssignmentSection ovf:required="false" vmw:protocols="IPv4" vmw:schemes=""><Info>Supported IP assignment schemes</Info></vmw:IpAssignmentSection>
</VirtualSystem>`),
    ).envelope;
    const vmware = translateEnvelope(source, targetProfile('vmware'), { diskFiles: [] });
    const result = validateDescriptor(text(vmware.envelope), 'ipassignment.ovf');
    expect(result.valid).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/IpAssignmentSection.*This element is not expected/);
    const kvm = translateEnvelope(source, targetProfile('kvm'), { diskFiles: [] });
    expect(kvm.dropped.some((d) => d.startsWith('vmw:IpAssignmentSection'))).toBe(true);
    expect(validateDescriptor(text(kvm.envelope), 'ipassignment-kvm.ovf').valid).toBe(true);
    // And it reads back as the section VMware wrote.
    const back = readOvf(new TextEncoder().encode(text(vmware.envelope)), 'back.ovf').envelope;
    expect(back.content!.sections.some((s) => s.kind === 'Unknown' && s.sectionName === 'IpAssignmentSection')).toBe(true);
  });
});

describeWithTools(['xmllint'], 'a bare system (no hardware, no OS section) still becomes a valid descriptor for every target', () => {
  test('all targets', () => {
    const source = readText(envelope(`<References/><VirtualSystem ovf:id="bare"><Info>nothing</Info></VirtualSystem>`)).envelope;
    const outputs = new Map<string, string>();
    for (const targetCase of TARGET_CASES) {
      const t = translateEnvelope(source, targetProfile(targetCase.target), { diskFiles: [], ...(targetCase.ovfVersion ? { ovfVersion: targetCase.ovfVersion } : {}) });
      outputs.set(`bare-${targetCase.label}.ovf`, text(t.envelope));
    }
    const failures = [...validateDescriptors(outputs)].filter(([, r]) => !r.valid).map(([n, r]) => `${n}: ${r.errors.join(' | ')}`);
    expect(failures).toEqual([]);
  });
});
