import { memoryBytesOf } from '../hardware-values';
import type { HardwareItem, SystemSettings, VirtualHardwareSection, VirtualSystem } from '../model';
import { sectionsOfKind } from '../model-walk';
import { VSSD_NAMESPACE } from '../namespaces';
import type { TargetProfile } from '../profiles/profile-types';
import { CPU, itemRole, MEMORY, RESOURCE_TYPE_NAMES } from '../resource-types';
import { classPropertyName } from './cim-classes';
import { itemLabel, refreshItem, removeProperties, setProperty } from './item-edit';
import { isStorageController } from './storage';
import type { SystemContext } from './system-context';
import type { TranslationLog } from './translation-log';

/**
 * The VirtualHardwareSection the target gets. A system may describe several, one per hardware family (DSP0243
 * 1.1 §8.1); the one naming the target's family is kept, else the first. A system with none gets an empty one
 * (ESXi refuses a system without: librenms/packer-builds #31), and a warning.
 */
export function chooseHardwareSection(
  system: VirtualSystem,
  profile: TargetProfile,
  where: string,
  log: TranslationLog,
): VirtualHardwareSection {
  const sections = sectionsOfKind(system.sections, 'VirtualHardwareSection');
  if (sections.length === 0) {
    log.warn(`${where} describes no virtual hardware; the importer will use its defaults (CPU, memory, disks)`);
    const created: VirtualHardwareSection = {
      kind: 'VirtualHardwareSection',
      info: { text: 'Virtual hardware requirements', msgid: null },
      required: null,
      attributes: [],
      unknown: [],
      id: null,
      transport: null,
      system: null,
      items: [],
      vmwareConfig: [],
      xenOtherConfig: [],
    };
    const before = system.sections.findIndex((s) => s.kind !== 'AnnotationSection' && s.kind !== 'ProductSection' && s.kind !== 'OperatingSystemSection');
    system.sections.splice(before === -1 ? system.sections.length : before, 0, created);
    return created;
  }
  const family = profile.virtualSystemType.split('-')[0]!.toLowerCase();
  const chosen =
    (family && sections.find((s) => s.system?.virtualSystemTypes.some((t) => t.toLowerCase().startsWith(family)))) || sections[0]!;
  for (const other of sections) {
    if (other === chosen) continue;
    log.drop(`${where}: a second VirtualHardwareSection (${other.system?.virtualSystemTypes.join(' ') || other.id || 'unnamed'}); the target reads one`);
  }
  system.sections = system.sections.filter((s) => s.kind !== 'VirtualHardwareSection' || s === chosen);
  return chosen;
}

/**
 * The VSSD `System`: the target's hardware family (a VMware source on a newer vmx-NN than the profile's keeps
 * its own), and the two properties the schema requires (ElementName, InstanceID).
 */
export function translateSystemSettings(ctx: SystemContext): void {
  const { hardware, profile, log, where } = ctx;
  const system: SystemSettings = hardware.system ?? {
    properties: [],
    virtualSystemTypes: [],
    virtualSystemIdentifier: null,
    elementName: null,
    instanceId: null,
    attributes: [],
    unknown: [],
  };
  hardware.system = system;
  const set = (name: string, value: string): void => {
    const existing = system.properties.find((p) => p.name === name);
    if (existing) existing.value = value;
    else system.properties.push({ name, qualifiedName: `vssd:${name}`, namespace: VSSD_NAMESPACE, value, attributes: [] });
  };
  tidyClassProperties(system.properties, 'System', `${where} System`, log);
  system.properties = system.properties.filter((p) => classPropertyName('System', p.name) !== null);
  const source = system.virtualSystemTypes;
  let type = profile.virtualSystemType;
  if (type !== '') {
    const newer = source.map((t) => /^vmx-(\d+)$/i.exec(t)?.[1]).filter((n) => n !== undefined).map(Number);
    const wanted = /^vmx-(\d+)$/.exec(type)?.[1];
    if (wanted !== undefined && newer.length > 0 && Math.max(...newer) > Number(wanted)) {
      type = `vmx-${String(Math.max(...newer)).padStart(2, '0')}`;
      log.decide(`${where}: hardware family ${type} kept (newer than ${profile.virtualSystemType})`);
    } else if (source.join(' ') !== type) {
      const refused = source.filter((t) => profile.rejects.virtualSystemTypes.includes(t));
      const why = refused.length > 0 ? ` (${profile.label} refuses ${refused.join(', ')})` : '';
      log.decide(`${where}: hardware family ${source.join(' ') || 'none'} → ${type}${why}`);
    }
    set('VirtualSystemType', type);
    system.virtualSystemTypes = [type];
  }
  if (system.elementName === null) set('ElementName', 'Virtual Hardware Family');
  if (system.instanceId === null) set('InstanceID', '0');
  if (system.virtualSystemIdentifier === null) set('VirtualSystemIdentifier', ctx.system.id);
  system.elementName ??= 'Virtual Hardware Family';
  system.instanceId ??= '0';
  system.virtualSystemIdentifier ??= ctx.system.id;
}

const MiB = 2 ** 20;
/** What CPU and memory items mean on every hypervisor; the rest (XenOVF's ConsumerVisibility, ...) is the source's. */
const PORTABLE_CPU_MEMORY = new Set(['AllocationUnits', 'Caption', 'Description', 'ElementName', 'InstanceID', 'ResourceType', 'VirtualQuantity', 'VirtualQuantityUnits']);

