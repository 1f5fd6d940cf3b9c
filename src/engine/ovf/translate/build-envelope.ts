import type { Firmware } from '../../appliance/report';
import { VmferryError } from '../../errors';
import type { Envelope } from '../model';
import { findOs, osById } from '../profiles/os-table';
import type { Bus, NicModel } from '../profiles/profile-types';
import { readOvf } from '../read-ovf';
import { escapeAttribute, escapeText } from '../xml-serialise';

/**
 * A virtual system described by what an XVA's ova.xml or a bare disk tells: enough to build a generic OVF 1.0
 * envelope that `translateEnvelope` then shapes for the target like any vendor's descriptor.
 */
export interface SystemSpec {
  id: string;
  name: string;
  /** An OS table id ('rhel7-64'), or the CIM id and description when that is all the source says. */
  os?: { osId?: string; cimId?: number; description?: string };
  cpus: number;
  memoryBytes: number;
  firmware: Firmware | null;
  /** Disks in boot order: the first is the boot disk. `diskId` is what `DiskFile.diskId` names later. */
  disks: { diskId: string; capacityBytes: number; bus?: Bus }[];
  nics: { network: string; mac?: string | null; model?: NicModel }[];
  annotation?: string;
}

/** The controller a spec's bus is written as; translation moves disks to what the target offers. */
const BUS_CONTROLLER: Record<Bus, { type: number; subtype: string | null; perController: number }> = {
  ide: { type: 5, subtype: null, perController: 2 },
  scsi: { type: 6, subtype: 'lsilogic', perController: 15 },
  sata: { type: 20, subtype: 'AHCI', perController: 30 },
  nvme: { type: 20, subtype: 'NVMe', perController: 15 },
  virtio: { type: 20, subtype: 'virtio', perController: 24 },
  xen: { type: 5, subtype: null, perController: 2 },
};

const NIC_SUBTYPE: Record<NicModel, string> = {
  vmxnet3: 'VmxNet3',
  e1000: 'E1000',
  e1000e: 'E1000e',
  pcnet32: 'PCNet32',
  virtio: 'virtio',
  'hyperv-synthetic': 'Microsoft:Hyper-V:Synthetic Ethernet Port',
  'hyperv-legacy': 'Microsoft:Hyper-V:Emulated Ethernet Port',
  'xen-vif': 'netfront',
  rtl8139: 'rtl8139',
};

/**
 * A generic OVF 1.0 envelope holding `systems` (one VirtualSystem, or a VirtualSystemCollection of several). It
 * is written as descriptor text and read back with the OVF reader, so it is exactly what a vendor's descriptor
 * saying the same would be. Disks have no files yet: `translateEnvelope` adds them from its `diskFiles`.
 */
