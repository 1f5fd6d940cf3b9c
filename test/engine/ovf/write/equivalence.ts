import type { Envelope, KeptXml } from '../../../../src/engine/ovf/model';
import { namespaceFamily } from '../../../../src/engine/ovf/namespaces';
import type { XmlAttribute, XmlElement, XmlNode } from '../../../../src/engine/ovf/xml';

/**
 * A comparable projection of an Envelope, for "read(write(read(x))) is equivalent to read(x)". What a faithful
 * rewrite may change, and so is left out or normalised:
 * - namespace declarations and prefixes (the writer declares every namespace once on the Envelope): names compare
 *   by namespace family and local name, and the OVF envelope / CIM class URIs by family (VirtualBox's `.xsd`
 *   variants become the DMTF ones);
 * - attribute order (typed attributes are written first) and CIM property order (written in the class's order),
 *   compared as sorted lists; OVF 2.0 item order (Item, EthernetPortItem, StorageItem);
 * - whitespace between elements, the declared encoding (always UTF-8 now), the namespace URI string itself;
 * - `qualifiedName` of properties (prefix), and the kept XML's serialised text (its tree is compared instead).
 */
export function canonicalEnvelope(envelope: Envelope): unknown {
  const sortItems = envelope.version.startsWith('2.');
  // The writer always states ovf:version (the model's `version` field); some sources leave it out.
  const attributes = envelope.attributes.filter((a) => !(a.local === 'version' && namespaceFamily(a.namespace) === 'ovf'));
  return canon({ ...envelope, attributes }, sortItems);
}

const ORDER = { Item: 0, EthernetPortItem: 1, StorageItem: 2 } as const;

function canon(value: unknown, sortItems: boolean, key = ''): unknown {
  if (Array.isArray(value)) {
    if (value.length > 0 && isAttribute(value[0])) return attributes(value as XmlAttribute[]);
    let list = value;
    if (key === 'properties') list = [...value].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (key === 'items' && sortItems) list = [...value].sort((a, b) => ORDER[a.element as keyof typeof ORDER] - ORDER[b.element as keyof typeof ORDER]);
    return list.map((v) => canon(v, sortItems));
  }
  if (value instanceof Map) return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (isKept(value)) return { kept: shape(value.element) };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (['declaredEncoding', 'encoding', 'namespace', 'qualifiedName', 'scope', 'xml'].includes(k)) {
      out[k] = k === 'namespace' && typeof v === 'string' ? namespaceFamily(v) : undefined;
      continue;
    }
    out[k] = canon(v, sortItems, k);
  }
  return out;
}

function isAttribute(value: unknown): value is XmlAttribute {
  return typeof value === 'object' && value !== null && 'local' in value && 'value' in value && 'prefix' in value && !('children' in value);
}

function isKept(value: object): value is KeptXml {
  return 'element' in value && 'xml' in value && 'name' in value;
}

function attributes(list: readonly XmlAttribute[]): string[] {
  return list
    .filter((a) => a.name !== 'xmlns' && a.prefix !== 'xmlns')
    .map((a) => `${familyOrUri(a.namespace)}|${a.local}=${a.value}`)
    .sort();
}

function familyOrUri(uri: string | null): string {
  const family = namespaceFamily(uri);
  return family === 'other' ? (uri ?? '') : family;
}

export interface Shape {
  el: string;
  attrs: string[];
  children: (Shape | string)[];
}

/** A kept element as a tree of resolved names; whitespace-only text between elements is left out. */
export function shape(element: XmlElement): Shape {
  return {
    el: `${familyOrUri(element.namespace)}|${element.local}`,
    attrs: attributes(element.attributes),
    children: element.children.flatMap((child: XmlNode): (Shape | string)[] => {
      if (child.type === 'element') return [shape(child)];
      if (child.type === 'text' && child.text.trim() === '' && element.children.some((c) => c.type === 'element')) return [];
      return [`${child.type}:${child.text}`];
    }),
  };
}
