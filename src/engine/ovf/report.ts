import type {
  ControllerReport,
  DeviceReport,
  FileReport,
  NetworkReport,
  NicReport,
  ProductReport,
  VirtualDiskReport,
  VirtualSystemReport,
} from '../appliance/report';
import { itemsForConfiguration } from './configurations';
import { cpuCountOf, memoryBytesOf } from './hardware-values';
import type { Envelope, HardwareItem, Msg, ProductSection, VirtualDiskDescription, VirtualSystem } from './model';
import { allSections, allVirtualSystems, ancestorsOf, defaultConfigurationId, sectionsOfKind } from './model-walk';
import { productProperties } from './read-product-section';
import { controllerType, CPU, itemRole, MEMORY, parseHostResource, RESOURCE_TYPE_NAMES } from './resource-types';
import { findFirmware } from './vendor-extensions';

/**
 * The model as the report shapes of `appliance/report.ts` (what `vmferry inspect --json` prints and the app
 * shows). Systems inside collections are listed flat; hardware is the first VirtualHardwareSection's items for
 * the default deployment configuration (or the one asked for).
 */
export function describeVirtualSystems(envelope: Envelope, configuration?: string): VirtualSystemReport[] {
  const chosen = configuration ?? defaultConfigurationId(envelope);
  const diskSections = sectionsOfKind(allSections(envelope), 'DiskSection');
  const disks = new Map(diskSections.flatMap((s) => s.disks.map((d) => [d.diskId, d] as const)));
  const files = new Map(envelope.references.map((f) => [f.id, f.href] as const));
  return allVirtualSystems(envelope).map((system) => describeSystem(envelope, system, chosen, { disks, files }));
}

interface Lookup {
  disks: ReadonlyMap<string, VirtualDiskDescription>;
  files: ReadonlyMap<string, string>;
}

function describeSystem(
  envelope: Envelope,
  system: VirtualSystem,
  configuration: string | null,
  lookup: Lookup,
): VirtualSystemReport {
  const hardware = sectionsOfKind(system.sections, 'VirtualHardwareSection')[0];
  const allItems = hardware?.items ?? [];
  const items = itemsForConfiguration(allItems, configuration);
  const byId = new Map(items.filter((i) => i.instanceId !== null).map((i) => [i.instanceId!, i] as const));
  for (const item of allItems) {
    if (item.instanceId !== null && !byId.has(item.instanceId)) byId.set(item.instanceId, item);
  }
  const cpu = items.find((i) => i.resourceType === CPU);
  const memory = items.find((i) => i.resourceType === MEMORY);
  const memoryBytes = memory ? memoryBytesOf(memory) : null;
  const os = sectionsOfKind(system.sections, 'OperatingSystemSection')[0];
  const annotation = sectionsOfKind(system.sections, 'AnnotationSection')[0]?.annotation ?? null;
  // A EULA of an enclosing collection (or, as some producers write it, of the envelope) binds its members too.
  const eulaHolders = [envelope, ...ancestorsOf(envelope, system), system];
  const defaultId = defaultConfigurationId(envelope);
  return {
    id: system.id,
    name: text(system.name) ?? system.id,
    info: text(system.info),
    os: os ? { cimId: os.cimId, description: text(os.description), vmwareOsType: os.vmwareOsType } : null,
    virtualSystemTypes: hardware?.system?.virtualSystemTypes ?? [],
    cpus: cpu ? cpuCountOf(cpu) : null,
    coresPerSocket: cpu?.coresPerSocket ?? null,
    memoryBytes: memoryBytes?.ok ? memoryBytes.bytes : null,
    firmware: findFirmware(system).firmware,
    controllers: items.filter((i) => itemRole(i) === 'controller').map(describeController),
    disks: items.filter((i) => itemRole(i) === 'disk').map((i) => describeDisk(i, byId, lookup)),
    nics: items.filter((i) => itemRole(i) === 'nic').map(describeNic),
    otherDevices: items.filter(isOtherDevice).map(describeDevice),
    product: sectionsOfKind(system.sections, 'ProductSection').map(describeProduct),
    eula: eulaHolders.flatMap((holder) =>
      sectionsOfKind(holder.sections, 'EulaSection').flatMap((s) => s.licenses.map((l) => l.text.trim())),
    ),
    annotation: text(annotation),
    deploymentOptions: sectionsOfKind(envelope.sections, 'DeploymentOptionSection')
      .flatMap((s) => s.configurations)
      .map((c) => ({ id: c.id, label: text(c.label) ?? c.id, isDefault: c.id === defaultId })),
  };
}

function describeController(item: HardwareItem): ControllerReport {
  return {
    instanceId: item.instanceId ?? '',
    type: controllerType(item),
    subtype: item.resourceSubType,
    address: item.address,
  };
}

