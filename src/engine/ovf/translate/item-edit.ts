import { blankHardwareItem, type CimProperty, type HardwareItem, type ItemElement } from '../model';
import { EPASD_NAMESPACE, RASD_NAMESPACE, SASD_NAMESPACE } from '../namespaces';
import { parseXsBoolean } from '../ovf-names';
import { parseInteger } from '../read-context';
import { propertyValue, propertyValues } from '../read-hardware';

/**
 * Editing a hardware item. `properties` is the item's content; the typed fields are a reading of it, so every
 * change goes through these helpers, which rewrite the properties and read the typed fields again.
 */
const PREFIX: Record<ItemElement, [string, string]> = {
  Item: ['rasd', RASD_NAMESPACE],
  StorageItem: ['sasd', SASD_NAMESPACE],
  EthernetPortItem: ['epasd', EPASD_NAMESPACE],
};

export function makeProperty(element: ItemElement, name: string, value: string | null): CimProperty {
  const [prefix, namespace] = PREFIX[element];
  return { name, qualifiedName: `${prefix}:${name}`, namespace, value, attributes: [] };
}

/** Sets a property to one value (null removes it), keeping its place if present. */
export function setProperty(item: HardwareItem, name: string, value: string | null): void {
  setPropertyValues(item, name, value === null ? [] : [value]);
}

/** Sets a multi-valued property (Connection, HostResource) to these values. */
export function setPropertyValues(item: HardwareItem, name: string, values: readonly string[]): void {
  const lower = name.toLowerCase();
  const first = item.properties.findIndex((p) => p.name.toLowerCase() === lower);
  const kept = item.properties.filter((p) => p.name.toLowerCase() !== lower);
  const fresh = values.map((v) => makeProperty(item.element, name, v));
  const at = first === -1 ? kept.length : first;
  kept.splice(at, 0, ...fresh);
  item.properties = kept;
  refreshItem(item);
}

export function removeProperties(item: HardwareItem, keep: (property: CimProperty) => boolean): CimProperty[] {
  const removed = item.properties.filter((p) => !keep(p));
  item.properties = item.properties.filter(keep);
  refreshItem(item);
  return removed;
}

/** The typed fields read again from the properties (read-hardware.ts reads them the same way). */
export function refreshItem(item: HardwareItem): void {
  const value = (name: string): string | null => propertyValue(item.properties, name);
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
  item.hostResources = propertyValues(item.properties, 'HostResource');
  item.connections = propertyValues(item.properties, 'Connection');
  item.virtualQuantity = value('VirtualQuantity');
  item.virtualQuantityUnits = value('VirtualQuantityUnits');
  item.allocationUnits = value('AllocationUnits');
  item.automaticAllocation = parseXsBoolean(value('AutomaticAllocation'));
}

/** A new item with the given properties (in any order: the writer sorts them). */
export function newItem(element: ItemElement, values: Record<string, string | null | undefined>): HardwareItem {
  const item = blankHardwareItem(
    element,
    Object.entries(values)
      .filter((entry): entry is [string, string] => entry[1] !== null && entry[1] !== undefined)
      .map(([name, value]) => makeProperty(element, name, value)),
  );
  refreshItem(item);
  return item;
}

/** A label for messages: "Item 9 (Network adapter 1)". */
export function itemLabel(item: HardwareItem): string {
  const name = item.elementName ?? item.caption;
  return `Item ${item.instanceId ?? '?'}${name ? ` (${name})` : ''}`;
}
