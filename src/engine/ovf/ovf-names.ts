import { namespaceFamily, type NamespaceFamily } from './namespaces';
import type { XmlAttribute, XmlElement } from './xml';
import { childElements, trimmedTextOf } from './xml-query';

/**
 * Namespace-agnostic matching of OVF elements and attributes. An element counts as OVF when its namespace is
 * any OVF envelope namespace, or none at all (hand-made files that forgot the default `xmlns`). Attributes are
 * looked up as `ovf:name` first and bare `name` second: producers drop the prefix (`<File href=…>`, xenovf's
 * `Name`/`id`), and DSP8023 itself declares some attributes unqualified.
 */
export function familyOf(element: XmlElement): NamespaceFamily {
  return namespaceFamily(element.namespace);
}

export function isOvfElement(element: XmlElement): boolean {
  const family = familyOf(element);
  return family === 'ovf' || family === 'none';
}

/**
 * The name an OVF element stands for. OVF 0.9 (VMware) writes every section as `<ovf:Section
 * xsi:type="ovf:DiskSection_Type">` and the content as `<ovf:Content xsi:type="ovf:VirtualSystem_Type">`
 * (fixture `cot-v0.9-vmx04.ovf`); those read as `DiskSection` and `VirtualSystem`.
 */
export function ovfNameOf(element: XmlElement): string | null {
  if (!isOvfElement(element)) return null;
  if (element.local === 'Section' || element.local === 'Content') {
    const xsiType = element.attributes.find((a) => namespaceFamily(a.namespace) === 'xsi' && a.local === 'type');
    if (xsiType) {
      const typeName = xsiType.value.trim();
      const local = typeName.includes(':') ? typeName.slice(typeName.indexOf(':') + 1) : typeName;
      return local.replace(/_Type$/, '');
    }
  }
  return element.local;
}

export function isOvfNamed(element: XmlElement, name: string): boolean {
  return ovfNameOf(element) === name;
}

export function ovfChildren(element: XmlElement, name: string): XmlElement[] {
  return childElements(element).filter((child) => isOvfNamed(child, name));
}

export function ovfChild(element: XmlElement, name: string): XmlElement | undefined {
  return childElements(element).find((child) => isOvfNamed(child, name));
}

/** Trimmed text of the first OVF child called `name` (Info, Name, Description, ...), or null. */
export function ovfChildText(element: XmlElement, name: string): string | null {
  const child = ovfChild(element, name);
  return child ? trimmedTextOf(child) : null;
}

export function ovfAttributeNode(element: XmlElement, local: string): XmlAttribute | undefined {
  return (
    element.attributes.find((a) => a.local === local && namespaceFamily(a.namespace) === 'ovf') ??
    element.attributes.find((a) => a.local === local && a.prefix === null)
  );
}

export function ovfAttribute(element: XmlElement, local: string): string | null {
  return ovfAttributeNode(element, local)?.value ?? null;
}

/** A vendor attribute (`vmw:osType`, `vmw:key`): in the vendor's namespace, else any prefix with that local name. */
export function vendorAttribute(element: XmlElement, family: NamespaceFamily, local: string): string | null {
  const exact = element.attributes.find((a) => a.local === local && namespaceFamily(a.namespace) === family);
  return (exact ?? element.attributes.find((a) => a.local === local && a.prefix !== 'xmlns'))?.value ?? null;
}

/** xs:boolean as DSP8023 uses it (`ovf:required`, `ovf:default`, `ovf:userConfigurable`). */
export function parseXsBoolean(value: string | null): boolean | null {
  if (value === null) return null;
  const trimmed = value.trim().toLowerCase();
  if (trimmed === 'true' || trimmed === '1') return true;
  if (trimmed === 'false' || trimmed === '0') return false;
  return null;
}

/** `ovf:required` (DSP0243 §5.x: "defaults to true"): null when absent so a writer can leave it out again. */
export function requiredAttribute(element: XmlElement): boolean | null {
  return parseXsBoolean(ovfAttribute(element, 'required'));
}
