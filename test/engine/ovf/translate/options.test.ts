import { describe, expect, test } from 'vitest';
import { isVmferryError } from '../../../../src/engine/errors';
import type { Envelope, ProductSection } from '../../../../src/engine/ovf/model';
import { allSections, sectionsOfKind } from '../../../../src/engine/ovf/model-walk';
import { targetProfile } from '../../../../src/engine/ovf/profiles';
import { readOvf } from '../../../../src/engine/ovf/read-ovf';
import { describeNetworks, describeVirtualSystems } from '../../../../src/engine/ovf/report';
import { buildEnvelope, setFileSizes, translateEnvelope, type DiskFile } from '../../../../src/engine/ovf/translate';
import { writeOvfText } from '../../../../src/engine/ovf/write/write-ovf';
import { describeWithTools } from '../../../support/tools';
import { readFixture } from '../support';
import { validateDescriptors } from '../write/xmllint';
import { TARGET_CASES, translateFixture } from './fixture-matrix';

/** Deployment options, networks, files carried along, late file sizes, firmware, and the errors callers get. */
const CSR = 'cot-csr1000v-deploymentoptions.ovf';
const csrDisk: DiskFile[] = [{ diskId: 'vmdisk1', href: 'csr-disk1.vmdk', format: 'vmdk', capacityBytes: 2 ** 30 }];

function reread(envelope: Envelope): Envelope {
  return readOvf(new TextEncoder().encode(writeOvfText(envelope)), 'reread.ovf').envelope;
}

function caughtError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('deployment options (DeploymentOptionSection)', () => {
  test('targets without a choice at import get the configuration asked for, and its property values', () => {
    const t = translateEnvelope(readFixture(CSR).envelope, targetProfile('virtualbox'), { diskFiles: csrDisk, configuration: '4CPU-8GB' });
    const [vm] = describeVirtualSystems(reread(t.envelope));
    expect([vm!.cpus, vm!.memoryBytes]).toEqual([4, 8192 * 2 ** 20]);
    expect(vm!.deploymentOptions).toEqual([]);
    expect(t.decisions).toContain("Deployment option '4CPU-8GB' (Large + DRAM Upgrade) applied: the target offers no choice at import");
    expect(t.dropped).toContain('DeploymentOptionSection (4 configurations): the target has no deployment options');
    const written = writeOvfText(t.envelope);
    expect(written).not.toContain('ovf:configuration');
    expect(written).not.toContain('DeploymentOptionSection');
  });

  test('the default configuration when none is asked for', () => {
    const t = translateEnvelope(readFixture(CSR).envelope, targetProfile('kvm'), { diskFiles: csrDisk });
    const [vm] = describeVirtualSystems(reread(t.envelope));
    expect([vm!.cpus, vm!.memoryBytes]).toEqual([1, 4096 * 2 ** 20]);
  });

  test('VMware keeps the choice; the configuration asked for becomes the default offered', () => {
    const t = translateEnvelope(readFixture(CSR).envelope, targetProfile('vmware'), { diskFiles: csrDisk, configuration: '2CPU-4GB' });
    const back = reread(t.envelope);
    expect(describeVirtualSystems(back)[0]!.deploymentOptions.filter((o) => o.isDefault).map((o) => o.id)).toEqual(['2CPU-4GB']);
    expect(describeVirtualSystems(back, '4CPU-8GB')[0]!.cpus).toBe(4);
  });

  test('an unknown configuration is a usage error naming the ones offered', () => {
    const error = caughtError(() => translateEnvelope(readFixture(CSR).envelope, targetProfile('hyperv'), { diskFiles: csrDisk, configuration: 'huge' }));
    expect(isVmferryError(error, 'usage')).toBe(true);
    expect(String(error)).toContain('1CPU-4GB, 2CPU-4GB, 4CPU-4GB, 4CPU-8GB');
  });

  test('ProductSection, EULA and annotation are carried over', () => {
    const csr = translateEnvelope(readFixture(CSR).envelope, targetProfile('xenserver'), { diskFiles: csrDisk });
    const product = sectionsOfKind(allSections(csr.envelope), 'ProductSection')[0] as ProductSection;
    expect(product.product?.text).toBe('Cisco CSR 1000V Cloud Services Router');
    expect(product.entries.filter((e) => e.kind === 'property')).toHaveLength(27); // grep -c '<ovf:Property ' in the fixture
    const v09 = translateFixture('cot-v0.9-vmx04.ovf', { label: 'kvm', target: 'kvm' });
    const vm = describeVirtualSystems(reread(v09.envelope))[0]!;
    expect(vm.annotation).toBe('Hello world! This is a version 0.9 OVF.');
    expect(vm.eula).toEqual(['Licensing text, oh licensing text!\nHow lovely is thy legalese!']);
  });
});

