import { describe, expect, test } from 'vitest';
import type { UnknownSection, VirtualSystem } from '../../../src/engine/ovf/model';
import { sectionsOfKind } from '../../../src/engine/ovf/model-walk';
import { declaredFiles, describeVirtualSystems } from '../../../src/engine/ovf/report';
import { parseXml } from '../../../src/engine/ovf/xml';
import { childElements } from '../../../src/engine/ovf/xml-query';
import { caught, envelope, readText, shapeOf, system } from './support';

/** Synthetic descriptors, each isolating one rule of the reader. */
const FILES = `<References><File ovf:id="f1" ovf:href="d1.vmdk" ovf:size="100"/></References>`;
const DISKS = `<DiskSection><Info>disks</Info>
<Disk ovf:diskId="d1" ovf:fileRef="f1" ovf:capacity="2" ovf:capacityAllocationUnits="byte * 2^30"
  ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/></DiskSection>`;
const SCSI = `<Item><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>lsilogic</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>`;
const DISK_ITEM = (id: string, disk: string, parent: string, address: string): string =>
  `<Item><rasd:AddressOnParent>${address}</rasd:AddressOnParent><rasd:HostResource>ovf:/disk/${disk}</rasd:HostResource>` +
  `<rasd:InstanceID>${id}</rasd:InstanceID><rasd:Parent>${parent}</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>`;

function firstSystem(xml: string): VirtualSystem {
  const content = readText(xml).envelope.content;
  if (content?.kind !== 'VirtualSystem') throw new Error('no VirtualSystem');
  return content;
}

describe('a clean descriptor', () => {
  test('reads without warnings or notes (the baseline the warning tests below depart from)', () => {
    const result = readText(envelope(FILES + DISKS + system(SCSI + DISK_ITEM('4', 'd1', '3', '0'))));
    expect(result.warnings).toEqual([]);
    expect(result.notes).toEqual([]);
    const [vm] = describeVirtualSystems(result.envelope);
    expect(vm).toMatchObject({ cpus: 1, memoryBytes: 512 * 2 ** 20 });
    expect(vm!.disks[0]).toMatchObject({ diskId: 'd1', capacityBytes: 2 * 2 ** 30, controller: { type: 'scsi', subtype: 'lsilogic', instanceId: '3' } });
  });
});

