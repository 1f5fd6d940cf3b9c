import {
  EPASD_NAMESPACE,
  namespaceFamily,
  RASD_NAMESPACE,
  SASD_NAMESPACE,
  VBOX_NAMESPACE,
  VMW_NAMESPACE,
  VSSD_NAMESPACE,
  XENOVF_NAMESPACE,
  XSI_NAMESPACE,
} from '../namespaces';
import { XML_NAMESPACE } from '../xml';
import type { OutElement } from './out-tree';

/** DSP8004 WS-CIM common datatypes, conventionally `cim:` (VMware, XenOVF and COT descriptors declare it). */
export const CIM_COMMON_NAMESPACE = 'http://schemas.dmtf.org/wbem/wscim/1/common';

/** Conventional prefixes, in the order the declarations are written on the Envelope. */
const CONVENTIONAL: [prefix: string, uri: string][] = [
  ['rasd', RASD_NAMESPACE],
  ['vssd', VSSD_NAMESPACE],
  ['sasd', SASD_NAMESPACE],
  ['epasd', EPASD_NAMESPACE],
  ['cim', CIM_COMMON_NAMESPACE],
  ['vmw', VMW_NAMESPACE],
  ['vbox', VBOX_NAMESPACE],
  ['xenovf', XENOVF_NAMESPACE],
  ['xsi', XSI_NAMESPACE],
];
/** Declared on every descriptor, used or not, as every producer does. */
const ALWAYS = new Set([RASD_NAMESPACE, VSSD_NAMESPACE]);

/**
 * A namespace URI as the writer emits it: every OVF envelope URI becomes the document's own (kept vendor XML such
 * as vbox:Machine puts its children in the envelope namespace), and the CIM settings classes lose VirtualBox's
 * `.xsd` suffix (fixture cot-ubuntu-ovf20: `…/CIM_StorageAllocationSettingData.xsd`).
 */
export function outputNamespace(uri: string | null, envelopeNs: string): string | null {
  switch (namespaceFamily(uri)) {
    case 'none':
      return null;
    case 'ovf':
      return envelopeNs;
    case 'rasd':
      return RASD_NAMESPACE;
    case 'vssd':
      return VSSD_NAMESPACE;
    case 'sasd':
      return SASD_NAMESPACE;
    case 'epasd':
      return EPASD_NAMESPACE;
    default:
      return uri;
  }
}

/**
 * Prefixes for one document, all declared on the Envelope: the envelope namespace is the default namespace (OVF
 * elements unprefixed, as ovftool and VirtualBox write them; Apache CloudStack fails on `ovf:`-prefixed elements,
 * cloudstack #5415) and `ovf:` for its attributes; conventional prefixes for the known vocabularies; any other
 * namespace keeps the prefix it was written with unless taken, else `ns1`, `ns2`, ...
 */
export class NamespaceRegistry {
  private readonly prefixes = new Map<string, string>();
  readonly declarations: [name: string, uri: string][] = [];

  constructor(
    readonly envelopeNs: string,
    root: OutElement,
  ) {
    this.declarations.push(['xmlns', envelopeNs], ['xmlns:ovf', envelopeNs]);
    this.prefixes.set(envelopeNs, 'ovf');
    const used = new Map<string, string | null>();
    collect(root, used);
    for (const [prefix, uri] of CONVENTIONAL) {
      if (!used.has(uri) && !ALWAYS.has(uri)) continue;
      this.prefixes.set(uri, prefix);
      this.declarations.push([`xmlns:${prefix}`, uri]);
    }
    const taken = new Set(['ovf', 'xml', 'xmlns', ...CONVENTIONAL.map(([prefix]) => prefix)]);
    let counter = 0;
    for (const [uri, hint] of used) {
      if (this.prefixes.has(uri)) continue;
      let prefix = hint && /^[A-Za-z_][\w.-]*$/.test(hint) && !taken.has(hint) && !/^xml/i.test(hint) ? hint : null;
      while (prefix === null || taken.has(prefix)) prefix = `ns${++counter}`;
      taken.add(prefix);
      this.prefixes.set(uri, prefix);
      this.declarations.push([`xmlns:${prefix}`, uri]);
    }
  }

  prefixOf(uri: string): string {
    if (uri === XML_NAMESPACE) return 'xml';
    const prefix = this.prefixes.get(uri);
    if (prefix === undefined) throw new Error(`namespace ${uri} was not collected`);
    return prefix;
  }
}

function collect(element: OutElement, used: Map<string, string | null>): void {
  const note = (uri: string | null, hint: string | null | undefined): void => {
    if (uri === null || uri === XML_NAMESPACE) return;
    if (!used.has(uri) || (used.get(uri) === null && hint)) used.set(uri, hint ?? null);
  };
  note(element.ns, element.prefixHint);
  for (const attribute of element.attrs) note(attribute.ns, attribute.prefixHint);
  for (const child of element.children) if (child.kind === 'element') collect(child, used);
}
