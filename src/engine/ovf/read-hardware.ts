import { blankHardwareItem, type CimProperty, type HardwareItem, type ItemElement, type KeptXml, type SystemSettings, type VirtualHardwareSection } from './model';
import { isSettingsFamily, namespaceFamily } from './namespaces';
import { familyOf, ovfAttribute, ovfNameOf, parseXsBoolean, requiredAttribute } from './ovf-names';
import { parseInteger, readMsg, type ReadContext } from './read-context';
import {
  isVmwareKeyValue,
  isXenOtherConfig,
  parseCoresPerSocket,
  readVmwareKeyValue,
  readXenOtherConfig,
} from './vendor-extensions';
import type { XmlElement } from './xml';
import { childElements, textOf } from './xml-query';

/**
 * VirtualHardwareSection (DSP0243 1.1 §8): a `System` (VSSD) and the Items (RASD). OVF 2.0 adds `StorageItem`
 * (SASD) and `EthernetPortItem` (EPASD) with the same core properties (fixture `cot-ubuntu-ovf20.ovf`).
 * Item properties are read by local name whatever their prefix or namespace variant; CIM names are
 * case-insensitive (DSP0004), which also covers OVF 0.9's `rasd:InstanceId` (fixture `cot-v0.9-vmx04.ovf`,
 * and govmomi's ovftool `gzip_compression.ovf`, which mixes it into a 1.0 document).
 */
const ITEM_ELEMENTS: ReadonlySet<string> = new Set(['Item', 'StorageItem', 'EthernetPortItem']);

export function readVirtualHardwareSection(
  element: XmlElement,
  context: ReadContext,
  where: string,
): VirtualHardwareSection {
  const here = `VirtualHardwareSection of ${where}`;
  const section: VirtualHardwareSection = {
    kind: 'VirtualHardwareSection',
    info: null,
    required: requiredAttribute(element),
    attributes: element.attributes,
    unknown: [],
    id: ovfAttribute(element, 'id'),
    transport: ovfAttribute(element, 'transport'),
    system: null,
    items: [],
    vmwareConfig: [],
    xenOtherConfig: [],
  };
  for (const child of childElements(element)) {
    const name = ovfNameOf(child);
    if (name === 'Info' && section.info === null) section.info = readMsg(child);
    else if (name === 'System' && section.system === null) section.system = readSystem(child, context, here);
    else if (name !== null && ITEM_ELEMENTS.has(name)) {
      section.items.push(readItem(child, name as ItemElement, context, here));
    }
    else if (isVmwareKeyValue(child)) section.vmwareConfig.push(readVmwareKeyValue(child));
    else if (isXenOtherConfig(child)) section.xenOtherConfig.push(readXenOtherConfig(child));
    else section.unknown.push(context.keep(child, here));
  }
  return section;
}

function readSystem(element: XmlElement, context: ReadContext, where: string): SystemSettings {
  const properties: CimProperty[] = [];
  const unknown: KeptXml[] = [];
  for (const child of childElements(element)) {
    if (isPropertyElement(child)) properties.push(readProperty(child));
    else unknown.push(context.keep(child, `System of ${where}`));
  }
  const value = (name: string): string | null => propertyValue(properties, name);
  return {
    properties,
    virtualSystemTypes: (value('VirtualSystemType') ?? '').split(/\s+/).filter((t) => t !== ''),
    virtualSystemIdentifier: value('VirtualSystemIdentifier'),
    elementName: value('ElementName'),
    instanceId: value('InstanceID'),
    attributes: element.attributes,
    unknown,
  };
}

function readItem(element: XmlElement, kind: ItemElement, context: ReadContext, where: string): HardwareItem {
  const properties: CimProperty[] = [];
  const item: HardwareItem = {
    ...blankHardwareItem(kind, properties),
    required: requiredAttribute(element),
    configurations: (ovfAttribute(element, 'configuration') ?? '').split(/\s+/).filter((c) => c !== ''),
    bound: ovfAttribute(element, 'bound'),
    attributes: element.attributes,
  };
  const pendingUnknown: XmlElement[] = [];
  for (const child of childElements(element)) {
    if (isPropertyElement(child)) properties.push(readProperty(child));
    else if (familyOf(child) === 'vmw' && child.local === 'CoresPerSocket') {
      item.coresPerSocket = parseCoresPerSocket(child);
    }
    else if (isVmwareKeyValue(child)) item.vmwareConfig.push(readVmwareKeyValue(child));
    else pendingUnknown.push(child);
  }
  const value = (name: string): string | null => propertyValue(properties, name);
  item.instanceId = value('InstanceID');
  const resourceType = value('ResourceType');
  item.resourceType = resourceType === null ? null : parseInteger(resourceType);
  item.resourceSubType = value('ResourceSubType');
  item.otherResourceType = value('OtherResourceType');
  item.elementName = value('ElementName');
  item.caption = value('Caption');
  item.description = value('Description');
  item.address = value('Address');
  item.addressOnParent = value('AddressOnParent');
  item.parent = value('Parent');
  item.hostResources = propertyValues(properties, 'HostResource');
  item.connections = propertyValues(properties, 'Connection');
  item.virtualQuantity = value('VirtualQuantity');
  item.virtualQuantityUnits = value('VirtualQuantityUnits');
  item.allocationUnits = value('AllocationUnits');
  const automatic = value('AutomaticAllocation');
  item.automaticAllocation = parseXsBoolean(automatic);
  const label = `${kind} ${item.instanceId ?? `#${properties.length}`} of ${where}`;
  for (const child of pendingUnknown) item.unknown.push(context.keep(child, label));
  return item;
}

/** CIM settings elements (rasd/sasd/epasd/vssd, with or without VirtualBox's `.xsd`), or unqualified ones. */
function isPropertyElement(element: XmlElement): boolean {
  const family = familyOf(element);
  return isSettingsFamily(family) || family === 'cim' || family === 'none';
}

function readProperty(element: XmlElement): CimProperty {
  const nil = element.attributes.some(
    (a) => a.local === 'nil' && namespaceFamily(a.namespace) === 'xsi' && a.value.trim() === 'true',
  );
  return {
    name: element.local,
    qualifiedName: element.name,
    namespace: element.namespace,
    value: nil ? null : textOf(element),
    attributes: element.attributes,
  };
}

/** The first value of a property, trimmed; null when absent, nil or blank. */
export function propertyValue(properties: CimProperty[], name: string): string | null {
  return propertyValues(properties, name)[0] ?? null;
}

export function propertyValues(properties: CimProperty[], name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const property of properties) {
    if (property.name.toLowerCase() !== wanted || property.value === null) continue;
    const trimmed = property.value.trim();
    if (trimmed !== '') values.push(trimmed);
  }
  return values;
}