describe('kept verbatim, never dropped', () => {
  const vendorSection = `<acme:TuningSection xmlns:acme="urn:acme" ovf:required="false" acme:level="3">
  <Info>Acme tuning</Info><acme:Knob acme:name="x">on &amp; off</acme:Knob><!-- keep me --></acme:TuningSection>`;

  test('an unknown section is kept in place, listed in the notes, and re-parses to the same structure', () => {
    const xml = envelope(FILES + DISKS + system(SCSI, vendorSection + `<AnnotationSection><Info>a</Info><Annotation>hi</Annotation></AnnotationSection>`));
    const result = readText(xml);
    const vm = result.envelope.content as VirtualSystem;
    expect(vm.sections.map((s) => s.kind)).toEqual(['VirtualHardwareSection', 'Unknown', 'AnnotationSection']);
    const unknown = vm.sections[1] as UnknownSection;
    expect(unknown.sectionName).toBe('TuningSection');
    expect(unknown.required).toBe(false);
    expect(result.notes).toEqual(["Kept unrecognised section acme:TuningSection in VirtualSystem 'vm1' verbatim"]);
    expect(result.warnings).toEqual([]);
    const original = childElements(childElements(parseXml(xml, 'x').root).find((e) => e.local === 'VirtualSystem')!).find((e) => e.local === 'TuningSection')!;
    const reparsed = parseXml(unknown.kept.xml, 'kept').root;
    expect(shapeOf(reparsed)).toEqual(shapeOf(original));
    expect(unknown.kept.xml).toContain('xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"');
  });

  test('an unknown section that is required (the default) also warns', () => {
    const result = readText(envelope(FILES + DISKS + system(SCSI, '<MysterySection><Info>?</Info></MysterySection>')));
    expect(result.notes).toEqual(["Kept unrecognised section MysterySection in VirtualSystem 'vm1' verbatim"]);
    expect(result.warnings).toEqual([
      "MysterySection in VirtualSystem 'vm1' is marked required (ovf:required is not \"false\") but VM Ferry does not understand it",
    ]);
  });

  test('unknown elements inside known sections and items are kept with a note each', () => {
    const disks = DISKS.replace('</DiskSection>', '<acme:Extra xmlns:acme="urn:acme">1</acme:Extra></DiskSection>');
    const item = SCSI.replace('</Item>', '<acme:Slot xmlns:acme="urn:acme">7</acme:Slot></Item>');
    const result = readText(envelope(FILES + disks + system(item)));
    expect(result.notes).toEqual([
      'Kept unrecognised element acme:Extra in DiskSection of Envelope verbatim',
      "Kept unrecognised element acme:Slot in Item 3 of VirtualHardwareSection of VirtualSystem 'vm1' verbatim",
    ]);
    const [diskSection] = sectionsOfKind(result.envelope.sections, 'DiskSection');
    // Its own declaration first, then every binding in scope from the Envelope (see support.ts).
    const inScope = [
      'xmlns="http://schemas.dmtf.org/ovf/envelope/1"',
      'xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"',
      'xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"',
      'xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"',
      'xmlns:vmw="http://www.vmware.com/schema/ovf"',
    ].join(' ');
    expect(diskSection?.unknown[0]?.xml).toBe(`<acme:Extra xmlns:acme="urn:acme" ${inScope}>1</acme:Extra>`);
  });

  test('an OVF 0.9 section of unknown xsi:type is named by its type', () => {
    const xml = `<ovf:Envelope xmlns:ovf="http://www.vmware.com/schema/ovf/1/envelope" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<ovf:Section xsi:type="ovf:ResourceAllocationSection_Type" ovf:required="false"><ovf:Info>r</ovf:Info></ovf:Section>
<ovf:Content ovf:id="c" xsi:type="ovf:VirtualSystem_Type"><ovf:Info>i</ovf:Info></ovf:Content></ovf:Envelope>`;
    const result = readText(xml);
    expect(result.envelope.version).toBe('0.9');
    expect(result.envelope.sections.map((s) => (s.kind === 'Unknown' ? s.sectionName : s.kind))).toEqual(['ResourceAllocationSection']);
    expect(result.notes).toEqual(['Kept unrecognised section ovf:Section (ResourceAllocationSection) in Envelope verbatim']);
  });

  test('envelope-level Strings bundles are kept', () => {
    const result = readText(envelope(FILES + DISKS + system(SCSI) + '<Strings xml:lang="de-DE"><Msg ovf:msgid="a">b</Msg></Strings>'));
    expect(result.envelope.unknown.map((k) => k.name)).toEqual(['Strings']);
    expect(result.notes).toEqual(['Kept unrecognised element Strings in Envelope verbatim']);
  });
});

