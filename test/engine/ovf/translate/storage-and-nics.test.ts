import { describe, expect, test } from 'vitest';
import type { TargetId } from '../../../../src/engine/appliance/plan-types';
import type { Envelope } from '../../../../src/engine/ovf/model';
import { sectionsOfKind } from '../../../../src/engine/ovf/model-walk';
import { osById, targetProfile } from '../../../../src/engine/ovf/profiles';
import { translateEnvelope, type Translation } from '../../../../src/engine/ovf/translate';
import { newItem } from '../../../../src/engine/ovf/translate/item-edit';
import { chooseNicOffer, matchNicOffer } from '../../../../src/engine/ovf/translate/nics';
import { matchControllerOffer, subtypeTokens } from '../../../../src/engine/ovf/translate/storage';
import type { SystemContext } from '../../../../src/engine/ovf/translate/system-context';
import { TranslationLog } from '../../../../src/engine/ovf/translate/translation-log';
import { envelope, readText } from '../support';

/**
 * Controller and NIC mapping: a device stays where the target has its controller; otherwise it moves to a
 * controller the target offers that can boot (boot disk) and that the guest has a driver for.
 */
interface Disk {
  id: string;
  bus: 'ide' | 'scsi' | 'sata';
  subtype?: string;
  address?: number;
}

/** One VM with the given OS (vmw:osType), disks, an optional CD on IDE 0:0 and one NIC of `nic` model. */
function vm(osType: string, disks: Disk[], nic = 'E1000', options: { cd?: boolean; firmware?: 'efi' | 'bios' } = {}): Envelope {
  const controllers = new Map<string, number>();
  const items: string[] = [];
  let id = 10;
  const controller = (bus: Disk['bus'], subtype: string | undefined): number => {
    const key = `${bus}:${subtype ?? ''}`;
    if (!controllers.has(key)) {
      const type = bus === 'ide' ? 5 : bus === 'scsi' ? 6 : 20;
      controllers.set(key, ++id);
      items.push(`<Item><rasd:Address>0</rasd:Address><rasd:ElementName>${key}</rasd:ElementName><rasd:InstanceID>${id}</rasd:InstanceID>${subtype ? `<rasd:ResourceSubType>${subtype}</rasd:ResourceSubType>` : ''}<rasd:ResourceType>${type}</rasd:ResourceType></Item>`);
    }
    return controllers.get(key)!;
  };
  if (options.cd) {
    const parent = controller('ide', undefined);
    items.push(`<Item ovf:required="false"><rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:ElementName>CD</rasd:ElementName><rasd:InstanceID>${++id}</rasd:InstanceID><rasd:Parent>${parent}</rasd:Parent><rasd:ResourceType>15</rasd:ResourceType></Item>`);
  }
  disks.forEach((disk, index) => {
    const parent = controller(disk.bus, disk.subtype);
    items.push(`<Item><rasd:AddressOnParent>${disk.address ?? index}</rasd:AddressOnParent><rasd:ElementName>${disk.id}</rasd:ElementName><rasd:HostResource>ovf:/disk/${disk.id}</rasd:HostResource><rasd:InstanceID>${++id}</rasd:InstanceID><rasd:Parent>${parent}</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>`);
  });
  items.push(`<Item><rasd:Connection>lan</rasd:Connection><rasd:ElementName>nic</rasd:ElementName><rasd:InstanceID>${++id}</rasd:InstanceID><rasd:ResourceSubType>${nic}</rasd:ResourceSubType><rasd:ResourceType>10</rasd:ResourceType></Item>`);
  const firmware = options.firmware ? `<vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="${options.firmware}"/>` : '';
  return readText(
    envelope(`<References>${disks.map((d) => `<File ovf:href="${d.id}.vmdk" ovf:id="f-${d.id}"/>`).join('')}</References>
<DiskSection><Info>disks</Info>${disks.map((d) => `<Disk ovf:capacity="1073741824" ovf:diskId="${d.id}" ovf:fileRef="f-${d.id}"/>`).join('')}</DiskSection>
<NetworkSection><Info>n</Info><Network ovf:name="lan"/></NetworkSection>
<VirtualSystem ovf:id="vm"><Info>vm</Info>
<OperatingSystemSection ovf:id="1" vmw:osType="${osType}"><Info>os</Info></OperatingSystemSection>
<VirtualHardwareSection><Info>hw</Info><System><vssd:ElementName>f</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-10</vssd:VirtualSystemType></System>
<Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></Item>
<Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>mem</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>512</rasd:VirtualQuantity></Item>
${items.join('\n')}${firmware}
</VirtualHardwareSection></VirtualSystem>`),
  ).envelope;
}