describe('networks', () => {
  test('renamed per the map in NetworkSection and every NIC; two sources mapped to one target merge', () => {
    const t = translateEnvelope(readFixture(CSR).envelope, targetProfile('vmware'), {
      diskFiles: csrDisk,
      networkMap: { GigabitEthernet1: 'Management', GigabitEthernet2: 'Data', GigabitEthernet3: 'Data', NoSuchNet: 'x' },
    });
    const back = reread(t.envelope);
    expect(describeNetworks(back).map((n) => n.name)).toEqual(['Management', 'Data']);
    expect(describeVirtualSystems(back)[0]!.nics.map((n) => n.network)).toEqual(['Management', 'Data', 'Data']);
    expect(t.decisions).toContain("Network 'GigabitEthernet1' → 'Management'");
    expect(t.warnings).toContain("Network 'NoSuchNet' in the network map is not used by this appliance");
  });

  test('a network a NIC uses but NetworkSection lacks is added', () => {
    const source = readFixture('cot-vmware-vsphere-vmx08.ovf').envelope;
    source.sections = source.sections.filter((s) => s.kind !== 'NetworkSection');
    const t = translateEnvelope(source, targetProfile('kvm'), { diskFiles: [{ diskId: 'vmdisk1', href: 'd.qcow2', format: 'qcow2', capacityBytes: 2 ** 30 }] });
    expect(describeNetworks(reread(t.envelope)).map((n) => n.name)).toEqual(['lanethernet0']);
  });

  test('an empty target name is refused', () => {
    const error = caughtError(() => translateEnvelope(readFixture(CSR).envelope, targetProfile('kvm'), { diskFiles: csrDisk, networkMap: { GigabitEthernet1: ' ' } }));
    expect(isVmferryError(error, 'usage')).toBe(true);
  });
});