describe('warnings for suspicious content', () => {
  const warningsOf = (xml: string): string[] => readText(envelope(xml)).warnings;

  test('disk capacity missing or unparseable', () => {
    expect(warningsOf(FILES + DISKS.replace(' ovf:capacity="2"', '') + system(SCSI))).toEqual(["Disk 'd1' declares no capacity (ovf:capacity)"]);
    expect(warningsOf(FILES + DISKS.replace('byte * 2^30', 'furlongs') + system(SCSI))).toEqual([
      `Disk 'd1' has an unusable capacity: "furlongs" is not a unit of bytes`,
    ]);
    expect(warningsOf(FILES + DISKS.replace('ovf:capacity="2"', 'ovf:capacity="lots"') + system(SCSI))).toEqual([
      `Disk 'd1' has an unusable capacity: "lots" is not a whole number`,
    ]);
  });

  test('HostResource naming a disk that DiskSection does not declare', () => {
    expect(warningsOf(FILES + DISKS + system(SCSI + DISK_ITEM('4', 'nope', '3', '0')))).toEqual([
      "Item 4 of VirtualSystem 'vm1' uses disk 'nope', which DiskSection does not declare",
    ]);
  });

  test('Parent naming an item that does not exist', () => {
    expect(warningsOf(FILES + DISKS + system(SCSI + DISK_ITEM('4', 'd1', '99', '0')))).toEqual([
      "Item 4 of VirtualSystem 'vm1' names Parent 99, which is not an item of VirtualSystem 'vm1'",
    ]);
  });

  test('two items at the same AddressOnParent of one controller', () => {
    const cd = `<Item><rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:InstanceID>5</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>15</rasd:ResourceType></Item>`;
    expect(warningsOf(FILES + DISKS + system(SCSI + DISK_ITEM('4', 'd1', '3', '0') + cd))).toEqual([
      "Items 4 and 5 of VirtualSystem 'vm1' both use AddressOnParent 0 on controller 3",
    ]);
  });

  test('an unknown ResourceType', () => {
    const odd = `<Item><rasd:InstanceID>7</rasd:InstanceID><rasd:ResourceType>34</rasd:ResourceType></Item>`;
    const result = readText(envelope(FILES + DISKS + system(SCSI + odd)));
    expect(result.warnings).toEqual(["Item 7 of VirtualSystem 'vm1' has ResourceType 34, which VM Ferry does not know"]);
    expect(describeVirtualSystems(result.envelope)[0]?.otherDevices).toEqual([{ instanceId: '7', kind: 'other', resourceType: 34, description: 'ResourceType 34' }]);
  });

  test('a file reference that References lacks, unsupported compression, duplicate InstanceIDs', () => {
    const files = `<References><File ovf:id="f2" ovf:href="d1.vmdk.bz2" ovf:compression="bzip2"/></References>`;
    const duplicate = `<Item><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceType>5</rasd:ResourceType></Item>`;
    expect(warningsOf(files + DISKS + system(SCSI + duplicate))).toEqual([
      'File \'d1.vmdk.bz2\' uses ovf:compression="bzip2", which VM Ferry cannot decompress (only gzip)',
      "Disk 'd1' names file 'f1', which References does not declare",
      "2 items of VirtualSystem 'vm1' share InstanceID 3",
    ]);
  });

  test('not an Envelope at all', () => {
    caught(() => readText('<project><name>not ovf</name></project>'), 'unknown-format');
  });
});

describe('hardware wiring', () => {
  test('items listed before their parent controller are wired to it', () => {
    const vm = describeVirtualSystems(readText(envelope(FILES + DISKS + system(DISK_ITEM('9', 'd1', '3', '1') + SCSI))).envelope)[0]!;
    expect(vm.disks.map((d) => [d.instanceId, d.controller, d.addressOnParent])).toEqual([
      ['9', { type: 'scsi', subtype: 'lsilogic', instanceId: '3' }, '1'],
    ]);
  });

  test('ovf:bound min/max items are ranges around the normal item, not hardware', () => {
    const ranged = `<Item ovf:bound="min"><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>128</rasd:VirtualQuantity></Item>
<Item ovf:bound="max"><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>4096</rasd:VirtualQuantity></Item>`;
    const result = readText(envelope(FILES + DISKS + system(SCSI + ranged)));
    expect(describeVirtualSystems(result.envelope)[0]?.memoryBytes).toBe(512 * 2 ** 20);
    expect(result.warnings).toEqual([]);
  });

  test('NIC MAC address and disconnected state; SATA and NVMe controllers (ResourceType 20)', () => {
    const items = `<Item><rasd:Address>00:50:56:aa:bb:cc</rasd:Address><rasd:AutomaticAllocation>false</rasd:AutomaticAllocation>
<rasd:Connection>lan</rasd:Connection><rasd:InstanceID>10</rasd:InstanceID><rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType><rasd:ResourceType>10</rasd:ResourceType></Item>
<Item><rasd:InstanceID>11</rasd:InstanceID><rasd:ResourceSubType>vmware.sata.ahci</rasd:ResourceSubType><rasd:ResourceType>20</rasd:ResourceType></Item>
<Item><rasd:InstanceID>12</rasd:InstanceID><rasd:ResourceSubType>vmware.nvme.controller</rasd:ResourceSubType><rasd:ResourceType>20</rasd:ResourceType></Item>`;
    const vm = describeVirtualSystems(readText(envelope(FILES + DISKS + system(items))).envelope)[0]!;
    expect(vm.nics).toEqual([{ instanceId: '10', type: 'VmxNet3', network: 'lan', connected: false, mac: '00:50:56:aa:bb:cc' }]);
    expect(vm.controllers.map((c) => c.type)).toEqual(['sata', 'nvme']);
  });

  test('a disk backed directly by a file (HostResource ovf:/file/...)', () => {
    const item = `<Item><rasd:HostResource>ovf:/file/f1</rasd:HostResource><rasd:InstanceID>4</rasd:InstanceID><rasd:ResourceType>17</rasd:ResourceType></Item>`;
    const result = readText(envelope(FILES + system(item)));
    expect(describeVirtualSystems(result.envelope)[0]?.disks[0]).toMatchObject({ diskId: null, fileRef: 'f1', fileName: 'd1.vmdk', capacityBytes: null });
    expect(declaredFiles(result.envelope)[0]?.role).toBe('disk');
  });
});

