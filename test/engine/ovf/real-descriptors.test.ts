import { describe, expect, test } from 'vitest';
import type { HardwareItem, VirtualHardwareSection, VirtualSystem, VirtualSystemCollection } from '../../../src/engine/ovf/model';
import { sectionsOfKind } from '../../../src/engine/ovf/model-walk';
import { declaredFiles, describeNetworks, describeVirtualSystems } from '../../../src/engine/ovf/report';
import { fixtureNames, readFixture } from './support';

/**
 * Every real descriptor in shared/fixtures/ovf, with values read off the files by hand (see SOURCES.md there
 * for where each comes from and what makes it special). Nothing here is copied from the reader's output.
 */
const GiB = 2 ** 30;
const MiB = 2 ** 20;

const COVERED = [
  'cot-csr1000v-deploymentoptions.ovf',
  'cot-ubuntu-ovf20.ovf',
  'cot-v0.9-vmx04.ovf',
  'cot-vmware-vsphere-vmx08.ovf',
  'govmomi-ovftool-gzip-compression.ovf',
  'govmomi-vcenter-vapp-2vms-sas-pvscsi.ovf',
  'vbox32-winxp-ovf10-vboxmachine-2disks.ovf',
  'xenadmin-sample_app-xenovf-utf16decl.ovf',
];

function hardwareOf(system: VirtualSystem): VirtualHardwareSection {
  const [hardware] = sectionsOfKind(system.sections, 'VirtualHardwareSection');
  if (!hardware) throw new Error(`no VirtualHardwareSection in ${system.id}`);
  return hardware;
}

function onlySystem(name: string): VirtualSystem {
  const { envelope } = readFixture(name);
  if (envelope.content?.kind !== 'VirtualSystem') throw new Error(`${name}: content is not a VirtualSystem`);
  return envelope.content;
}

function item(hardware: VirtualHardwareSection, instanceId: string): HardwareItem {
  const found = hardware.items.find((i) => i.instanceId === instanceId);
  if (!found) throw new Error(`no item ${instanceId}`);
  return found;
}

test('every descriptor in the fixture folder parses and is covered below', () => {
  expect(fixtureNames()).toEqual(COVERED);
  for (const name of fixtureNames()) {
    const result = readFixture(name);
    expect(result.envelope.content, name).not.toBeNull();
    expect(describeVirtualSystems(result.envelope).length, name).toBeGreaterThan(0);
  }
});