function describeDisk(item: HardwareItem, byId: ReadonlyMap<string, HardwareItem>, lookup: Lookup): VirtualDiskReport {
  const ref = item.hostResources.map(parseHostResource).find((r) => r !== null) ?? xenConnectionDisk(item, lookup);
  const disk = ref?.kind === 'disk' ? lookup.disks.get(ref.id) : undefined;
  const fileRef = ref?.kind === 'file' ? ref.id : (disk?.fileRef ?? null);
  const parent = item.parent === null ? undefined : byId.get(item.parent);
  return {
    instanceId: item.instanceId ?? '',
    diskId: ref?.kind === 'disk' ? ref.id : null,
    capacityBytes: disk?.capacityBytes ?? null,
    populatedBytes: disk?.populatedSize ?? null,
    fileRef,
    fileName: fileRef === null ? null : (lookup.files.get(fileRef) ?? null),
    format: disk?.format ?? null,
    controller: parent
      ? { type: controllerType(parent), subtype: parent.resourceSubType, instanceId: parent.instanceId ?? '' }
      : null,
    addressOnParent: item.addressOnParent,
  };
}

/** XenOVF also names the disk in `rasd:Connection` as "<diskId>,device=0" (fixture xenadmin-sample_app…). */
function xenConnectionDisk(item: HardwareItem, lookup: Lookup): { kind: 'disk'; id: string } | undefined {
  for (const connection of item.connections) {
    const id = connection.split(',')[0]?.trim() ?? '';
    if (lookup.disks.has(id)) return { kind: 'disk', id };
  }
  return undefined;
}

function describeNic(item: HardwareItem): NicReport {
  return {
    instanceId: item.instanceId ?? '',
    type: item.resourceSubType,
    network: item.connections[0] ?? null,
    // DSP0243 1.1 §8.3: AutomaticAllocation on a NIC says whether it is connected at power-on.
    connected: item.automaticAllocation,
    mac: item.address,
  };
}

const DEVICE_KINDS = new Map([
  ['cdrom', 'cdrom'],
  ['floppy', 'floppy'],
  ['serial', 'serial'],
  ['sound', 'sound'],
  ['graphics', 'graphics'],
  ['other', 'other'],
]);

function isOtherDevice(item: HardwareItem): boolean {
  return DEVICE_KINDS.has(itemRole(item));
}

function describeDevice(item: HardwareItem): DeviceReport {
  const typeName =
    item.resourceType === null
      ? 'Unknown device'
      : (RESOURCE_TYPE_NAMES.get(item.resourceType) ?? `ResourceType ${item.resourceType}`);
  const parts = [item.elementName ?? item.caption ?? item.description ?? typeName];
  if (item.resourceSubType !== null) parts.push(`(${item.resourceSubType})`);
  if (item.hostResources.length > 0) parts.push(`backed by ${item.hostResources.join(', ')}`);
  return {
    instanceId: item.instanceId ?? '',
    kind: DEVICE_KINDS.get(itemRole(item)) ?? 'other',
    resourceType: item.resourceType,
    description: parts.join(' '),
  };
}

function describeProduct(section: ProductSection): ProductReport {
  return {
    product: text(section.product),
    vendor: text(section.vendor),
    version: section.version,
    fullVersion: section.fullVersion,
    properties: productProperties(section).map((p) => ({
      key: p.key,
      type: p.type,
      value: p.value,
      label: text(p.label),
    })),
  };
}

export function describeNetworks(envelope: Envelope): NetworkReport[] {
  const networks: NetworkReport[] = [];
  for (const section of sectionsOfKind(allSections(envelope), 'NetworkSection')) {
    for (const network of section.networks) {
      if (networks.some((n) => n.name === network.name)) continue;
      networks.push({ name: network.name, description: text(network.description) });
    }
  }
  return networks;
}

/** A file References declares, with what the descriptor uses it for; the caller turns it into a FileReport. */
export interface DeclaredFile {
  id: string;
  href: string;
  size: number | null;
  chunkSize: number | null;
  compression: 'gzip' | null;
  role: FileReport['role'];
}

export function declaredFiles(envelope: Envelope): DeclaredFile[] {
  const diskSections = sectionsOfKind(allSections(envelope), 'DiskSection');
  const diskFiles = new Set(diskSections.flatMap((s) => s.disks.map((d) => d.fileRef)));
  const itemFiles = new Map<string, FileReport['role']>();
  for (const system of allVirtualSystems(envelope)) {
    for (const item of sectionsOfKind(system.sections, 'VirtualHardwareSection').flatMap((s) => s.items)) {
      for (const ref of item.hostResources.map(parseHostResource)) {
        if (ref?.kind !== 'file') continue;
        const role = itemRole(item);
        itemFiles.set(ref.id, role === 'disk' ? 'disk' : role === 'cdrom' ? 'iso' : 'other');
      }
    }
  }
  return envelope.references.map((file) => ({
    id: file.id,
    href: file.href,
    size: file.size,
    chunkSize: file.chunkSize,
    compression: file.compression?.toLowerCase() === 'gzip' ? 'gzip' : null,
    role: diskFiles.has(file.id) ? 'disk' : (itemFiles.get(file.id) ?? (/\.iso$/i.test(file.href) ? 'iso' : 'other')),
  }));
}

function text(message: Msg | null | undefined): string | null {
  const trimmed = message?.text.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}