describe('files', () => {
  test('an ISO the package carries keeps its CD drive; one it does not is dropped and the drive emptied', () => {
    const source = readFixture(CSR).envelope;
    const kept = translateEnvelope(source, targetProfile('vmware'), {
      diskFiles: csrDisk,
      extraFiles: [{ fileId: 'csr1000v.iso', href: 'csr-config.iso', size: 360448 }],
    });
    expect(kept.envelope.references.map((f) => [f.id, f.href, f.size])).toEqual([
      ['file1', 'csr-disk1.vmdk', null],
      ['csr1000v.iso', 'csr-config.iso', 360448],
    ]);
    expect(writeOvfText(kept.envelope)).toContain('<rasd:HostResource>ovf:/file/csr1000v.iso</rasd:HostResource>');
    const left = translateEnvelope(source, targetProfile('vmware'), { diskFiles: csrDisk });
    expect(left.dropped).toContain('File input.iso (not part of the package written)');
    expect(writeOvfText(left.envelope)).not.toContain('ovf:/file/');
  });

  test('sizes known only once the disks are written are set afterwards, on a copy', () => {
    const t = translateEnvelope(readFixture(CSR).envelope, targetProfile('vmware'), { diskFiles: csrDisk });
    expect(writeOvfText(t.envelope)).toContain('<File ovf:href="csr-disk1.vmdk" ovf:id="file1"/>');
    const sized = setFileSizes(t.envelope, [{ href: 'csr-disk1.vmdk', size: 123456789, populatedSize: 98765 }]);
    expect(writeOvfText(sized)).toContain('<File ovf:href="csr-disk1.vmdk" ovf:id="file1" ovf:size="123456789"/>');
    expect(sectionsOfKind(sized.sections, 'DiskSection')[0]!.disks[0]!.populatedSize).toBe(98765);
    expect(t.envelope.references[0]!.size).toBeNull();
    expect(isVmferryError(caughtError(() => setFileSizes(t.envelope, [{ href: 'nope.vmdk', size: 1 }])), 'usage')).toBe(true);
    expect(isVmferryError(caughtError(() => setFileSizes(t.envelope, [{ href: 'csr-disk1.vmdk', size: -1 }])), 'usage')).toBe(true);
  });

  test('a disk may be named by its source file; the capacity of the disk image wins over the descriptor', () => {
    const t = translateEnvelope(readFixture('cot-vmware-vsphere-vmx08.ovf').envelope, targetProfile('kvm'), {
      diskFiles: [{ diskId: 'input.vmdk', href: 'vm.qcow2', format: 'qcow2', capacityBytes: 2 * 2 ** 30 }],
    });
    expect(describeVirtualSystems(reread(t.envelope))[0]!.disks.map((d) => [d.diskId, d.capacityBytes, d.fileName])).toEqual([['vmdisk1', 2 * 2 ** 30, 'vm.qcow2']]);
    expect(t.decisions).toContain("Disk 'vmdisk1': capacity 2147483648 bytes from the disk image (the descriptor said 1073741824)");
  });

  test('callers get usage errors for a disk without a planned file, a file for an unknown disk, a disk planned twice', () => {
    const source = readFixture('govmomi-vcenter-vapp-2vms-sas-pvscsi.ovf').envelope;
    const plan = (ids: string[]): DiskFile[] => ids.map((diskId) => ({ diskId, href: `${diskId}.vmdk`, format: 'vmdk', capacityBytes: 2 ** 30 }));
    const missing = caughtError(() => translateEnvelope(source, targetProfile('vmware'), { diskFiles: plan(['vmdisk1', 'vmdisk2', 'vmdisk3']) }));
    expect(isVmferryError(missing, 'usage')).toBe(true);
    expect(String(missing)).toContain("No output file was planned for disk 'vmdisk4' (file sunVHW-DiskTypes-disk4.vmdk)");
    const unknown = caughtError(() => translateEnvelope(source, targetProfile('vmware'), { diskFiles: plan(['vmdisk1', 'vmdisk2', 'vmdisk3', 'vmdisk4', 'vmdisk9']) }));
    expect(String(unknown)).toContain("disk 'vmdisk9', which the descriptor does not declare");
    const twice = caughtError(() => translateEnvelope(source, targetProfile('vmware'), { diskFiles: plan(['vmdisk1', 'vmdisk1']) }));
    expect(String(twice)).toContain("Two disk files were planned for disk 'vmdisk1'");
  });
});

describe('firmware', () => {
  /** The vSphere fixture with its firmware switched to EFI. */
  function efiSource(): Envelope {
    const source = readFixture('cot-vmware-vsphere-vmx08.ovf').envelope;
    const hardware = sectionsOfKind(source.content!.sections, 'VirtualHardwareSection')[0]!;
    hardware.vmwareConfig.find((c) => c.key === 'firmware')!.value = 'efi';
    return source;
  }

  test('UEFI survives every target that has it, in the target’s own terms', () => {
    for (const targetCase of TARGET_CASES) {
      const t = translateFixture('cot-vmware-vsphere-vmx08.ovf', targetCase, efiSource());
      const firmware = describeVirtualSystems(reread(t.envelope))[0]!.firmware;
      expect(firmware, targetCase.label).toBe(targetCase.target === 'xenserver-pv' ? null : 'efi');
      expect(t.systems[0]!.firmware, targetCase.label).toBe('efi');
    }
    const xen = writeOvfText(translateFixture('cot-vmware-vsphere-vmx08.ovf', { label: 'x', target: 'xenserver' }, efiSource()).envelope);
    expect(xen).toContain('<xenovf:Value>order=dc;firmware=uefi</xenovf:Value>');
    const vbox = translateFixture('cot-vmware-vsphere-vmx08.ovf', { label: 'v', target: 'virtualbox' }, efiSource());
    expect(vbox.warnings.some((w) => w.includes('VBoxManage modifyvm <vm> --firmware efi'))).toBe(true);
    const pv = translateFixture('cot-vmware-vsphere-vmx08.ovf', { label: 'p', target: 'xenserver-pv' }, efiSource());
    expect(pv.warnings.some((w) => w.includes('pygrub'))).toBe(true);
    const hyperv = translateFixture('cot-vmware-vsphere-vmx08.ovf', { label: 'h', target: 'hyperv' }, efiSource());
    expect(hyperv.systems[0]!.hypervGeneration).toBe(2);
  });

  test('firmware from guest inspection fills in where the descriptor says nothing; it never overrides the descriptor', () => {
    const quiet = translateEnvelope(readFixture(CSR).envelope, targetProfile('vmware'), { diskFiles: csrDisk, firmware: 'efi' });
    expect(describeVirtualSystems(reread(quiet.envelope))[0]!.firmware).toBe('efi');
    const stated = translateFixture('cot-vmware-vsphere-vmx08.ovf', { label: 'vmware', target: 'vmware' });
    expect(stated.systems[0]!.firmware).toBe('bios');
  });
});

