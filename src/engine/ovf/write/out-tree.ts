/**
 * The tree the OVF writer builds before printing: names are (namespace URI, local name) pairs, prefixes are
 * chosen once for the whole document (out-namespaces.ts) and printed by serialise-tree.ts. `prefixHint` carries
 * the prefix a kept element was written with, reused when the namespace has no conventional prefix.
 */
export interface OutAttribute {
  ns: string | null;
  local: string;
  value: string;
  prefixHint?: string | null;
}

export interface OutElement {
  kind: 'element';
  ns: string | null;
  local: string;
  attrs: OutAttribute[];
  children: OutNode[];
  prefixHint?: string | null;
}

export interface OutCharacters {
  kind: 'text' | 'cdata' | 'comment';
  text: string;
}

export type OutNode = OutElement | OutCharacters;

export function element(ns: string | null, local: string, attrs: OutAttribute[] = [], children: OutNode[] = []): OutElement {
  return { kind: 'element', ns, local, attrs, children };
}

/** An element holding only text (`<Info>…</Info>`). */
export function textElement(ns: string | null, local: string, text: string, attrs: OutAttribute[] = []): OutElement {
  return element(ns, local, attrs, text === '' ? [] : [{ kind: 'text', text }]);
}

export function attribute(ns: string | null, local: string, value: string): OutAttribute {
  return { ns, local, value };
}

/** Attributes for the values that are set, in the order given. */
export function optionalAttributes(ns: string | null, pairs: [string, string | number | boolean | null | undefined][]): OutAttribute[] {
  return pairs.filter(([, value]) => value !== null && value !== undefined).map(([local, value]) => attribute(ns, local, String(value)));
}