describe('reading tolerantly', () => {
  test('attributes without the ovf: prefix', () => {
    const xml = envelope(`<References><File id="f1" href="a b.vmdk" size="7" chunkSize="4"/></References>
<DiskSection><Info>d</Info><Disk diskId="d1" fileRef="f1" capacity="3" capacityAllocationUnits="byte*2^20"/></DiskSection>` + system(SCSI + DISK_ITEM('4', 'd1', '3', '0')));
    const result = readText(xml);
    expect(declaredFiles(result.envelope)).toEqual([{ id: 'f1', href: 'a b.vmdk', size: 7, chunkSize: 4, compression: null, role: 'disk' }]);
    expect(describeVirtualSystems(result.envelope)[0]?.disks[0]?.capacityBytes).toBe(3 * 2 ** 20);
    expect(result.warnings).toEqual([]);
  });

  test('a capacity given as a ${property} reference resolves against ProductSection', () => {
    const disks = DISKS.replace('ovf:capacity="2"', 'ovf:capacity="${disk.size}"');
    const product = `<ProductSection><Info>p</Info><Property ovf:key="disk.size" ovf:type="int" ovf:value="5"/></ProductSection>`;
    const result = readText(envelope(FILES + disks + system(SCSI + DISK_ITEM('4', 'd1', '3', '0'), product)));
    expect(describeVirtualSystems(result.envelope)[0]?.disks[0]?.capacityBytes).toBe(5 * 2 ** 30);
    expect(result.warnings).toEqual([]);
    const missing = readText(envelope(FILES + disks + system(SCSI)));
    expect(missing.warnings).toEqual(["Disk 'd1' takes its capacity from property 'disk.size', which has no value"]);
  });

  test('a different prefix for the OVF namespace and memory without units', () => {
    const xml = `<o:Envelope xmlns:o="http://schemas.dmtf.org/ovf/envelope/1" xmlns:r="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
<o:VirtualSystem o:id="x"><o:Info>i</o:Info><o:VirtualHardwareSection><o:Info>h</o:Info>
<o:Item><r:InstanceID>1</r:InstanceID><r:ResourceType>3</r:ResourceType><r:VirtualQuantity>4</r:VirtualQuantity></o:Item>
<o:Item><r:InstanceID>2</r:InstanceID><r:ResourceType>4</r:ResourceType><r:VirtualQuantity>2048</r:VirtualQuantity></o:Item>
</o:VirtualHardwareSection></o:VirtualSystem></o:Envelope>`;
    const result = readText(xml);
    expect(describeVirtualSystems(result.envelope)[0]).toMatchObject({ cpus: 4, memoryBytes: 2048 * 2 ** 20 });
    expect(result.warnings).toEqual(["The memory item of VirtualSystem 'x' gives no AllocationUnits; read as MB"]);
  });
});

