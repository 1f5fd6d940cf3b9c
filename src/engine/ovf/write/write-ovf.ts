import type { Content, Envelope, FileReference, KeptXml } from '../model';
import { OVF_09_NAMESPACE, OVF_1_NAMESPACE, OVF_2_NAMESPACE, XSI_NAMESPACE, namespaceFamily } from '../namespaces';
import { extraAttributes, XSI_TYPE } from './extra-attributes';
import { keptElement } from './kept-xml';
import { NamespaceRegistry } from './out-namespaces';
import { attribute, element, optionalAttributes, type OutElement } from './out-tree';
import { kept, sectionTree } from './sections-tree';
import { serialiseTree } from './serialise-tree';
import { msgElement, ovfAttr, type WriteScope } from './write-scope';

/**
 * The OVF writer: the model (model.ts) as a descriptor. OVF 1.x and 2.x (and 0.9, so that any descriptor read
 * can be written back), UTF-8 with its declaration, namespaces declared once on the Envelope with conventional
 * prefixes, elements in DSP8023 order, everything the model keeps verbatim re-emitted in its place.
 * The writer writes what the model says; making a descriptor fit a target is the translator's job.
 */

/** The descriptor as UTF-8 bytes (what goes into the package and the manifest). */
export function writeOvf(envelope: Envelope): Uint8Array {
  return new TextEncoder().encode(writeOvfText(envelope));
}

/** The descriptor as text: UTF-8 declaration, namespaces declared once on the Envelope, 2-space indentation. */
export function writeOvfText(envelope: Envelope): string {
  const scope = scopeFor(envelope.version);
  const root = envelopeTree(scope, envelope);
  return serialiseTree(root, new NamespaceRegistry(scope.ns, root), envelope.comments);
}

function scopeFor(version: string): WriteScope {
  if (version === '0.9') return { ns: OVF_09_NAMESPACE, dialect: '0.9' };
  if (version.startsWith('2.')) return { ns: OVF_2_NAMESPACE, dialect: '2' };
  return { ns: OVF_1_NAMESPACE, dialect: '1' };
}

function envelopeTree(scope: WriteScope, envelope: Envelope): OutElement {
  // Envelope children the reader could not place: Strings bundles go after the content (DSP8023 order), a second
  // content element likewise; vendor elements found in References go back into its xs:any tail.
  const isOvf = (k: KeptXml): boolean => namespaceFamily(k.namespace) === 'ovf' || k.namespace === null;
  const trailing = envelope.unknown.filter(isOvf);
  const inReferences = envelope.unknown.filter((k) => !isOvf(k));
  const attrs = [ovfAttr(scope, 'version', envelope.version), ...extraAttributes(envelope.attributes, scope.ns, ['version'])];
  return element(scope.ns, 'Envelope', attrs, [
    element(scope.ns, 'References', [], [...envelope.references.map((file) => fileTree(scope, file)), ...kept(scope, inReferences)]),
    ...envelope.sections.map((section) => sectionTree(scope, section)),
    ...(envelope.content ? [contentTree(scope, envelope.content)] : []),
    ...trailing.map((k) => keptElement(k, scope.ns)),
  ]);
}

const FILE_ATTRIBUTES = ['href', 'id', 'size', 'compression', 'chunkSize'];

function fileTree(scope: WriteScope, file: FileReference): OutElement {
  const attrs = [
    ...optionalAttributes(scope.ns, [
      ['href', file.href],
      ['id', file.id],
      ['size', file.size],
      ['compression', file.compression],
      ['chunkSize', file.chunkSize],
    ]),
    ...extraAttributes(file.attributes, scope.ns, FILE_ATTRIBUTES),
  ];
  return element(scope.ns, 'File', attrs, kept(scope, file.unknown));
}

function contentTree(scope: WriteScope, content: Content): OutElement {
  const attrs = [
    ...(scope.dialect === '0.9' ? [attribute(XSI_NAMESPACE, 'type', `ovf:${content.kind}_Type`)] : []),
    ovfAttr(scope, 'id', content.id),
    ...extraAttributes(content.attributes, scope.ns, ['id'], [XSI_TYPE]),
  ];
  return element(scope.ns, scope.dialect === '0.9' ? 'Content' : content.kind, attrs, [
    ...msgElement(scope, 'Info', content.info),
    ...msgElement(scope, 'Name', content.name),
    ...content.sections.map((section) => sectionTree(scope, section)),
    ...(content.kind === 'VirtualSystemCollection' ? content.children.map((child) => contentTree(scope, child)) : []),
    ...kept(scope, content.unknown),
  ]);
}