/**
 * CPU and memory in the units every importer reads: memory as `byte * 2^20` (VirtualBox accepts only that, MB,
 * MegaBytes and the GB forms), CPU speed units as `hertz * 10^6`. Limits, reservations and weights mean
 * different things on each hypervisor and are dropped when the source is another vendor's.
 */
export function normaliseCpuAndMemory(ctx: SystemContext, sameVendor: boolean): void {
  for (const item of ctx.hardware.items) {
    if (item.resourceType !== CPU && item.resourceType !== MEMORY) continue;
    if (!sameVendor) {
      const removed = removeProperties(item, (p) => PORTABLE_CPU_MEMORY.has(p.name));
      const controls = removed.filter((p) => ['Limit', 'Reservation', 'Weight'].includes(p.name));
      if (controls.length > 0) {
        ctx.log.drop(`${ctx.where}: ${itemLabel(item)} ${controls.map((p) => p.name).join(', ')} (resource controls of the source host)`);
      }
    }
    if (item.resourceType === CPU) {
      if (item.allocationUnits !== null && item.allocationUnits !== 'hertz * 10^6') setProperty(item, 'AllocationUnits', 'hertz * 10^6');
      continue;
    }
    const bytes = memoryBytesOf(item);
    if (!bytes.ok) {
      ctx.log.warn(`${ctx.where}: ${itemLabel(item)} has an unusable memory size (${bytes.problem}); left as written`);
      continue;
    }
    const mebibytes = Math.ceil(bytes.bytes / MiB);
    if (mebibytes * MiB !== bytes.bytes) ctx.log.warn(`${ctx.where}: memory ${bytes.bytes} bytes rounded up to ${mebibytes} MiB`);
    const before = `${item.virtualQuantity} ${item.virtualQuantityUnits ?? item.allocationUnits ?? '(no unit)'}`;
    const after = `${mebibytes} byte * 2^20`;
    if (before !== after) ctx.log.decide(`${ctx.where}: memory ${before} → ${after}`);
    setProperty(item, 'AllocationUnits', 'byte * 2^20');
    setProperty(item, 'VirtualQuantity', String(mebibytes));
    setProperty(item, 'VirtualQuantityUnits', null);
  }
}

/**
 * Items that are neither CPU, memory, storage nor network: dropped where the target does not know their
 * resource type, otherwise kept as optional (`ovf:required="false"`), so an importer that cannot provide them
 * skips them instead of failing.
 */
export function translateOtherItems(ctx: SystemContext): void {
  const accepted = ctx.profile.rejects.resourceTypes;
  const keep = (item: HardwareItem): boolean => {
    const role = itemRole(item);
    if (item.resourceType === CPU || item.resourceType === MEMORY || role === 'disk' || role === 'cdrom' || role === 'nic') return true;
    if (isStorageController(item)) return true;
    if (accepted !== null && (item.resourceType === null || !accepted.includes(item.resourceType))) {
      const type = item.resourceType === null ? 'no resource type' : `resource type ${item.resourceType} (${RESOURCE_TYPE_NAMES.get(item.resourceType) ?? 'unknown'})`;
      ctx.log.drop(`${ctx.where}: ${itemLabel(item)}: ${ctx.profile.label} does not take ${type}`);
      return false;
    }
    item.required = false;
    return true;
  };
  ctx.hardware.items = ctx.hardware.items.filter(keep);
}

/**
 * Every item's properties as its CIM class defines them: names spelled as the schema spells them (OVF 0.9's
 * InstanceId), properties the class lacks dropped (0.9's BusNumber), OVF 2.0 StorageItem/EthernetPortItem turned
 * into plain Items for OVF 1.x, and the required ElementName and InstanceID filled in.
 */
export function tidyItems(ctx: SystemContext, ovf2: boolean): void {
  const ids = new Set(ctx.hardware.items.map((i) => i.instanceId).filter((id) => id !== null));
  let next = 1;
  const converted = ovf2 ? [] : ctx.hardware.items.filter((i) => i.element !== 'Item');
  if (converted.length > 0) {
    const list = converted.map((i) => i.instanceId ?? '?').join(', ');
    ctx.log.decide(`${ctx.where}: OVF 2.0 StorageItem/EthernetPortItem ${list} written as OVF 1.0 Items`);
  }
  for (const item of ctx.hardware.items) {
    if (!ovf2) item.element = 'Item';
    tidyClassProperties(item.properties, item.element, `${ctx.where} ${itemLabel(item)}`, ctx.log);
    refreshItem(item);
    if (item.instanceId === null) {
      while (ids.has(`${next}`)) next++;
      ids.add(`${next}`);
      setProperty(item, 'InstanceID', `${next}`);
    }
    if (item.elementName === null) {
      const name = item.caption ?? item.description ?? (item.resourceType === null ? 'Device' : RESOURCE_TYPE_NAMES.get(item.resourceType) ?? 'Device');
      setProperty(item, 'ElementName', name);
    }
  }
}

function tidyClassProperties(
  properties: HardwareItem['properties'],
  element: HardwareItem['element'] | 'System',
  where: string,
  log: TranslationLog,
): void {
  const unknown: string[] = [];
  for (let i = properties.length - 1; i >= 0; i--) {
    const property = properties[i]!;
    const name = classPropertyName(element, property.name);
    if (name === null) {
      unknown.unshift(property.name);
      properties.splice(i, 1);
    } else if (name !== property.name) {
      property.name = name;
    }
  }
  if (unknown.length > 0) log.drop(`${where}: ${unknown.join(', ')} (not properties of its CIM class; the schema refuses them)`);
}
