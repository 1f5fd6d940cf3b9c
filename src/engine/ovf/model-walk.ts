import type { Content, DeploymentOptionSection, Envelope, Section, VirtualSystem } from './model';

/** Ways through the model that several readers and the report share. */

/** Every section of the envelope, its content and nested content, in document order. */
export function allSections(envelope: Envelope): Section[] {
  const sections: Section[] = [...envelope.sections];
  for (const content of allContent(envelope)) sections.push(...content.sections);
  return sections;
}

/** The content tree flattened depth-first in document order: collections before their members. */
export function allContent(envelope: Envelope): Content[] {
  const found: Content[] = [];
  const stack: Content[] = envelope.content ? [envelope.content] : [];
  while (stack.length > 0) {
    const content = stack.shift()!;
    found.push(content);
    if (content.kind === 'VirtualSystemCollection') stack.unshift(...content.children);
  }
  return found;
}

/** Every VirtualSystem, including those inside (nested) VirtualSystemCollections. */
export function allVirtualSystems(envelope: Envelope): VirtualSystem[] {
  return allContent(envelope).filter((c): c is VirtualSystem => c.kind === 'VirtualSystem');
}

/** The collections that contain `target`, outermost first. */
export function ancestorsOf(envelope: Envelope, target: Content): Content[] {
  const path: Content[] = [];
  const walk = (content: Content): boolean => {
    if (content === target) return true;
    if (content.kind !== 'VirtualSystemCollection') return false;
    path.push(content);
    for (const child of content.children) if (walk(child)) return true;
    path.pop();
    return false;
  };
  if (envelope.content) walk(envelope.content);
  return path;
}

export function sectionsOfKind<K extends Section['kind']>(sections: Section[], kind: K): Extract<Section, { kind: K }>[] {
  return sections.filter((s): s is Extract<Section, { kind: K }> => s.kind === kind);
}

/**
 * DSP0243 1.1 §9.8: the configuration marked `ovf:default="true"`, else the first one; null without a
 * DeploymentOptionSection.
 */
export function defaultConfigurationId(envelope: Envelope): string | null {
  const configurations = sectionsOfKind(envelope.sections, 'DeploymentOptionSection').flatMap(
    (s: DeploymentOptionSection) => s.configurations,
  );
  return (configurations.find((c) => c.isDefault) ?? configurations[0])?.id ?? null;
}
