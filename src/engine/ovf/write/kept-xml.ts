import type { KeptXml } from '../model';
import type { XmlElement } from '../xml';
import { outputNamespace } from './out-namespaces';
import type { OutAttribute, OutElement, OutNode } from './out-tree';

/**
 * An element the model keeps verbatim (a vendor section, an unknown child), re-emitted in the output document:
 * names and order as written, namespaces normalised (outputNamespace) and declared once on the Envelope instead
 * of on the element. Attributes with a prefix that was never declared cannot be written and are left out (the
 * reader already warned about them).
 */
export function keptElement(kept: KeptXml, envelopeNs: string): OutElement {
  return convert(kept.element, envelopeNs);
}

function convert(source: XmlElement, envelopeNs: string): OutElement {
  const children: OutNode[] = source.children.map((child) =>
    child.type === 'element' ? convert(child, envelopeNs) : { kind: child.type, text: child.text },
  );
  return {
    kind: 'element',
    ns: outputNamespace(source.namespace, envelopeNs),
    local: source.local,
    attrs: source.attributes.flatMap((a) => {
      if (a.name === 'xmlns' || a.prefix === 'xmlns') return [];
      if (a.prefix !== null && a.namespace === null) return [];
      const attribute: OutAttribute = { ns: outputNamespace(a.namespace, envelopeNs), local: a.local, value: a.value, prefixHint: a.prefix };
      return [attribute];
    }),
    children,
    prefixHint: source.prefix,
  };
}