describe('firmware', () => {
  test('VMware ExtraConfig firmware=efi', () => {
    const xml = envelope(FILES + DISKS + system(SCSI + '<vmw:ExtraConfig ovf:required="false" vmw:key="firmware" vmw:value="efi"/>'));
    expect(describeVirtualSystems(readText(xml).envelope)[0]?.firmware).toBe('efi');
    const hardware = sectionsOfKind(firstSystem(xml).sections, 'VirtualHardwareSection')[0];
    expect(hardware?.vmwareConfig).toMatchObject([{ element: 'ExtraConfig', key: 'firmware', value: 'efi', required: false }]);
  });

  test('vbox:Machine Firmware type EFI', () => {
    const machine = `<vbox:Machine ovf:required="false" name="m" OSType="Ubuntu_64"><ovf:Info>vbox</ovf:Info>
<Hardware><Firmware type="EFI"/></Hardware></vbox:Machine>`;
    const xml = envelope(FILES + DISKS + system(SCSI, machine), 'xmlns:vbox="http://www.virtualbox.org/ovf/machine"');
    const result = readText(xml);
    expect(describeVirtualSystems(result.envelope)[0]?.firmware).toBe('efi');
    expect(sectionsOfKind(firstSystem(xml).sections, 'VboxMachine')[0]?.osType).toBe('Ubuntu_64');
    expect(result.notes).toEqual(["Kept unrecognised section vbox:Machine in VirtualSystem 'vm1' verbatim"]);
  });

  test('XenServer HVM_boot_params firmware=uefi', () => {
    const other = `<xenovf:VirtualSystemOtherConfigurationData Name="HVM_boot_params"><xenovf:Info>boot</xenovf:Info><xenovf:Value>order=dc;firmware=uefi</xenovf:Value></xenovf:VirtualSystemOtherConfigurationData>`;
    const xml = envelope(FILES + DISKS + system(SCSI + other), 'xmlns:xenovf="http://schemas.citrix.com/ovf/envelope/1"');
    expect(describeVirtualSystems(readText(xml).envelope)[0]?.firmware).toBe('efi');
  });

  test('an OVF 2.x BootDeviceSection naming a UEFI boot source (heuristic: OVF has no firmware field)', () => {
    const boot = `<BootDeviceSection ovf:required="false"><Info>boot</Info>
<bootc:CIM_BootConfigSetting xmlns:bootc="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_BootConfigSetting">
<bootc:ElementName>UEFI boot</bootc:ElementName><bootc:InstanceID>1</bootc:InstanceID></bootc:CIM_BootConfigSetting></BootDeviceSection>`;
    const result = readText(envelope(FILES + DISKS + system(SCSI, boot)));
    expect(describeVirtualSystems(result.envelope)[0]?.firmware).toBe('efi');
    expect(result.notes).toEqual(["Kept unrecognised section BootDeviceSection in VirtualSystem 'vm1' verbatim"]);
  });

  test('nothing said means unknown; disagreement warns and the first source wins', () => {
    expect(describeVirtualSystems(readText(envelope(FILES + DISKS + system(SCSI))).envelope)[0]?.firmware).toBeNull();
    const both = `<vmw:Config vmw:key="firmware" vmw:value="bios"/><vmw:ExtraConfig vmw:key="firmware" vmw:value="efi"/>`;
    const result = readText(envelope(FILES + DISKS + system(SCSI + both)));
    expect(describeVirtualSystems(result.envelope)[0]?.firmware).toBe('bios');
    expect(result.warnings).toEqual([
      "VirtualSystem 'vm1' has conflicting firmware settings (vmw:Config firmware=bios says bios, vmw:ExtraConfig firmware=efi says efi); using bios",
    ]);
  });
});

describe('collections', () => {
  test('nested collections are flattened; a collection-level EULA applies to its members', () => {
    const xml = envelope(FILES + DISKS + `<VirtualSystemCollection ovf:id="outer"><Info>o</Info>
<EulaSection><Info>e</Info><License>outer terms</License></EulaSection>
<VirtualSystemCollection ovf:id="inner"><Info>i</Info>${system(SCSI, '', 'a')}</VirtualSystemCollection>
${system(SCSI, '<EulaSection><Info>e</Info><License>own terms</License></EulaSection>', 'b')}
</VirtualSystemCollection>`);
    const systems = describeVirtualSystems(readText(xml).envelope);
    expect(systems.map((s) => [s.id, s.eula])).toEqual([
      ['a', ['outer terms']],
      ['b', ['outer terms', 'own terms']],
    ]);
  });
});
