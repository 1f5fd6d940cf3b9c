import { VmferryError } from '../errors';
import type { Content, Envelope, FileReference, VirtualSystemCollection } from './model';
import { ovfVersionOfNamespace } from './namespaces';
import { ovfAttribute, ovfNameOf } from './ovf-names';
import { resolveCapacityReferences } from './read-disk-section';
import { parseInteger, readMsg, type ReadContext } from './read-context';
import { readSection } from './read-sections';
import type { XmlElement } from './xml';
import { childElements } from './xml-query';

/**
 * The Envelope (DSP0243 1.1 §7): References, envelope-level sections, and one content element, a VirtualSystem
 * or a VirtualSystemCollection (which may nest; fixture `govmomi-vcenter-vapp-2vms-sas-pvscsi.ovf`).
 */
export function readEnvelope(
  root: XmlElement,
  context: ReadContext,
  encoding: { encoding: string; declaredEncoding: string | null },
): Envelope {
  if (root.local !== 'Envelope') {
    throw new VmferryError('unknown-format', `The root element is <${root.name}>, not an OVF <Envelope>`, {
      file: context.fileName,
      hint: 'This does not look like an OVF descriptor',
    });
  }
  const envelope: Envelope = {
    version: envelopeVersion(root, context),
    namespace: root.namespace ?? '',
    attributes: root.attributes,
    encoding: encoding.encoding,
    declaredEncoding: encoding.declaredEncoding,
    comments: [],
    references: [],
    sections: [],
    content: null,
    unknown: [],
  };
  for (const child of childElements(root)) {
    const name = ovfNameOf(child);
    if (name === 'References') envelope.references.push(...readReferences(child, envelope, context));
    else if (name === 'VirtualSystem' || name === 'VirtualSystemCollection') {
      if (envelope.content === null) envelope.content = readContent(child, name, context);
      else {
        context.warn(`The Envelope has more than one content element; only the first is read`);
        envelope.unknown.push(context.keep(child, 'Envelope'));
      }
    } else if (name === 'Strings') envelope.unknown.push(context.keep(child, 'Envelope'));
    else envelope.sections.push(readSection(child, context, 'Envelope'));
  }
  if (envelope.content === null) context.warn('The Envelope holds no VirtualSystem or VirtualSystemCollection');
  resolveCapacityReferences(envelope, context);
  return envelope;
}

/** '0.9' from VMware's namespace; '1.0'/'1.1'/'2.0'... from `ovf:version`, checked against the namespace. */
function envelopeVersion(root: XmlElement, context: ReadContext): string {
  const declared = ovfAttribute(root, 'version')?.trim() ?? null;
  const implied = root.namespace === null ? null : ovfVersionOfNamespace(root.namespace);
  if (implied === null) {
    context.warn(`The Envelope's namespace "${root.namespace ?? ''}" is not an OVF namespace; read as OVF 1.x`);
    return declared ?? '1.0';
  }
  if (implied === '0.9') return '0.9';
  const major = implied === '1.x' ? '1' : '2';
  if (declared === null) return `${major}.0`;
  if (declared.startsWith(`${major}.`)) return declared;
  context.warn(`The Envelope says ovf:version="${declared}" but uses the OVF ${implied} namespace`);
  return `${major}.0`;
}

/**
 * DSP0243 1.1 §7.1: `File` elements with `ovf:id`, `ovf:href`, `ovf:size`, `ovf:compression`, `ovf:chunkSize`.
 * Anything else inside References is kept in `envelope.unknown`.
 */
function readReferences(element: XmlElement, envelope: Envelope, context: ReadContext): FileReference[] {
  const files: FileReference[] = [];
  for (const child of childElements(element)) {
    if (ovfNameOf(child) !== 'File') {
      envelope.unknown.push(context.keep(child, 'References'));
      continue;
    }
    const id = ovfAttribute(child, 'id') ?? '';
    const href = ovfAttribute(child, 'href') ?? '';
    if (id === '' || href === '') {
      context.warn(`A File in References lacks ovf:id or ovf:href (id "${id}", href "${href}")`);
    }
    if (files.some((f) => f.id === id)) context.warn(`Two files in References share the id '${id}'`);
    const size = numberAttribute(child, 'size', id, context);
    let chunkSize = numberAttribute(child, 'chunkSize', id, context);
    if (chunkSize === 0) {
      context.warn(`File '${id}' has ovf:chunkSize="0"; read as not chunked`);
      chunkSize = null;
    }
    let compression = ovfAttribute(child, 'compression')?.trim() ?? null;
    // "identity" and an empty value both mean uncompressed (DSP8023's documentation of ovf:compression).
    if (compression === '' || compression?.toLowerCase() === 'identity') compression = null;
    if (compression !== null && compression.toLowerCase() !== 'gzip') {
      context.warn(`File '${href}' uses ovf:compression="${compression}", which VM Ferry cannot decompress (only gzip)`);
    }
    files.push({
      id,
      href,
      size,
      compression,
      chunkSize,
      attributes: child.attributes,
      unknown: childElements(child).map((c) => context.keep(c, `File '${id}' of References`)),
    });
  }
  return files;
}

function numberAttribute(element: XmlElement, name: string, id: string, context: ReadContext): number | null {
  const raw = ovfAttribute(element, name);
  const value = parseInteger(raw);
  if (raw !== null && (value === null || value < 0)) {
    context.warn(`File '${id}' has an invalid ovf:${name} "${raw}"`);
    return null;
  }
  return value;
}

function readContent(
  element: XmlElement,
  kind: 'VirtualSystem' | 'VirtualSystemCollection',
  context: ReadContext,
): Content {
  const id = ovfAttribute(element, 'id') ?? '';
  if (id === '') context.warn(`A ${kind} has no ovf:id`);
  const where = `${kind} '${id}'`;
  const base = { id, info: null, name: null, attributes: element.attributes, sections: [], unknown: [] };
  const content: Content = kind === 'VirtualSystem' ? { kind, ...base } : { kind, ...base, children: [] };
  for (const child of childElements(element)) {
    const name = ovfNameOf(child);
    if (name === 'Info' && content.info === null) content.info = readMsg(child);
    else if (name === 'Name' && content.name === null) content.name = readMsg(child);
    else if (name === 'VirtualSystem' || name === 'VirtualSystemCollection') {
      if (content.kind === 'VirtualSystemCollection') {
        (content as VirtualSystemCollection).children.push(readContent(child, name, context));
      } else {
        context.warn(`${where} contains a ${name}, which only a VirtualSystemCollection may`);
        content.unknown.push(context.keep(child, where));
      }
    } else content.sections.push(readSection(child, context, where));
  }
  return content;
}