function translate(source: Envelope, target: TargetId): Translation {
  const profile = targetProfile(target);
  const disks = sectionsOfKind(source.sections, 'DiskSection')[0]!.disks;
  return translateEnvelope(source, profile, {
    diskFiles: disks.map((d) => ({ diskId: d.diskId, href: `${d.diskId}.out`, format: profile.disk.format, capacityBytes: 2 ** 30 })),
  });
}

/** [diskId, bus, address, boot, guest prefix] of every disk. */
function placement(t: Translation): [string, string, number, boolean, string][] {
  return t.systems[0]!.disks.map((d) => [d.diskId, d.bus, d.address, d.boot, d.guestPrefix]);
}

describe('boot disk placement', () => {
  test('Linux from VMware SCSI to KVM: virtio-blk (the guest becomes vd*)', () => {
    const t = translate(vm('rhel7_64Guest', [{ id: 'd1', bus: 'scsi', subtype: 'lsilogic' }, { id: 'd2', bus: 'scsi', subtype: 'lsilogic' }]), 'kvm');
    expect(placement(t)).toEqual([
      ['d1', 'virtio', 0, true, 'vd'],
      ['d2', 'virtio', 1, false, 'vd'],
    ]);
    expect(t.decisions.some((d) => /Item \d+ \(d1\) \(boot disk\): SCSI lsilogic controller \d+ address 0 → VirtIO virtio controller/.test(d))).toBe(true);
    expect(t.decisions.some((d) => /removed: KVM .* has no such controller/.test(d))).toBe(true);
  });

  test('Windows Server 2012 to KVM: no stock virtio driver, so SATA (AHCI)', () => {
    const t = translate(vm('windows8Server64Guest', [{ id: 'd1', bus: 'scsi', subtype: 'lsilogicsas' }]), 'kvm');
    expect(placement(t)).toEqual([['d1', 'sata', 0, true, 'sd']]);
  });

  test('Windows XP to VMware from VirtualBox SATA: no AHCI or LSI driver in XP, so IDE 0:0', () => {
    const t = translate(vm('winXPProGuest', [{ id: 'd1', bus: 'sata', subtype: 'AHCI' }]), 'vmware');
    // The source SATA controller is one VMware has (vmware.sata.ahci): the disk stays, since the guest booted from it.
    expect(placement(t)).toEqual([['d1', 'sata', 0, true, 'sd']]);
    const moved = translate(vm('winXPProGuest', [{ id: 'd1', bus: 'scsi', subtype: 'VirtioSCSI' }]), 'vmware');
    expect(placement(moved)).toEqual([['d1', 'ide', 0, true, 'sd']]);
  });

  test('an unknown OS only gets IDE, the one bus every guest has a driver for', () => {
    const t = translate(vm('someFutureGuest', [{ id: 'd1', bus: 'scsi', subtype: 'pvscsi' }]), 'virtualbox');
    expect(placement(t)).toEqual([['d1', 'ide', 0, true, 'sd']]);
  });

  test('Hyper-V generation 1: the boot disk on IDE 0:0 (generation 1 boots only from IDE), the CD keeps its place', () => {
    const t = translate(vm('rhel7_64Guest', [{ id: 'd1', bus: 'scsi', subtype: 'lsilogic', address: 0 }], 'VmxNet3', { cd: true }), 'hyperv');
    expect(placement(t)).toEqual([['d1', 'ide', 1, true, 'sd']]);
    const hardware = sectionsOfKind(t.envelope.content!.sections, 'VirtualHardwareSection')[0]!;
    const cd = hardware.items.find((i) => i.resourceType === 15)!;
    expect([cd.parent, cd.addressOnParent]).toEqual(['11', '0']);
    expect(t.systems[0]!.hypervGeneration).toBe(1);
  });

  test('Hyper-V with UEFI: generation 2, disks on the synthetic SCSI controller, no legacy NIC', () => {
    const t = translate(vm('windows9Server64Guest', [{ id: 'd1', bus: 'ide' }], 'E1000', { firmware: 'efi' }), 'hyperv');
    expect(placement(t)).toEqual([['d1', 'scsi', 0, true, 'sd']]);
    expect(t.systems[0]!.hypervGeneration).toBe(2);
    expect(t.systems[0]!.nics.map((n) => n.model)).toEqual(['hyperv-synthetic']);
    const hardware = sectionsOfKind(t.envelope.content!.sections, 'VirtualHardwareSection')[0]!;
    expect(hardware.items.some((i) => i.resourceType === 5)).toBe(false);
  });

  test('XenServer HVM: IDE; Linux with PV-on-HVM drivers sees xvd, Windows and old kernels sd; a fifth disk is flagged', () => {
    const disks: Disk[] = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, bus: 'scsi', subtype: 'lsilogic' }));
    const t = translate(vm('debian10_64Guest', disks), 'xenserver');
    expect(placement(t).map(([id, bus, , boot, prefix]) => [id, bus, boot, prefix])).toEqual([
      ['a', 'ide', true, 'xvd'],
      ['b', 'ide', false, 'xvd'],
      ['c', 'ide', false, 'xvd'],
      ['d', 'ide', false, 'xvd'],
      ['e', 'ide', false, 'xvd'],
    ]);
    expect(t.warnings.some((w) => w.includes('(e)') && w.includes('only with paravirtual drivers'))).toBe(true);
    const windows = translate(vm('windows7Server64Guest', [{ id: 'a', bus: 'scsi', subtype: 'lsilogicsas' }]), 'xenserver');
    expect(placement(windows)).toEqual([['a', 'ide', 0, true, 'sd']]);
  });

  test('controllers fill up and new ones open: KVM SATA takes 6, VMware SCSI 15 (never ID 7)', () => {
    const disks: Disk[] = Array.from({ length: 17 }, (_, i) => ({ id: `d${i}`, bus: 'sata' as const, subtype: 'AHCI' }));
    const t = translate(vm('rhel7_64Guest', disks), 'kvm');
    // KVM's SATA takes 6 disks; the rest go to virtio first in preference order.
    expect(placement(t).filter(([, bus]) => bus === 'sata')).toHaveLength(6);
    // 20 disks on one IDE controller: 2 stay, 18 move to LSI Logic SCSI, 15 per controller (ID 7 is the HBA's).
    const ideSource: Disk[] = Array.from({ length: 20 }, (_, i) => ({ id: `s${i}`, bus: 'ide' as const, address: i }));
    const v = translate(vm('rhel7_64Guest', ideSource), 'vmware');
    const scsi = v.systems[0]!.disks.filter((d) => d.bus === 'scsi');
    expect(scsi).toHaveLength(18);
    expect(scsi.map((d) => d.address)).not.toContain(7);
    expect(new Set(scsi.map((d) => d.controller)).size).toBe(2);
    expect(scsi.filter((d) => d.controller === scsi[0]!.controller).map((d) => d.address)).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15]);
  });

  test('disks clashing on one address (vSAN witness OVA, XO #7046) are given free addresses, not lost', () => {
    const t = translate(vm('rhel7_64Guest', [{ id: 'd1', bus: 'scsi', subtype: 'lsilogic', address: 0 }, { id: 'd2', bus: 'scsi', subtype: 'lsilogic', address: 0 }]), 'vmware');
    expect(placement(t)).toEqual([
      ['d1', 'scsi', 0, true, 'sd'],
      ['d2', 'scsi', 1, false, 'sd'],
    ]);
  });
});

