import type { KeptXml, ProductEntry, ProductProperty, ProductSection } from './model';
import { ovfAttribute, ovfNameOf, parseXsBoolean, requiredAttribute } from './ovf-names';
import { readMsg, type ReadContext } from './read-context';
import type { XmlElement } from './xml';
import { childElements, trimmedTextOf } from './xml-query';

/**
 * ProductSection (DSP0243 1.1 §9.5): product identity and the properties a deployer fills in (OVF environment).
 * Categories and properties stay interleaved in document order, as the Cisco CSR 1000V descriptor uses them to
 * group its properties (fixture `cot-csr1000v-deploymentoptions.ovf`).
 */
export function readProductSection(element: XmlElement, context: ReadContext, where: string): ProductSection {
  const here = `ProductSection of ${where}`;
  const section: ProductSection = {
    kind: 'ProductSection',
    info: null,
    required: requiredAttribute(element),
    attributes: element.attributes,
    unknown: [],
    productClass: ovfAttribute(element, 'class'),
    instance: ovfAttribute(element, 'instance'),
    product: null,
    vendor: null,
    version: null,
    fullVersion: null,
    productUrl: null,
    vendorUrl: null,
    appUrl: null,
    entries: [],
    icons: [],
  };
  for (const child of childElements(element)) {
    switch (ovfNameOf(child)) {
      case 'Info':
        section.info ??= readMsg(child);
        break;
      case 'Product':
        section.product = readMsg(child);
        break;
      case 'Vendor':
        section.vendor = readMsg(child);
        break;
      case 'Version':
        section.version = trimmedTextOf(child);
        break;
      case 'FullVersion':
        section.fullVersion = trimmedTextOf(child);
        break;
      case 'ProductUrl':
        section.productUrl = trimmedTextOf(child);
        break;
      case 'VendorUrl':
        section.vendorUrl = trimmedTextOf(child);
        break;
      case 'AppUrl':
        section.appUrl = trimmedTextOf(child);
        break;
      case 'Icon':
        section.icons.push(child.attributes);
        break;
      case 'Category':
        section.entries.push({ kind: 'category', text: readMsg(child)! });
        break;
      case 'Property':
        section.entries.push({ kind: 'property', ...readProperty(child, context, here) });
        break;
      default:
        section.unknown.push(context.keep(child, here));
    }
  }
  return section;
}

function readProperty(element: XmlElement, context: ReadContext, where: string): ProductProperty {
  const key = ovfAttribute(element, 'key') ?? '';
  const property: ProductProperty = {
    key,
    type: ovfAttribute(element, 'type'),
    qualifiers: ovfAttribute(element, 'qualifiers'),
    value: ovfAttribute(element, 'value'),
    userConfigurable: parseXsBoolean(ovfAttribute(element, 'userConfigurable')),
    password: parseXsBoolean(ovfAttribute(element, 'password')),
    label: null,
    description: null,
    values: [],
    attributes: element.attributes,
    unknown: [] as KeptXml[],
  };
  for (const child of childElements(element)) {
    const name = ovfNameOf(child);
    if (name === 'Label') property.label = readMsg(child);
    else if (name === 'Description') property.description = readMsg(child);
    else if (name === 'Value') {
      const configuration = ovfAttribute(child, 'configuration');
      property.values.push({ value: ovfAttribute(child, 'value') ?? '', configuration });
    } else property.unknown.push(context.keep(child, `Property '${key}' of ${where}`));
  }
  return property;
}

/** Properties with the category heading them, for display. */
export function productProperties(section: ProductSection): (ProductProperty & { category: string | null })[] {
  let category: string | null = null;
  const properties: (ProductProperty & { category: string | null })[] = [];
  for (const entry of section.entries) {
    if (entry.kind === 'category') category = entry.text.text.trim();
    else properties.push({ ...withoutKind(entry), category });
  }
  return properties;
}

function withoutKind(entry: Extract<ProductEntry, { kind: 'property' }>): ProductProperty {
  const { kind: _kind, ...property } = entry;
  return property;
}
