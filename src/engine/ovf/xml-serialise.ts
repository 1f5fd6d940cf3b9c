import { XML_NAMESPACE, type XmlAttribute, type XmlElement, type XmlNode } from './xml';

/**
 * Serialises an element and its subtree as standalone XML text: element and attribute names keep their prefixes,
 * attributes and children keep their order, and the namespace bindings in scope from ancestors are declared on
 * the element itself, so the text can be parsed on its own or pasted into another descriptor (the OVF writer
 * re-emits sections the model keeps verbatim this way).
 */
export function serialiseElement(element: XmlElement): string {
  const inherited: XmlAttribute[] = [];
  const ownDeclarations = new Set(
    element.attributes.filter((a) => a.name === 'xmlns' || a.prefix === 'xmlns').map((a) => (a.prefix ? a.local : '')),
  );
  for (const [prefix, uri] of element.scope) {
    if (ownDeclarations.has(prefix) || uri === XML_NAMESPACE) continue;
    const name = prefix === '' ? 'xmlns' : `xmlns:${prefix}`;
    inherited.push({ name, prefix: prefix === '' ? null : 'xmlns', local: prefix || 'xmlns', namespace: null, value: uri });
  }
  const parts: string[] = [];
  write(element, parts, inherited);
  return parts.join('');
}

function write(element: XmlElement, out: string[], extraAttributes: XmlAttribute[] = []): void {
  out.push('<', element.name);
  for (const attribute of [...element.attributes, ...extraAttributes]) {
    out.push(' ', attribute.name, '="', escapeAttribute(attribute.value), '"');
  }
  if (element.children.length === 0) {
    out.push('/>');
    return;
  }
  out.push('>');
  for (const child of element.children) writeNode(child, out);
  out.push('</', element.name, '>');
}

function writeNode(node: XmlNode, out: string[]): void {
  switch (node.type) {
    case 'element':
      write(node, out);
      return;
    case 'text':
      out.push(escapeText(node.text));
      return;
    case 'cdata':
      // "]]>" cannot occur inside one CDATA section: split it across two.
      out.push('<![CDATA[', node.text.replaceAll(']]>', ']]]]><![CDATA[>'), ']]>');
      return;
    case 'comment':
      out.push('<!--', node.text, '-->');
      return;
  }
}

/** `>` is escaped too, so that "]]>" never appears in character data (XML 1.0 §2.4). CR survives as a reference. */
export function escapeText(text: string): string {
  return text.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

/** Tabs and line breaks become references, or attribute normalisation would turn them into spaces on re-reading. */
export function escapeAttribute(value: string): string {
  return value.replace(/[&<"\t\n\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '"':
        return '&quot;';
      default:
        return `&#${c.charCodeAt(0)};`;
    }
  });
}