describe('cot-vmware-vsphere-vmx08.ovf (vSphere 5.1 export, prefixed ovf: + default namespace)', () => {
  const name = 'cot-vmware-vsphere-vmx08.ovf';

  test('envelope, files and networks', () => {
    const { envelope, warnings, notes } = readFixture(name);
    expect(envelope.version).toBe('1.0');
    expect(envelope.attributes.find((a) => a.name === 'vmw:buildId')?.value).toBe('build-880146');
    expect(declaredFiles(envelope)).toEqual([
      { id: 'file1', href: 'input.vmdk', size: 152576, chunkSize: null, compression: null, role: 'disk' },
    ]);
    expect(describeNetworks(envelope)).toEqual([{ name: 'lanethernet0', description: 'The lanethernet0 network' }]);
    expect(warnings).toEqual([]);
    expect(notes).toEqual([]);
  });

  test('the virtual system as reported', () => {
    const [vm, ...others] = describeVirtualSystems(readFixture(name).envelope);
    expect(others).toHaveLength(0);
    expect(vm).toMatchObject({
      id: 'vmw',
      name: 'vmw',
      virtualSystemTypes: ['vmx-08'],
      cpus: 2,
      coresPerSocket: 2,
      memoryBytes: 1536 * MiB,
      firmware: 'bios',
      os: { cimId: 80, description: 'Red Hat Enterprise Linux 6 (64-bit)', vmwareOsType: 'rhel6_64Guest' },
    });
    expect(vm!.controllers).toEqual([
      { instanceId: '3', type: 'scsi', subtype: 'virtio lsilogic', address: '0' },
      { instanceId: '4', type: 'ide', subtype: null, address: '1' },
      { instanceId: '5', type: 'ide', subtype: null, address: '0' },
    ]);
    expect(vm!.disks).toEqual([
      {
        instanceId: '8',
        diskId: 'vmdisk1',
        capacityBytes: 1 * GiB,
        populatedBytes: 293011456,
        fileRef: 'file1',
        fileName: 'input.vmdk',
        format: 'vmdk-streamOptimized',
        controller: { type: 'scsi', subtype: 'virtio lsilogic', instanceId: '3' },
        addressOnParent: '0',
      },
    ]);
    expect(vm!.nics.map((n) => [n.instanceId, n.type, n.network, n.connected])).toEqual([
      ['9', 'E1000', 'lanethernet0', true],
      ['10', 'E1000', 'lanethernet0', true],
      ['11', 'E1000', 'lanethernet0', true],
      ['12', 'E1000', 'lanethernet0', true],
    ]);
    expect(vm!.otherDevices.map((d) => [d.instanceId, d.kind, d.resourceType])).toEqual([
      ['6', 'graphics', 24],
      ['7', 'other', 1],
    ]);
    expect(vm!.product).toEqual([
      { product: null, vendor: null, version: null, fullVersion: null, properties: [{ key: 'custom-property', type: 'string', value: 'custom-value', label: null }] },
    ]);
  });

  test('VMware Config keys at item and hardware-section level', () => {
    const hardware = hardwareOf(onlySystem(name));
    // 17 vmw:Config directly in the section, 20 inside items (1 + 4 + 2 + 1 + 4 × 3).
    expect(hardware.vmwareConfig).toHaveLength(17);
    expect(hardware.items.reduce((n, i) => n + i.vmwareConfig.length, 0)).toBe(20);
    expect(hardware.vmwareConfig.find((c) => c.key === 'firmware')).toMatchObject({ element: 'Config', value: 'bios', required: false });
    expect(item(hardware, '9').vmwareConfig.map((c) => c.key)).toEqual([
      'connectable.allowGuestControl',
      'slotInfo.pciSlotNumber',
      'wakeOnLanEnabled',
    ]);
    expect(item(hardware, '6').required).toBe(false);
    expect(item(hardware, '2').required).toBeNull();
  });
});

