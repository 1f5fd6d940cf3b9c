import { namespaceFamily, type NamespaceFamily } from '../namespaces';
import type { XmlAttribute } from '../xml';
import { outputNamespace } from './out-namespaces';
import type { OutAttribute } from './out-tree';

/**
 * The attributes of a model element that its typed fields do not cover, for writing after the typed ones:
 * namespace declarations are dropped (the Envelope declares everything), OVF attributes the writer regenerates
 * from typed fields are dropped (`typed`: local names, matched in the OVF namespace or unprefixed, as the reader
 * matches them), and so are the vendor attributes read into typed fields (`typedVendor`).
 */
export function extraAttributes(
  attributes: readonly XmlAttribute[],
  envelopeNs: string,
  typed: readonly string[],
  typedVendor: readonly [NamespaceFamily | '*', string][] = [],
): OutAttribute[] {
  const out: OutAttribute[] = [];
  for (const a of attributes) {
    if (a.name === 'xmlns' || a.prefix === 'xmlns') continue;
    if (a.prefix !== null && a.namespace === null) continue;
    const family = namespaceFamily(a.namespace);
    if ((family === 'ovf' || a.prefix === null) && typed.includes(a.local)) continue;
    if (typedVendor.some(([f, local]) => local === a.local && (f === '*' || f === family))) continue;
    out.push({ ns: outputNamespace(a.namespace, envelopeNs), local: a.local, value: a.value, prefixHint: a.prefix });
  }
  return out;
}

/** xsi:type names a 0.9 section's kind and is regenerated; xsi:nil is regenerated from a null value. */
export const XSI_TYPE: [NamespaceFamily, string] = ['xsi', 'type'];
export const XSI_NIL: [NamespaceFamily, string] = ['xsi', 'nil'];
