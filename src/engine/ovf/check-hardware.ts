import { itemsForConfiguration } from './configurations';
import type { Envelope, HardwareItem, VirtualHardwareSection } from './model';
import { allSections, allVirtualSystems, defaultConfigurationId, sectionsOfKind } from './model-walk';
import type { ReadContext } from './read-context';
import { cpuCountOf, memoryBytesOf } from './hardware-values';
import { CPU, itemRole, MEMORY, parseHostResource, RESOURCE_TYPE_NAMES } from './resource-types';
import { findFirmware } from './vendor-extensions';

/**
 * Cross-reference checks once the whole descriptor is read: what they find is suspicious, not fatal, so each
 * becomes a warning. Items may name their parent before it appears (fixture
 * `govmomi-ovftool-gzip-compression.ovf`), which is why this runs after reading, not during.
 * Duplicate disk positions are real: VMware's vSAN witness OVA has them (XO #7046, shared/notes c24).
 */
interface Known {
  diskIds: ReadonlySet<string>;
  fileIds: ReadonlySet<string>;
  configurationIds: readonly string[];
}

export function checkEnvelope(envelope: Envelope, context: ReadContext): void {
  const disks = sectionsOfKind(allSections(envelope), 'DiskSection').flatMap((s) => s.disks);
  const known: Known = {
    diskIds: new Set(disks.map((d) => d.diskId)),
    fileIds: new Set(envelope.references.map((f) => f.id)),
    configurationIds: sectionsOfKind(envelope.sections, 'DeploymentOptionSection').flatMap((s) =>
      s.configurations.map((c) => c.id),
    ),
  };
  for (const disk of disks) {
    if (disk.fileRef !== null && !known.fileIds.has(disk.fileRef)) {
      context.warn(`Disk '${disk.diskId}' names file '${disk.fileRef}', which References does not declare`);
    }
  }
  const defaultConfiguration = defaultConfigurationId(envelope);
  for (const system of allVirtualSystems(envelope)) {
    const hardware = sectionsOfKind(system.sections, 'VirtualHardwareSection');
    if (hardware.length === 0) context.warn(`VirtualSystem '${system.id}' has no VirtualHardwareSection`);
    for (const section of hardware) checkHardware(section, `VirtualSystem '${system.id}'`, known, context);
    const firmware = findFirmware(system);
    if (firmware.sources.some((s) => s.firmware !== firmware.firmware)) {
      const said = firmware.sources.map((s) => `${s.source} says ${s.firmware}`).join(', ');
      context.warn(`VirtualSystem '${system.id}' has conflicting firmware settings (${said}); using ${firmware.firmware}`);
    }
    const first = hardware[0];
    if (first) {
      checkCpuAndMemory(itemsForConfiguration(first.items, defaultConfiguration), `VirtualSystem '${system.id}'`, context);
    }
  }
}

function checkCpuAndMemory(items: readonly HardwareItem[], where: string, context: ReadContext): void {
  const cpu = items.find((i) => i.resourceType === CPU);
  const memory = items.find((i) => i.resourceType === MEMORY);
  if (!cpu) context.warn(`${where} declares no CPU item`);
  else if (cpuCountOf(cpu) === null) context.warn(`${where} has a CPU item without a usable VirtualQuantity`);
  if (!memory) {
    context.warn(`${where} declares no memory item`);
    return;
  }
  const bytes = memoryBytesOf(memory);
  if (!bytes.ok) context.warn(`${where} has an unusable memory size: ${bytes.problem}`);
  else if (memory.allocationUnits === null && memory.virtualQuantityUnits === null) {
    context.warn(`The memory item of ${where} gives no AllocationUnits; read as MB`);
  }
}

function checkHardware(section: VirtualHardwareSection, where: string, known: Known, context: ReadContext): void {
  const ids = new Set(section.items.map((i) => i.instanceId).filter((id): id is string => id !== null));
  for (const item of section.items) checkItem(item, where, ids, known, context);
  checkDuplicateInstanceIds(section.items, where, context);
  const configurations = known.configurationIds.length > 0 ? known.configurationIds : [null];
  for (const configuration of configurations) {
    // One warning per clash, however many configurations share it (context.warn drops repeats).
    checkAddresses(itemsForConfiguration(section.items, configuration), where, context);
  }
}

function checkItem(
  item: HardwareItem,
  where: string,
  ids: ReadonlySet<string>,
  known: Known,
  context: ReadContext,
): void {
  const label = `Item ${item.instanceId ?? `'${item.elementName ?? item.caption ?? '?'}'`} of ${where}`;
  if (item.instanceId === null) context.warn(`${label} has no InstanceID`);
  if (item.resourceType === null) context.warn(`${label} has no valid ResourceType`);
  else if (!RESOURCE_TYPE_NAMES.has(item.resourceType)) {
    context.warn(`${label} has ResourceType ${item.resourceType}, which VM Ferry does not know`);
  }
  if (item.parent !== null && !ids.has(item.parent)) {
    context.warn(`${label} names Parent ${item.parent}, which is not an item of ${where}`);
  }
  for (const hostResource of item.hostResources) {
    const ref = parseHostResource(hostResource);
    if (ref?.kind === 'disk' && !known.diskIds.has(ref.id)) {
      context.warn(`${label} uses disk '${ref.id}', which DiskSection does not declare`);
    } else if (ref?.kind === 'file' && !known.fileIds.has(ref.id)) {
      context.warn(`${label} uses file '${ref.id}', which References does not declare`);
    } else if (ref === null && itemRole(item) === 'disk') {
      context.warn(`${label} has HostResource "${hostResource}", which names no disk or file of the package`);
    }
  }
  for (const configuration of item.configurations) {
    if (!known.configurationIds.includes(configuration)) {
      context.warn(`${label} belongs to configuration '${configuration}', which DeploymentOptionSection does not offer`);
    }
  }
}

/** Items sharing an InstanceID must differ by `ovf:configuration` or `ovf:bound` (DSP0243 1.1 §8.4, §9.8). */
function checkDuplicateInstanceIds(items: readonly HardwareItem[], where: string, context: ReadContext): void {
  const general = new Map<string, number>();
  for (const item of items) {
    const ranged = item.bound !== null && item.bound !== 'normal';
    if (item.instanceId === null || item.configurations.length > 0 || ranged) continue;
    general.set(item.instanceId, (general.get(item.instanceId) ?? 0) + 1);
  }
  for (const [id, count] of general) {
    if (count > 1) context.warn(`${count} items of ${where} share InstanceID ${id}`);
  }
}

function checkAddresses(items: readonly HardwareItem[], where: string, context: ReadContext): void {
  const seen = new Map<string, HardwareItem>();
  for (const item of items) {
    if (item.parent === null || item.addressOnParent === null) continue;
    const key = `${item.parent}\u0000${item.addressOnParent}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, item);
      continue;
    }
    const items = `Items ${first.instanceId ?? '?'} and ${item.instanceId ?? '?'} of ${where}`;
    context.warn(`${items} both use AddressOnParent ${item.addressOnParent} on controller ${item.parent}`);
  }
}
