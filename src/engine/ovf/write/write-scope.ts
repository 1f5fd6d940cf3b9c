import type { Msg, SectionBase } from '../model';
import { XSI_NAMESPACE } from '../namespaces';
import { extraAttributes, XSI_TYPE } from './extra-attributes';
import { attribute, element, textElement, type OutAttribute, type OutElement, type OutNode } from './out-tree';

/** What every part of the writer needs to know about the document being written. */
export interface WriteScope {
  /** The envelope namespace: OVF 0.9 (VMware), 1.x or 2.x. */
  ns: string;
  dialect: '0.9' | '1' | '2';
}

/** An OVF attribute (`ovf:name`). */
export function ovfAttr(scope: WriteScope, local: string, value: string | number | boolean): OutAttribute {
  return attribute(scope.ns, local, String(value));
}

/** `ovf:required`, written only when the model has a value (absent means true, DSP0243 1.1). */
export function requiredAttr(scope: WriteScope, required: boolean | null): OutAttribute[] {
  return required === null ? [] : [ovfAttr(scope, 'required', required)];
}

/** A DSP8023 `Msg_Type` element: the text as written and its `ovf:msgid`. */
export function msgElement(scope: WriteScope, local: string, msg: Msg | null): OutElement[] {
  if (msg === null) return [];
  return [textElement(scope.ns, local, msg.text, msg.msgid === null ? [] : [ovfAttr(scope, 'msgid', msg.msgid)])];
}

/**
 * A section element: `<DiskSection>` in OVF 1.x/2.x, `<Section xsi:type="ovf:DiskSection_Type">` in OVF 0.9.
 * Attributes: the typed ones given, `ovf:required`, then the section's other attributes as written.
 */
export function sectionElement(
  scope: WriteScope,
  name: string,
  section: SectionBase,
  typedAttrs: OutAttribute[],
  typedNames: readonly string[],
  children: OutNode[],
  typedVendor: Parameters<typeof extraAttributes>[3] = [],
): OutElement {
  const attrs = [
    ...(scope.dialect === '0.9' ? [attribute(XSI_NAMESPACE, 'type', `ovf:${name}_Type`)] : []),
    ...typedAttrs,
    ...requiredAttr(scope, section.required),
    ...extraAttributes(section.attributes, scope.ns, ['required', ...typedNames], [XSI_TYPE, ...typedVendor]),
  ];
  return element(scope.ns, scope.dialect === '0.9' ? 'Section' : name, attrs, [
    ...msgElement(scope, 'Info', section.info),
    ...children,
  ]);
}
