import type {
  AnnotationSection,
  DeploymentConfiguration,
  DeploymentOptionSection,
  EulaSection,
  NetworkSection,
  OperatingSystemSection,
  Section,
  SectionBase,
  StartupSection,
  UnknownSection,
} from './model';
import {
  familyOf,
  ovfAttribute,
  ovfChild,
  ovfNameOf,
  parseXsBoolean,
  requiredAttribute,
  vendorAttribute,
} from './ovf-names';
import { readDiskSection } from './read-disk-section';
import { readVirtualHardwareSection } from './read-hardware';
import { readProductSection } from './read-product-section';
import { parseInteger, readMsg, type ReadContext } from './read-context';
import { isVboxMachine, readVboxMachine } from './vendor-extensions';
import type { XmlElement } from './xml';
import { childElements, trimmedTextOf } from './xml-query';

/**
 * Reads one section (DSP0243 1.1 §9) wherever it appears; `where` names its place for messages
 * ("Envelope", "VirtualSystem 'vm1'"). A section the model does not know is kept verbatim in its place and
 * noted; when it is marked `ovf:required` (the default) a consumer is supposed to fail on it
 * (DSP0243 1.1 §7.3 extensibility), so that earns a warning too.
 */
export function readSection(element: XmlElement, context: ReadContext, where: string): Section {
  if (isVboxMachine(element)) return readVboxMachine(element, context, where);
  switch (ovfNameOf(element)) {
    case 'DiskSection':
      return readDiskSection(element, context, where);
    case 'NetworkSection':
      return readNetworkSection(element, context, where);
    case 'DeploymentOptionSection':
      return readDeploymentOptionSection(element, context, where);
    case 'OperatingSystemSection':
      return readOperatingSystemSection(element, context, where);
    case 'VirtualHardwareSection':
      return readVirtualHardwareSection(element, context, where);
    case 'ProductSection':
      return readProductSection(element, context, where);
    case 'EulaSection':
      return readEulaSection(element, context, where);
    case 'AnnotationSection':
      return readAnnotationSection(element, context, where);
    case 'StartupSection':
      return readStartupSection(element, context, where);
    default:
      return readUnknownSection(element, context, where);
  }
}

function base(element: XmlElement): SectionBase {
  return {
    info: readMsg(ovfChild(element, 'Info')),
    required: requiredAttribute(element),
    attributes: element.attributes,
    unknown: [],
  };
}

/** Children other than Info that `handle` does not claim are kept verbatim and noted. */
function eachChild(
  element: XmlElement,
  section: SectionBase,
  context: ReadContext,
  where: string,
  handle: (child: XmlElement, name: string | null) => boolean,
): void {
  for (const child of childElements(element)) {
    const name = ovfNameOf(child);
    if (name === 'Info' || handle(child, name)) continue;
    section.unknown.push(context.keep(child, where));
  }
}

function readUnknownSection(element: XmlElement, context: ReadContext, where: string): UnknownSection {
  const sectionName = ovfNameOf(element) ?? element.local;
  // OVF 0.9 names the type only in xsi:type: "ovf:Section (ResourceAllocationSection)".
  const label = sectionName === element.local ? element.name : `${element.name} (${sectionName})`;
  const section: UnknownSection = {
    kind: 'Unknown',
    ...base(element),
    sectionName,
    kept: context.keep(element, where, 'section', label),
  };
  if (section.required !== false) {
    const why = 'is marked required (ovf:required is not "false") but VM Ferry does not understand it';
    context.warn(`${label} in ${where} ${why}`);
  }
  return section;
}

function readNetworkSection(element: XmlElement, context: ReadContext, where: string): NetworkSection {
  const section: NetworkSection = { kind: 'NetworkSection', ...base(element), networks: [] };
  const here = `NetworkSection of ${where}`;
  eachChild(element, section, context, here, (child, name) => {
    if (name !== 'Network') return false;
    const networkName = ovfAttribute(child, 'name') ?? '';
    const network: NetworkSection['networks'][number] = {
      name: networkName,
      description: null,
      attributes: child.attributes,
      unknown: [],
    };
    for (const grandchild of childElements(child)) {
      if (ovfNameOf(grandchild) === 'Description') network.description = readMsg(grandchild);
      else network.unknown.push(context.keep(grandchild, `Network '${networkName}' of ${here}`));
    }
    section.networks.push(network);
    return true;
  });
  return section;
}