describe('cot-v0.9-vmx04.ovf (VMware OVF 0.9 layout)', () => {
  const name = 'cot-v0.9-vmx04.ovf';

  test('0.9 envelope: ovf:Section xsi:type and ovf:Content are read as typed sections', () => {
    const { envelope, warnings, notes } = readFixture(name);
    expect(envelope.version).toBe('0.9');
    expect(envelope.namespace).toBe('http://www.vmware.com/schema/ovf/1/envelope');
    expect(envelope.sections.map((s) => s.kind)).toEqual(['DiskSection', 'NetworkSection']);
    expect(envelope.content?.kind).toBe('VirtualSystem');
    expect(envelope.content?.id).toBe('v0.9');
    expect(envelope.content?.sections.map((s) => s.kind)).toEqual([
      'OperatingSystemSection',
      'VirtualHardwareSection',
      'AnnotationSection',
      'EulaSection',
    ]);
    expect(warnings).toEqual([]);
    expect(notes).toEqual([]);
  });

  test('rasd:InstanceId spelling, MegaBytes memory, byte capacity', () => {
    const system = onlySystem(name);
    const hardware = hardwareOf(system);
    expect(hardware.items.map((i) => i.instanceId)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(hardware.items[0]!.properties.map((p) => p.name)).toContain('InstanceId');
    expect(hardware.system?.virtualSystemIdentifier).toBe('foo');
    const [vm] = describeVirtualSystems(readFixture(name).envelope);
    expect(vm).toMatchObject({
      cpus: 1,
      memoryBytes: 8192 * MiB,
      virtualSystemTypes: ['vmx-04'],
      firmware: null,
      os: { cimId: 107, description: null, vmwareOsType: 'other26xLinux64Guest' },
      annotation: 'Hello world! This is a version 0.9 OVF.',
      eula: ['Licensing text, oh licensing text!\nHow lovely is thy legalese!'],
    });
    expect(vm!.controllers.map((c) => [c.instanceId, c.type, c.subtype])).toEqual([
      ['3', 'usb', null],
      ['4', 'scsi', 'lsilogic'],
      ['5', 'ide', null],
    ]);
    expect(vm!.disks).toHaveLength(1);
    expect(vm!.disks[0]).toMatchObject({ diskId: 'vmdisk1', capacityBytes: 1073741824, format: 'vmdk-sparse', controller: { type: 'scsi', instanceId: '4' } });
    expect(vm!.nics).toEqual([{ instanceId: '8', type: 'PCNet32', network: 'bridged', connected: true, mac: null }]);
    expect(vm!.otherDevices.map((d) => [d.instanceId, d.kind])).toEqual([['6', 'cdrom']]);
  });
});

describe('govmomi-vcenter-vapp-2vms-sas-pvscsi.ovf (vCenter vApp: collection of two VMs)', () => {
  const name = 'govmomi-vcenter-vapp-2vms-sas-pvscsi.ovf';

  test('collection with startup order and two members', () => {
    const { envelope, warnings } = readFixture(name);
    const collection = envelope.content as VirtualSystemCollection;
    expect(collection.kind).toBe('VirtualSystemCollection');
    expect(envelope.comments).toEqual([
      'Generated by VMware VirtualCenter Server, User: Administrator, UTC time: 2011-01-25T21:24:30.5205Z',
    ]);
    expect(collection.id).toBe('sunVHW-DiskTypes');
    expect(collection.name?.text).toBe('sunVHW-DiskTypes');
    expect(collection.children.map((c) => [c.kind, c.id])).toEqual([
      ['VirtualSystem', 'sunvhw-sas'],
      ['VirtualSystem', 'sunvhw-pv'],
    ]);
    const [startup] = sectionsOfKind(collection.sections, 'StartupSection');
    expect(startup?.items.map((i) => [i.id, i.order, i.startDelay, i.startAction, i.stopDelay, i.stopAction])).toEqual([
      ['sunvhw-pv', 1, 120, 'powerOn', 120, 'powerOff'],
      ['sunvhw-sas', 2, 120, 'powerOn', 120, 'powerOff'],
    ]);
    expect(declaredFiles(envelope).map((f) => [f.href, f.size, f.role])).toEqual([
      ['sunVHW-DiskTypes-disk1.vmdk', 68096, 'disk'],
      ['sunVHW-DiskTypes-disk2.vmdk', 68096, 'disk'],
      ['sunVHW-DiskTypes-disk3.vmdk', 68096, 'disk'],
      ['sunVHW-DiskTypes-disk4.vmdk', 68096, 'disk'],
    ]);
    expect(warnings).toEqual([]);
  });

  test('both systems, flattened, with LSI SAS and PVSCSI controllers', () => {
    const systems = describeVirtualSystems(readFixture(name).envelope);
    expect(systems.map((s) => [s.id, s.cpus, s.memoryBytes, s.virtualSystemTypes[0], s.os?.cimId])).toEqual([
      ['sunvhw-sas', 1, 1 * GiB, 'vmx-07', 69],
      ['sunvhw-pv', 1, 1 * GiB, 'vmx-07', 69],
    ]);
    expect(systems.map((s) => s.disks.map((d) => [d.diskId, d.capacityBytes, d.populatedBytes, d.controller?.subtype, d.addressOnParent]))).toEqual([
      [
        ['vmdisk1', GiB, 0, 'lsilogicsas', '0'],
        ['vmdisk2', GiB, 0, 'lsilogicsas', '1'],
      ],
      [
        ['vmdisk3', GiB, 0, 'VirtualSCSI', '0'],
        ['vmdisk4', GiB, 0, 'VirtualSCSI', '1'],
      ],
    ]);
    for (const vm of systems) {
      expect(vm.nics).toEqual([{ instanceId: '8', type: 'E1000', network: 'VM Network', connected: true, mac: null }]);
      expect(vm.otherDevices.map((d) => d.kind)).toEqual(['floppy', 'cdrom']);
      expect(vm.os?.vmwareOsType).toBe('winNetStandardGuest');
    }
  });
});

describe('cot-ubuntu-ovf20.ovf (VirtualBox OVF 2.0 export)', () => {
  const name = 'cot-ubuntu-ovf20.ovf';

  test('OVF 2.0 envelope, StorageItem and EthernetPortItem with VirtualBox .xsd namespaces', () => {
    const { envelope, notes, warnings } = readFixture(name);
    expect(envelope.version).toBe('2.0');
    expect(envelope.namespace).toBe('http://schemas.dmtf.org/ovf/envelope/2');
    const hardware = hardwareOf(envelope.content as VirtualSystem);
    expect(hardware.items.map((i) => i.element)).toEqual([
      'Item', 'Item', 'Item', 'Item', 'Item', 'Item', 'Item', 'StorageItem', 'StorageItem', 'EthernetPortItem',
    ]);
    const disk = item(hardware, '8');
    expect(disk.properties[0]?.namespace).toBe('http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_StorageAllocationSettingData.xsd');
    expect(disk.hostResources).toEqual(['/disk/vmdisk1']);
    expect(item(hardware, '10').properties.find((p) => p.name === 'ResourceSubType')?.qualifiedName).toBe('epasd:ResourceSubType');
    expect(notes).toEqual(["Kept unrecognised section vbox:Machine in VirtualSystem 'ubuntu' verbatim"]);
    expect(warnings).toEqual([]);
  });

  test('the virtual system as reported', () => {
    const { envelope } = readFixture(name);
    const [vm] = describeVirtualSystems(envelope);
    expect(vm).toMatchObject({
      id: 'ubuntu',
      cpus: 1,
      memoryBytes: 512 * MiB,
      virtualSystemTypes: ['virtualbox-2.2'],
      firmware: 'bios',
      os: { cimId: 94, description: 'Ubuntu_64', vmwareOsType: null },
    });
    expect(vm!.controllers).toEqual([
      { instanceId: '3', type: 'ide', subtype: 'PIIX4', address: '0' },
      { instanceId: '4', type: 'ide', subtype: 'PIIX4', address: '1' },
      { instanceId: '5', type: 'sata', subtype: 'AHCI', address: '0' },
      { instanceId: '6', type: 'usb', subtype: null, address: '0' },
    ]);
    expect(vm!.disks).toEqual([
      {
        instanceId: '8',
        diskId: 'vmdisk1',
        capacityBytes: 8589934592,
        populatedBytes: null,
        fileRef: 'file1',
        fileName: 'ubuntu.2.0-disk1.vmdk',
        format: 'vmdk-streamOptimized',
        controller: { type: 'sata', subtype: 'AHCI', instanceId: '5' },
        addressOnParent: '0',
      },
    ]);
    expect(vm!.nics).toEqual([{ instanceId: '10', type: 'E1000', network: 'NAT', connected: true, mac: null }]);
    expect(vm!.otherDevices.map((d) => [d.instanceId, d.kind])).toEqual([
      ['7', 'sound'],
      ['9', 'cdrom'],
    ]);
    expect(declaredFiles(envelope)).toEqual([
      { id: 'file1', href: 'ubuntu.2.0-disk1.vmdk', size: null, chunkSize: null, compression: null, role: 'disk' },
    ]);
  });

  test('vbox:Machine is kept verbatim and read for OS type; vbox:OSType in the OS section', () => {
    const system = onlySystem(name);
    const [machine] = sectionsOfKind(system.sections, 'VboxMachine');
    expect(machine?.osType).toBe('Ubuntu_64');
    expect(machine?.required).toBe(false);
    expect(machine?.kept.xml).toContain('<StorageController name="SATA" type="AHCI"');
    expect(machine?.kept.xml).toContain('xmlns:vbox="http://www.virtualbox.org/ovf/machine"');
    expect(sectionsOfKind(system.sections, 'OperatingSystemSection')[0]?.virtualBoxOsType).toBe('Ubuntu_64');
  });
});

describe('vbox32-winxp-ovf10-vboxmachine-2disks.ovf (VirtualBox 3.2, OVF 1.0)', () => {
  const name = 'vbox32-winxp-ovf10-vboxmachine-2disks.ovf';

  test('file href with spaces, two disks on IDE', () => {
    const { envelope, notes, warnings } = readFixture(name);
    expect(declaredFiles(envelope).map((f) => [f.id, f.href, f.size])).toEqual([
      ['file1', 'Windows 5.1 XP 1 merged.vmdk', 4948965888],
      ['file2', 'smallvdi.vmdk', 1265152],
    ]);
    const [vm] = describeVirtualSystems(envelope);
    expect(vm).toMatchObject({ id: 'Windows 5.1 XP 1', name: 'Windows 5.1 XP 1', cpus: 1, memoryBytes: 895 * MiB, firmware: 'bios' });
    expect(vm!.os).toEqual({ cimId: 67, description: 'WindowsXP', vmwareOsType: null });
    expect(vm!.disks.map((d) => [d.diskId, d.capacityBytes, d.fileName, d.controller?.subtype, d.controller?.instanceId, d.addressOnParent])).toEqual([
      ['vmdisk1', 10485760000, 'Windows 5.1 XP 1 merged.vmdk', 'PIIX3', '3', '0'],
      ['vmdisk2', 2147483648, 'smallvdi.vmdk', 'PIIX3', '3', '1'],
    ]);
    expect(vm!.controllers.map((c) => [c.instanceId, c.type])).toEqual([
      ['3', 'ide'],
      ['4', 'ide'],
      ['7', 'usb'],
    ]);
    expect(vm!.nics.map((n) => [n.type, n.network])).toEqual([['PCNet32', 'NAT']]);
    expect(vm!.otherDevices.map((d) => d.kind)).toEqual(['floppy', 'sound', 'cdrom']);
    expect(notes).toEqual(["Kept unrecognised section vbox:Machine in VirtualSystem 'Windows 5.1 XP 1' verbatim"]);
    expect(warnings).toEqual([]);
  });

  test('vbox:uuid on Disk is kept as an attribute', () => {
    const { envelope } = readFixture(name);
    const [diskSection] = sectionsOfKind(envelope.sections, 'DiskSection');
    expect(diskSection?.disks[1]?.attributes.find((a) => a.name === 'vbox:uuid')?.value).toBe('cf2b9350-4d5f-42a2-be70-b85a00c2ec9f');
  });
});

describe('cot-csr1000v-deploymentoptions.ovf (Cisco CSR 1000V, deployment options)', () => {
  const name = 'cot-csr1000v-deploymentoptions.ovf';

  test('four configurations; several items share an InstanceID, all kept', () => {
    const { envelope, warnings } = readFixture(name);
    const hardware = hardwareOf(envelope.content as VirtualSystem);
    expect(hardware.transport).toBe('iso');
    expect(hardware.items.filter((i) => i.instanceId === '1').map((i) => i.configurations)).toEqual([
      [],
      ['2CPU-4GB'],
      ['4CPU-4GB', '4CPU-8GB'],
    ]);
    expect(hardware.items.filter((i) => i.instanceId === '2')).toHaveLength(2);
    const [vm] = describeVirtualSystems(envelope);
    expect(vm!.deploymentOptions).toEqual([
      { id: '1CPU-4GB', label: 'Small', isDefault: true },
      { id: '2CPU-4GB', label: 'Medium', isDefault: false },
      { id: '4CPU-4GB', label: 'Large', isDefault: false },
      { id: '4CPU-8GB', label: 'Large + DRAM Upgrade', isDefault: false },
    ]);
    expect(warnings).toEqual([]);
  });

  test('CPU and memory per configuration (default first)', () => {
    const { envelope } = readFixture(name);
    const sizes = [undefined, '2CPU-4GB', '4CPU-4GB', '4CPU-8GB'].map((c) => {
      const [vm] = describeVirtualSystems(envelope, c);
      return [vm!.cpus, vm!.memoryBytes];
    });
    expect(sizes).toEqual([
      [1, 4096 * MiB],
      [2, 4096 * MiB],
      [4, 4096 * MiB],
      [4, 8192 * MiB],
    ]);
  });

  test('hardware, several VirtualSystemTypes, ISO on a CD drive', () => {
    const { envelope } = readFixture(name);
    const [vm] = describeVirtualSystems(envelope);
    expect(vm!.virtualSystemTypes).toEqual(['vmx-08', 'vmx-09', 'vmx-10', 'vmx-11', 'Cisco:Internal:VMCloud-01']);
    expect(vm!.os).toEqual({ cimId: 100, description: 'Cisco IOS-XE Software', vmwareOsType: 'other26xLinux64Guest' });
    expect(vm!.coresPerSocket).toBe(1);
    expect(vm!.nics.map((n) => [n.type, n.network])).toEqual([
      ['VMXNET3 virtio', 'GigabitEthernet1'],
      ['VMXNET3 virtio', 'GigabitEthernet2'],
      ['VMXNET3 virtio', 'GigabitEthernet3'],
    ]);
    expect(vm!.otherDevices.map((d) => [d.instanceId, d.kind])).toEqual([
      ['7', 'cdrom'],
      ['8', 'cdrom'],
      ['9', 'serial'],
      ['10', 'serial'],
    ]);
    expect(vm!.otherDevices[0]!.description).toContain('ovf:/file/csr1000v.iso');
    expect(vm!.disks.map((d) => [d.capacityBytes, d.populatedBytes, d.controller?.subtype])).toEqual([[GiB, 293011456, 'virtio lsilogic']]);
    expect(declaredFiles(envelope).map((f) => [f.id, f.href, f.role])).toEqual([
      ['file1', 'input.vmdk', 'disk'],
      ['csr1000v.iso', 'input.iso', 'iso'],
    ]);
    expect(describeNetworks(envelope).map((n) => n.name)).toEqual(['GigabitEthernet1', 'GigabitEthernet2', 'GigabitEthernet3']);
  });

  test('ProductSection: identity, 27 properties in 4 categories, password and qualifiers', () => {
    const system = onlySystem(name);
    const [product] = sectionsOfKind(system.sections, 'ProductSection');
    expect(product).toMatchObject({ productClass: 'com.cisco.csr1000v', instance: '1', required: false, version: '03.17.01.S.156-1.S1-std' });
    expect(product!.vendor?.text).toBe('Cisco Systems, Inc.');
    expect(product!.entries.filter((e) => e.kind === 'category').map((e) => (e.kind === 'category' ? e.text.text : ''))).toEqual([
      '1. Bootstrap Properties',
      '2. Features',
      '3. Additional Configuration Properties',
      '4. Intercloud Configuration Properties',
    ]);
    const properties = product!.entries.flatMap((e) => (e.kind === 'property' ? [e] : []));
    expect(properties).toHaveLength(27);
    expect(properties.find((p) => p.key === 'login-password')).toMatchObject({
      password: true,
      qualifiers: 'MaxLen(25)',
      type: 'string',
      userConfigurable: true,
      value: '',
    });
    expect(properties.find((p) => p.key === 'config-version')).toMatchObject({ userConfigurable: false, value: '1.0', label: null });
    expect(properties.find((p) => p.key === 'enable-ssh-server')?.type).toBe('boolean');
    const [vm] = describeVirtualSystems(readFixture(name).envelope);
    expect(vm!.product[0]?.fullVersion).toBe('Cisco IOS-XE Software, version 03.17.01.S.156-1.S1-std');
    expect(vm!.product[0]?.properties.find((p) => p.key === 'hostname')?.label).toBe('Router Name');
  });
});

describe('xenadmin-sample_app-xenovf-utf16decl.ovf (XenOVF, UTF-16 declaration over UTF-8 bytes)', () => {
  const name = 'xenadmin-sample_app-xenovf-utf16decl.ovf';

  test('decodes as UTF-8 although the declaration says utf-16', () => {
    const { envelope, warnings } = readFixture(name);
    expect(envelope.declaredEncoding).toBe('utf-16');
    expect(envelope.encoding).toBe('utf-8');
    expect(envelope.attributes.find((a) => a.name === 'xenovf:Name')?.value).toBe('Web server');
    expect(warnings).toEqual([]);
  });

  test('ResourceType 19 disk, old VHD URI, EULA with CRLF, XenServer other-config', () => {
    const { envelope } = readFixture(name);
    const [vm] = describeVirtualSystems(envelope);
    expect(vm).toMatchObject({ id: '68f97bfd-1a03-422f-97d5-db5046c20b78', name: 'Web server', cpus: 1, memoryBytes: 64 * MiB, firmware: null });
    expect(vm!.virtualSystemTypes).toEqual(['xen-3.0-unknown']);
    expect(vm!.os?.cimId).toBe(0);
    expect(vm!.disks).toEqual([
      {
        instanceId: '64891892-169e-470b-9779-368ee4ad2c15',
        diskId: '64891892-169e-470b-9779-368ee4ad2c15',
        capacityBytes: 10485760,
        populatedBytes: null,
        fileRef: '64891892-169e-470b-9779-368ee4ad2c15',
        fileName: '5936bc8c-20ae-4052-9083-b8e5b96dc683.vhd',
        format: 'vhd',
        controller: null,
        addressOnParent: '0',
      },
    ]);
    expect(vm!.nics).toEqual([]);
    // XML 1.0 §2.11 reads the CRLF line breaks of the license as LF.
    expect(vm!.eula).toEqual(['this is my eula document\n\nblah blah blah']);
    const hardware = hardwareOf(envelope.content as VirtualSystem);
    expect(hardware.xenOtherConfig.map((c) => [c.name, c.value])).toEqual([
      ['platform', 'nx=false;pae=true;acpi=true;viridian=true;apic=true;'],
      ['PV_bootloader', 'pygrub'],
    ]);
    const [diskSection] = sectionsOfKind(envelope.sections, 'DiskSection');
    expect(diskSection?.disks[0]?.formatUri).toBe('http://www.microsoft.com/technet/virtualserver/downloads/vhdspec.mspx');
    expect(diskSection?.disks[0]?.attributes.find((a) => a.name === 'xenovf:isBootable')?.value).toBe('true');
    const [startup] = sectionsOfKind(envelope.sections, 'StartupSection');
    expect(startup?.items.map((i) => [i.id, i.order])).toEqual([['68f97bfd-1a03-422f-97d5-db5046c20b78', 2]]);
  });
});

describe('govmomi-ovftool-gzip-compression.ovf (ovftool test: gzip, CRLF, items before parent)', () => {
  const name = 'govmomi-ovftool-gzip-compression.ovf';

  test('gzip-compressed file with a relative href', () => {
    const { envelope } = readFixture(name);
    expect(declaredFiles(envelope)).toEqual([
      { id: 'file1', href: '../../../vmdk/valid_disk_gzip.vmdk.gz', size: 329197568, chunkSize: null, compression: 'gzip', role: 'disk' },
    ]);
    expect(describeNetworks(envelope)).toEqual([]);
  });

  test('the disk item names its controller before the controller appears', () => {
    const { envelope, warnings } = readFixture(name);
    const hardware = hardwareOf(envelope.content as VirtualSystem);
    expect(hardware.items.map((i) => [i.instanceId, i.resourceType, i.parent])).toEqual([
      ['6', 17, '8'],
      ['8', 6, null],
    ]);
    const [vm] = describeVirtualSystems(envelope);
    expect(vm!.disks).toEqual([
      {
        instanceId: '6',
        diskId: 'vmdisk1',
        capacityBytes: 329197568,
        populatedBytes: null,
        fileRef: 'file1',
        fileName: '../../../vmdk/valid_disk_gzip.vmdk.gz',
        format: 'vmdk-streamOptimized',
        controller: { type: 'scsi', subtype: 'someother, lsilogic', instanceId: '8' },
        addressOnParent: '0',
      },
    ]);
    expect(vm).toMatchObject({ id: 'PTC01_VM', os: { cimId: 36, description: 'Other Linux (32-bit)' }, cpus: null, memoryBytes: null });
    // The file really has no CPU or memory item; nothing about the parent order.
    expect(warnings).toEqual(["VirtualSystem 'PTC01_VM' declares no CPU item", "VirtualSystem 'PTC01_VM' declares no memory item"]);
  });
});