describe('NIC mapping', () => {
  test('a model the target offers is kept; alternatives are tried in order', () => {
    expect(matchNicOffer('VMXNET3 virtio', targetProfile('kvm').nics)?.model).toBe('virtio');
    expect(matchNicOffer('VMXNET3 virtio', targetProfile('vmware').nics)?.model).toBe('vmxnet3');
    expect(matchNicOffer('Am79C973', targetProfile('vmware').nics)?.model).toBe('pcnet32');
    expect(matchNicOffer('E1000', targetProfile('hyperv').nics)).toBeNull();
    expect(subtypeTokens('someother, lsilogic')).toEqual(['someother', 'lsilogic']);
    expect(subtypeTokens(null)).toEqual(['']);
  });

  test('otherwise the first model the guest has a driver for, or the default for an unknown OS', () => {
    const ctx = (target: TargetId, os: string | null): SystemContext =>
      ({ profile: targetProfile(target), os: os === null ? null : osById(os), firmware: 'bios', log: new TranslationLog() }) as SystemContext;
    const pick = (target: TargetId, os: string | null): string => chooseNicOffer(ctx(target, os), targetProfile(target).nics).model;
    expect(pick('vmware', 'rhel7-64')).toBe('vmxnet3');
    expect(pick('vmware', 'win2016')).toBe('e1000');
    expect(pick('vmware', 'winxp')).toBe('pcnet32');
    expect(pick('vmware', null)).toBe('e1000');
    expect(pick('hyperv', 'win2008r2')).toBe('hyperv-synthetic');
    expect(pick('hyperv', 'win2003')).toBe('hyperv-legacy');
    expect(pick('hyperv', 'rhel5-64')).toBe('hyperv-legacy');
    expect(pick('hyperv', null)).toBe('hyperv-legacy');
    expect(pick('kvm', 'ubuntu-64')).toBe('virtio');
    expect(pick('kvm', 'win10-64')).toBe('e1000');
    expect(pick('kvm', 'winxp')).toBe('rtl8139');
  });

  test('NICs in a translation: model decided, description rewritten, network kept', () => {
    const t = translate(vm('windows7Server64Guest', [{ id: 'd1', bus: 'ide' }], 'VmxNet3'), 'hyperv');
    expect(t.systems[0]!.nics).toEqual([
      { instanceId: expect.any(String), model: 'hyperv-synthetic', resourceSubType: 'Microsoft:Hyper-V:Synthetic Ethernet Port', network: 'lan', mac: null },
    ]);
    expect(t.decisions.some((d) => d.includes('VmxNet3 → Microsoft:Hyper-V:Synthetic Ethernet Port'))).toBe(true);
    const nic = sectionsOfKind(t.envelope.content!.sections, 'VirtualHardwareSection')[0]!.items.find((i) => i.resourceType === 10)!;
    expect(nic.description).toBe('Microsoft:Hyper-V:Synthetic Ethernet Port ethernet adapter on "lan"');
  });
});

describe('controller matching', () => {
  test('by resource type and subtype (any alternative), case-insensitive', () => {
    const item = (type: number, subtype: string | null) =>
      newItem('Item', { InstanceID: '1', ResourceType: String(type), ResourceSubType: subtype });
    const vmware = targetProfile('vmware').controllers;
    expect(matchControllerOffer(item(6, 'virtio lsilogic'), vmware)?.resourceSubType).toBe('lsilogic');
    expect(matchControllerOffer(item(20, 'AHCI'), vmware)?.resourceSubType).toBe('vmware.sata.ahci');
    expect(matchControllerOffer(item(5, null), vmware)?.bus).toBe('ide');
    expect(matchControllerOffer(item(5, 'PIIX4'), vmware)?.bus).toBe('ide');
    expect(matchControllerOffer(item(6, 'VirtualSCSI'), targetProfile('virtualbox').controllers)).toBeNull();
    expect(matchControllerOffer(item(20, 'VirtioSCSI'), targetProfile('virtualbox').controllers)?.resourceSubType).toBe('VirtioSCSI');
  });
});