function readDeploymentOptionSection(
  element: XmlElement,
  context: ReadContext,
  where: string,
): DeploymentOptionSection {
  const section: DeploymentOptionSection = { kind: 'DeploymentOptionSection', ...base(element), configurations: [] };
  const here = `DeploymentOptionSection of ${where}`;
  eachChild(element, section, context, here, (child, name) => {
    if (name !== 'Configuration') return false;
    const id = ovfAttribute(child, 'id') ?? '';
    const configuration: DeploymentConfiguration = {
      id,
      isDefault: parseXsBoolean(ovfAttribute(child, 'default')) === true,
      label: readMsg(ovfChild(child, 'Label')),
      description: readMsg(ovfChild(child, 'Description')),
      attributes: child.attributes,
      unknown: [],
    };
    for (const grandchild of childElements(child)) {
      const grandName = ovfNameOf(grandchild);
      if (grandName !== 'Label' && grandName !== 'Description') {
        configuration.unknown.push(context.keep(grandchild, `Configuration '${id}' of ${here}`));
      }
    }
    section.configurations.push(configuration);
    return true;
  });
  return section;
}

function readOperatingSystemSection(element: XmlElement, context: ReadContext, where: string): OperatingSystemSection {
  const section: OperatingSystemSection = {
    kind: 'OperatingSystemSection',
    ...base(element),
    cimId: parseInteger(ovfAttribute(element, 'id')),
    version: ovfAttribute(element, 'version'),
    description: null,
    vmwareOsType: vendorAttribute(element, 'vmw', 'osType'),
    virtualBoxOsType: null,
  };
  eachChild(element, section, context, `OperatingSystemSection of ${where}`, (child, name) => {
    if (name === 'Description') section.description = readMsg(child);
    // VirtualBox 4+ adds <vbox:OSType ovf:required="false">Ubuntu_64</vbox:OSType> (fixture cot-ubuntu-ovf20.ovf).
    else if (familyOf(child) === 'vbox' && child.local === 'OSType') section.virtualBoxOsType = trimmedTextOf(child);
    else return false;
    return true;
  });
  return section;
}

function readEulaSection(element: XmlElement, context: ReadContext, where: string): EulaSection {
  const section: EulaSection = { kind: 'EulaSection', ...base(element), licenses: [] };
  eachChild(element, section, context, `EulaSection of ${where}`, (child, name) => {
    if (name !== 'License') return false;
    section.licenses.push(readMsg(child)!);
    return true;
  });
  return section;
}

function readAnnotationSection(element: XmlElement, context: ReadContext, where: string): AnnotationSection {
  const section: AnnotationSection = { kind: 'AnnotationSection', ...base(element), annotation: null };
  eachChild(element, section, context, `AnnotationSection of ${where}`, (child, name) => {
    if (name !== 'Annotation') return false;
    section.annotation = readMsg(child);
    return true;
  });
  return section;
}

/** DSP0243 1.1 §9.7: start order of the systems in a collection (XenOVF also writes one at envelope level). */
function readStartupSection(element: XmlElement, context: ReadContext, where: string): StartupSection {
  const section: StartupSection = { kind: 'StartupSection', ...base(element), items: [] };
  eachChild(element, section, context, `StartupSection of ${where}`, (child, name) => {
    if (name !== 'Item') return false;
    section.items.push({
      id: ovfAttribute(child, 'id') ?? '',
      order: parseInteger(ovfAttribute(child, 'order')),
      startDelay: parseInteger(ovfAttribute(child, 'startDelay')),
      waitingForGuest: parseXsBoolean(ovfAttribute(child, 'waitingForGuest')),
      stopDelay: parseInteger(ovfAttribute(child, 'stopDelay')),
      startAction: ovfAttribute(child, 'startAction'),
      stopAction: ovfAttribute(child, 'stopAction'),
      attributes: child.attributes,
    });
    return true;
  });
  return section;
}