describe('buildEnvelope (XVA and bare-disk inputs)', () => {
  const spec = {
    id: 'web',
    name: 'Web & <mail> server',
    os: { osId: 'debian10-64' },
    cpus: 2,
    memoryBytes: 2 ** 31,
    firmware: 'efi' as const,
    disks: [
      { diskId: 'xvda', capacityBytes: 8 * 2 ** 30 },
      { diskId: 'xvdb', capacityBytes: 2 ** 30 },
    ],
    nics: [{ network: 'Pool-wide network', mac: '52:54:00:12:34:56' }],
    annotation: 'from an XVA',
  };

  test('the spec reads back as one system with its CPUs, memory, disks, NIC, OS and firmware', () => {
    const [vm] = describeVirtualSystems(buildEnvelope([spec]));
    expect(vm).toMatchObject({ id: 'web', name: 'Web & <mail> server', cpus: 2, memoryBytes: 2 ** 31, firmware: 'efi', annotation: 'from an XVA' });
    expect(vm!.os).toEqual({ cimId: 96, description: 'Debian GNU/Linux 10 (64-bit)', vmwareOsType: 'debian10_64Guest' });
    expect(vm!.disks.map((d) => [d.diskId, d.capacityBytes])).toEqual([
      ['xvda', 8 * 2 ** 30],
      ['xvdb', 2 ** 30],
    ]);
    expect(vm!.nics).toEqual([{ instanceId: '6', type: 'E1000', network: 'Pool-wide network', connected: true, mac: '52:54:00:12:34:56' }]);
  });

  test('several systems make a VirtualSystemCollection; bad specs are usage errors', () => {
    const envelope = buildEnvelope([spec, { ...spec, id: 'db', name: 'db' }], 'pool');
    expect(envelope.content?.kind).toBe('VirtualSystemCollection');
    expect(describeVirtualSystems(envelope).map((s) => s.id)).toEqual(['web', 'db']);
    expect(isVmferryError(caughtError(() => buildEnvelope([spec, spec])), 'usage')).toBe(true);
    expect(isVmferryError(caughtError(() => buildEnvelope([{ ...spec, cpus: 0 }])), 'usage')).toBe(true);
    expect(isVmferryError(caughtError(() => buildEnvelope([])), 'usage')).toBe(true);
  });
});

describeWithTools(['xmllint'], 'built envelopes, translated to every target, validate', () => {
  test('a built system and a built vApp, for every target', () => {
    const base = {
      name: 'app',
      cpus: 1,
      memoryBytes: 512 * 2 ** 20,
      firmware: null,
      nics: [{ network: 'lan' }],
    };
    const built = buildEnvelope([
      { ...base, id: 'a', disks: [{ diskId: 'a1', capacityBytes: 2 ** 30, bus: 'scsi' as const }] },
      { ...base, id: 'b', os: { cimId: 69 }, disks: [{ diskId: 'b1', capacityBytes: 2 ** 30, bus: 'sata' as const }] },
    ]);
    const outputs = new Map<string, string>();
    for (const targetCase of TARGET_CASES) {
      const profile = targetProfile(targetCase.target);
      const t = translateEnvelope(built, profile, {
        diskFiles: ['a1', 'b1'].map((diskId) => ({ diskId, href: `${diskId}.x`, format: profile.disk.format, capacityBytes: 2 ** 30 })),
        ...(targetCase.ovfVersion ? { ovfVersion: targetCase.ovfVersion } : {}),
      });
      outputs.set(`built-${targetCase.label}.ovf`, writeOvfText(t.envelope));
    }
    const failures = [...validateDescriptors(outputs)].filter(([, r]) => !r.valid).map(([n, r]) => `${n}: ${r.errors.join(' | ')}`);
    expect(failures).toEqual([]);
  });
});
