import { VmferryError } from '../../errors';
import { escapeAttribute, escapeText } from '../xml-serialise';
import type { NamespaceRegistry } from './out-namespaces';
import type { OutElement, OutNode } from './out-tree';

/**
 * Prints the output tree: one element per line, two spaces per level; an element with only text keeps it on its
 * line, verbatim (EULA line breaks survive); an element mixing text and elements (kept vendor XML) is printed
 * exactly as it stands, since indentation would change its text.
 */
export function serialiseTree(root: OutElement, registry: NamespaceRegistry, leadingComments: readonly string[]): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  for (const comment of leadingComments) out.push(`<!--${commentText(comment)}-->\n`);
  const printer = new Printer(registry, out);
  printer.element(root, 0, registry.envelopeNs, registry.declarations);
  out.push('\n');
  return out.join('');
}

class Printer {
  constructor(
    private readonly registry: NamespaceRegistry,
    private readonly out: string[],
  ) {}

  element(node: OutElement, depth: number, defaultNs: string | null, declarations: [string, string][] = []): void {
    const indent = '  '.repeat(depth);
    const { name, innerDefault, extra } = this.name(node, defaultNs);
    this.out.push(indent, '<', name);
    for (const [declName, uri] of [...declarations, ...extra]) this.out.push(' ', declName, '="', escapeAttribute(uri), '"');
    for (const attribute of node.attrs) {
      const attrName = attribute.ns === null ? attribute.local : `${this.registry.prefixOf(attribute.ns)}:${attribute.local}`;
      this.out.push(' ', attrName, '="', escapeAttribute(checkChars(attribute.value, attrName)), '"');
    }
    const children = node.children;
    if (children.length === 0) {
      this.out.push('/>');
      return;
    }
    this.out.push('>');
    const hasElements = children.some((c) => c.kind === 'element');
    const hasText = children.some((c) => (c.kind === 'text' || c.kind === 'cdata') && c.text.trim() !== '');
    if (!hasElements) {
      for (const child of children) this.inline(child, innerDefault);
    } else if (hasText) {
      for (const child of children) this.inline(child, innerDefault);
    } else {
      for (const child of children) {
        if (child.kind === 'element') {
          this.out.push('\n');
          this.element(child, depth + 1, innerDefault);
        } else if (child.kind === 'comment') {
          this.out.push('\n', '  '.repeat(depth + 1), `<!--${commentText(child.text)}-->`);
        }
      }
      this.out.push('\n', indent);
    }
    this.out.push('</', name, '>');
  }

  /** Mixed or text-only content: printed as it is, no indentation added. */
  private inline(node: OutNode, defaultNs: string | null): void {
    switch (node.kind) {
      case 'text':
        this.out.push(escapeText(checkChars(node.text, 'text')));
        return;
      case 'cdata':
        this.out.push('<![CDATA[', checkChars(node.text, 'CDATA').replaceAll(']]>', ']]]]><![CDATA[>'), ']]>');
        return;
      case 'comment':
        this.out.push(`<!--${commentText(node.text)}-->`);
        return;
      case 'element': {
        const { name, innerDefault, extra } = this.name(node, defaultNs);
        this.out.push('<', name);
        for (const [declName, uri] of extra) this.out.push(' ', declName, '="', escapeAttribute(uri), '"');
        for (const attribute of node.attrs) {
          const attrName = attribute.ns === null ? attribute.local : `${this.registry.prefixOf(attribute.ns)}:${attribute.local}`;
          this.out.push(' ', attrName, '="', escapeAttribute(checkChars(attribute.value, attrName)), '"');
        }
        if (node.children.length === 0) {
          this.out.push('/>');
          return;
        }
        this.out.push('>');
        for (const child of node.children) this.inline(child, innerDefault);
        this.out.push('</', name, '>');
      }
    }
  }

  /**
   * The qualified name in the current default-namespace scope. The envelope namespace is the default, so OVF
   * elements go unprefixed; an element in no namespace (kept XML from a file without a default namespace) must
   * undeclare it (`xmlns=""`), and OVF elements below it then take the `ovf:` prefix.
   */
  private name(node: OutElement, defaultNs: string | null): { name: string; innerDefault: string | null; extra: [string, string][] } {
    if (node.ns === null) {
      return defaultNs === null
        ? { name: node.local, innerDefault: null, extra: [] }
        : { name: node.local, innerDefault: null, extra: [['xmlns', '']] };
    }
    if (node.ns === defaultNs) return { name: node.local, innerDefault: defaultNs, extra: [] };
    return { name: `${this.registry.prefixOf(node.ns)}:${node.local}`, innerDefault: defaultNs, extra: [] };
  }
}

/** XML 1.0 §2.2 Char: no C0 controls but tab, LF and CR; no U+FFFE/U+FFFF; no lone surrogates. */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkChars(text: string, where: string): string {
  const match = NOT_XML_CHAR.exec(text);
  if (match) {
    const code = match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new VmferryError('usage', `The ${where} value contains U+${code}, which XML cannot hold`, {
      hint: 'Remove control characters from names and descriptions',
    });
  }
  return text;
}

/** A comment may not contain "--" nor end with "-" (XML 1.0 §2.5). */
function commentText(text: string): string {
  let safe = checkChars(text, 'comment').replace(/--/g, '- -').replace(/--/g, '- -');
  if (safe.endsWith('-')) safe += ' ';
  return safe;
}
