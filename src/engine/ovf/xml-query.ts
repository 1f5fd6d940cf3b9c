import type { XmlAttribute, XmlElement } from './xml';

/** Small read helpers over the XML tree; OVF-specific matching (namespaces, 0.9 xsi:type) is in ovf-names.ts. */

export function childElements(element: XmlElement): XmlElement[] {
  return element.children.filter((child): child is XmlElement => child.type === 'element');
}

/** The character data directly inside an element (text and CDATA, comments skipped), untrimmed. */
export function textOf(element: XmlElement): string {
  let text = '';
  for (const child of element.children) if (child.type === 'text' || child.type === 'cdata') text += child.text;
  return text;
}

/** An element holding only whitespace is treated as absent by most readers. */
export function trimmedTextOf(element: XmlElement): string | null {
  const text = textOf(element).trim();
  return text === '' ? null : text;
}

export function findAttribute(
  element: XmlElement,
  matches: (attribute: XmlAttribute) => boolean,
): XmlAttribute | undefined {
  return element.attributes.find(matches);
}

/** Depth-first search of the subtree below `element` (not including it). */
export function findDescendant(element: XmlElement, matches: (e: XmlElement) => boolean): XmlElement | undefined {
  for (const child of childElements(element)) {
    if (matches(child)) return child;
    const found = findDescendant(child, matches);
    if (found) return found;
  }
  return undefined;
}
