import type { CimProperty, HardwareItem, ItemElement, SystemSettings, VendorKeyValue, VirtualHardwareSection, XenOtherConfig } from '../model';
import { EPASD_NAMESPACE, RASD_NAMESPACE, SASD_NAMESPACE, VMW_NAMESPACE, VSSD_NAMESPACE, XENOVF_NAMESPACE, XSI_NAMESPACE } from '../namespaces';
import { extraAttributes, XSI_NIL } from './extra-attributes';
import { keptElement } from './kept-xml';
import { attribute, element, optionalAttributes, textElement, type OutElement } from './out-tree';
import { ovfAttr, requiredAttr, sectionElement, type WriteScope } from './write-scope';

/**
 * VirtualHardwareSection in DSP8023 order: Info, System, Items (OVF 2.x: Item, then EthernetPortItem, then
 * StorageItem), then the `xs:any` tail (vmw:Config / vmw:ExtraConfig, xenovf other-config data, anything kept).
 * CIM properties inside System and Items are sorted into the class's sequence, which is alphabetical by name
 * (the CIM XSDs in shared/fixtures/schema; ESXi refuses properties out of order: "Unsupported element
 * 'Connection'", home-assistant/operating-system #660).
 */
export function hardwareSectionTree(scope: WriteScope, section: VirtualHardwareSection): OutElement {
  const items = scope.dialect === '2' ? orderForOvf2(section.items) : section.items;
  const children = [
    ...(section.system ? [systemTree(scope, section.system)] : []),
    ...items.map((item) => itemTree(scope, item)),
    ...section.vmwareConfig.map((setting) => vmwareSetting(scope, setting)),
    ...section.xenOtherConfig.map((config) => xenOtherConfig(scope, config)),
    ...section.unknown.map((k) => keptElement(k, scope.ns)),
  ];
  const typed = optionalAttributes(scope.ns, [
    ['id', section.id],
    ['transport', section.transport],
  ]);
  return sectionElement(scope, 'VirtualHardwareSection', section, typed, ['id', 'transport'], children);
}

const ORDER_2: Record<ItemElement, number> = { Item: 0, EthernetPortItem: 1, StorageItem: 2 };

function orderForOvf2(items: readonly HardwareItem[]): HardwareItem[] {
  return [...items].sort((a, b) => ORDER_2[a.element] - ORDER_2[b.element]);
}

const ITEM_NAMESPACE: Record<ItemElement, string> = {
  Item: RASD_NAMESPACE,
  StorageItem: SASD_NAMESPACE,
  EthernetPortItem: EPASD_NAMESPACE,
};

function systemTree(scope: WriteScope, system: SystemSettings): OutElement {
  return element(scope.ns, 'System', extraAttributes(system.attributes, scope.ns, []), [
    ...properties(scope, system.properties, VSSD_NAMESPACE),
    ...system.unknown.map((k) => keptElement(k, scope.ns)),
  ]);
}

function itemTree(scope: WriteScope, item: HardwareItem): OutElement {
  const attrs = [
    ...requiredAttr(scope, item.required),
    ...(item.configurations.length > 0 ? [ovfAttr(scope, 'configuration', item.configurations.join(' '))] : []),
    ...(item.bound === null ? [] : [ovfAttr(scope, 'bound', item.bound)]),
    ...extraAttributes(item.attributes, scope.ns, ['required', 'configuration', 'bound']),
  ];
  const cores =
    item.coresPerSocket === null
      ? []
      : [textElement(VMW_NAMESPACE, 'CoresPerSocket', String(item.coresPerSocket), [ovfAttr(scope, 'required', false)])];
  return element(scope.ns, item.element, attrs, [
    ...properties(scope, item.properties, ITEM_NAMESPACE[item.element]),
    ...cores,
    ...item.vmwareConfig.map((setting) => vmwareSetting(scope, setting)),
    ...item.unknown.map((k) => keptElement(k, scope.ns)),
  ]);
}

/** CIM properties in their class's order (alphabetical, code-unit order: VSITypeID before VirtualQuantity). */
function properties(scope: WriteScope, list: readonly CimProperty[], ns: string): OutElement[] {
  const sorted = [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sorted.map((property) => {
    const attrs = [
      ...(property.value === null ? [attribute(XSI_NAMESPACE, 'nil', 'true')] : []),
      ...extraAttributes(property.attributes, scope.ns, [], [XSI_NIL]),
    ];
    return textElement(ns, property.name, property.value ?? '', attrs);
  });
}

function vmwareSetting(scope: WriteScope, setting: VendorKeyValue): OutElement {
  return element(VMW_NAMESPACE, setting.element, [
    ...requiredAttr(scope, setting.required),
    attribute(VMW_NAMESPACE, 'key', setting.key),
    attribute(VMW_NAMESPACE, 'value', setting.value),
    ...extraAttributes(setting.attributes, scope.ns, ['required'], [
      ['*', 'key'],
      ['*', 'value'],
    ]),
  ]);
}

/**
 * XenOVF's `VirtualSystemOtherConfigurationData`, written as XenCenter writes it: unqualified `id` and `Name`,
 * `xenovf:Info` and `xenovf:Value` children (fixture xenadmin-sample_app).
 */
function xenOtherConfig(scope: WriteScope, config: XenOtherConfig): OutElement {
  const source = config.kept.element;
  const attrs = [
    ...optionalAttributes(null, [
      ['id', config.id],
      ['Name', config.name],
    ]),
    ...extraAttributes(source.attributes, scope.ns, [], [
      ['*', 'id'],
      ['*', 'Name'],
    ]),
  ];
  return element(XENOVF_NAMESPACE, 'VirtualSystemOtherConfigurationData', attrs, [
    ...(config.info === null ? [] : [textElement(XENOVF_NAMESPACE, 'Info', config.info)]),
    ...(config.value === null ? [] : [textElement(XENOVF_NAMESPACE, 'Value', config.value)]),
  ]);
}