export function buildEnvelope(systems: readonly SystemSpec[], collectionName = 'vApp'): Envelope {
  if (systems.length === 0) throw new VmferryError('usage', 'An envelope needs at least one virtual system');
  const ids = new Set<string>();
  for (const system of systems) {
    if (ids.has(system.id)) throw new VmferryError('usage', `Two virtual systems share the id '${system.id}'`);
    ids.add(system.id);
    if (!Number.isSafeInteger(system.cpus) || system.cpus < 1) throw new VmferryError('usage', `'${system.id}' needs a whole number of CPUs, not ${system.cpus}`);
    if (!Number.isSafeInteger(system.memoryBytes) || system.memoryBytes < 1) throw new VmferryError('usage', `'${system.id}' needs a memory size in bytes, not ${system.memoryBytes}`);
  }
  const disks = systems.flatMap((s) => s.disks);
  const networks = [...new Set(systems.flatMap((s) => s.nics.map((n) => n.network)))];
  const content =
    systems.length === 1
      ? systemXml(systems[0]!)
      : `<VirtualSystemCollection ovf:id="${attr(collectionName)}"><Info>A collection of virtual machines</Info><Name>${text(collectionName)}</Name>${systems.map(systemXml).join('')}</VirtualSystemCollection>`;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" xmlns:vmw="http://www.vmware.com/schema/ovf" ovf:version="1.0">
<References/>
<DiskSection><Info>Virtual disk information</Info>${disks
    .map((d) => `<Disk ovf:capacity="${d.capacityBytes}" ovf:diskId="${attr(d.diskId)}"/>`)
    .join('')}</DiskSection>
${networks.length > 0 ? `<NetworkSection><Info>The list of logical networks</Info>${networks.map((n) => `<Network ovf:name="${attr(n)}"><Description>The ${text(n)} network</Description></Network>`).join('')}</NetworkSection>` : ''}
${content}
</Envelope>`;
  return readOvf(new TextEncoder().encode(xml), 'generated.ovf').envelope;
}

function systemXml(system: SystemSpec): string {
  const entry = system.os?.osId ? osById(system.os.osId) : findOs({ cimId: system.os?.cimId ?? null, description: system.os?.description ?? null });
  const cim = system.os?.cimId ?? entry?.cim ?? 1;
  const description = system.os?.description ?? entry?.label ?? 'Unknown operating system';
  const vmwOsType = entry ? ` vmw:osType="${attr(entry.vmware)}"` : '';
  const items: string[] = [];
  let id = 0;
  const item = (body: string, optional = false): string => `<Item${optional ? ' ovf:required="false"' : ''}>${body}<rasd:InstanceID>${++id}</rasd:InstanceID></Item>`;
  items.push(item(`<rasd:ElementName>${system.cpus} virtual CPU(s)</rasd:ElementName><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>${system.cpus}</rasd:VirtualQuantity>`));
  const mebibytes = Math.ceil(system.memoryBytes / 2 ** 20);
  items.push(item(`<rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>${mebibytes} MB of memory</rasd:ElementName><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>${mebibytes}</rasd:VirtualQuantity>`));
  const controllers = new Map<string, { id: number; used: number }[]>();
  for (const [index, disk] of system.disks.entries()) {
    if (!Number.isSafeInteger(disk.capacityBytes) || disk.capacityBytes < 0) {
      throw new VmferryError('usage', `Disk '${disk.diskId}' needs a capacity in bytes, not ${disk.capacityBytes}`);
    }
    const bus = disk.bus ?? 'ide';
    const kind = BUS_CONTROLLER[bus];
    const list = controllers.get(bus) ?? [];
    controllers.set(bus, list);
    let controller = list.find((c) => c.used < kind.perController);
    if (!controller) {
      items.push(
        item(
          `<rasd:Address>${list.length}</rasd:Address><rasd:ElementName>${bus.toUpperCase()} Controller ${list.length}</rasd:ElementName>${kind.subtype ? `<rasd:ResourceSubType>${kind.subtype}</rasd:ResourceSubType>` : ''}<rasd:ResourceType>${kind.type}</rasd:ResourceType>`,
        ),
      );
      controller = { id, used: 0 };
      list.push(controller);
    }
    items.push(
      item(
        `<rasd:AddressOnParent>${controller.used++}</rasd:AddressOnParent><rasd:ElementName>Hard disk ${index + 1}</rasd:ElementName><rasd:HostResource>ovf:/disk/${attr(disk.diskId)}</rasd:HostResource><rasd:Parent>${controller.id}</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType>`,
      ),
    );
  }
  for (const [index, nic] of system.nics.entries()) {
    items.push(
      item(
        `${nic.mac ? `<rasd:Address>${text(nic.mac)}</rasd:Address>` : ''}<rasd:AutomaticAllocation>true</rasd:AutomaticAllocation><rasd:Connection>${text(nic.network)}</rasd:Connection><rasd:ElementName>Network adapter ${index + 1}</rasd:ElementName><rasd:ResourceSubType>${NIC_SUBTYPE[nic.model ?? 'e1000']}</rasd:ResourceSubType><rasd:ResourceType>10</rasd:ResourceType>`,
      ),
    );
  }
  const firmware = system.firmware ? `<vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="${system.firmware}"/>` : '';
  const annotation = system.annotation ? `<AnnotationSection><Info>A human-readable annotation</Info><Annotation>${text(system.annotation)}</Annotation></AnnotationSection>` : '';
  return `<VirtualSystem ovf:id="${attr(system.id)}"><Info>A virtual machine</Info><Name>${text(system.name)}</Name>
<OperatingSystemSection ovf:id="${cim}"${vmwOsType}><Info>The kind of installed guest operating system</Info><Description>${text(description)}</Description></OperatingSystemSection>
<VirtualHardwareSection><Info>Virtual hardware requirements</Info><System><vssd:ElementName>Virtual Hardware Family</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemIdentifier>${text(system.id)}</vssd:VirtualSystemIdentifier></System>${items.join('')}${firmware}</VirtualHardwareSection>${annotation}</VirtualSystem>`;
}

function attr(value: string): string {
  return escapeAttribute(value);
}

function text(value: string): string {
  return escapeText(value);
}
