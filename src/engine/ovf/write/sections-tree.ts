import type {
  AnnotationSection,
  DeploymentOptionSection,
  DiskSection,
  EulaSection,
  KeptXml,
  NetworkSection,
  OperatingSystemSection,
  ProductSection,
  Section,
  StartupSection,
} from '../model';
import { VBOX_NAMESPACE } from '../namespaces';
import { extraAttributes } from './extra-attributes';
import { hardwareSectionTree } from './hardware-tree';
import { keptElement } from './kept-xml';
import { element, optionalAttributes, textElement, type OutElement } from './out-tree';
import { msgElement, ovfAttr, sectionElement, type WriteScope } from './write-scope';
import { VMW_NAMESPACE } from '../namespaces';

/** One section of any kind, in DSP8023 element order. */
export function sectionTree(scope: WriteScope, section: Section): OutElement {
  switch (section.kind) {
    case 'DiskSection':
      return diskSection(scope, section);
    case 'NetworkSection':
      return networkSection(scope, section);
    case 'DeploymentOptionSection':
      return deploymentOptionSection(scope, section);
    case 'OperatingSystemSection':
      return operatingSystemSection(scope, section);
    case 'VirtualHardwareSection':
      return hardwareSectionTree(scope, section);
    case 'ProductSection':
      return productSection(scope, section);
    case 'EulaSection':
      return sectionElement(scope, 'EulaSection', section, [], [], [
        ...section.licenses.flatMap((license) => msgElement(scope, 'License', license)),
        ...kept(scope, section.unknown),
      ]);
    case 'AnnotationSection':
      return annotationSection(scope, section);
    case 'StartupSection':
      return startupSection(scope, section);
    case 'VboxMachine':
    case 'Unknown':
      return keptElement(section.kept, scope.ns);
  }
}

export function kept(scope: WriteScope, elements: readonly KeptXml[]): OutElement[] {
  return elements.map((k) => keptElement(k, scope.ns));
}

const ovf = (scope: WriteScope) => scope.ns;

function diskSection(scope: WriteScope, section: DiskSection): OutElement {
  const disks = section.disks.map((disk) => {
    const capacity = disk.capacityRaw ?? (disk.capacityBytes === null ? null : String(disk.capacityBytes));
    const attrs = [
      ...optionalAttributes(ovf(scope), [
        ['capacity', capacity],
        ['capacityAllocationUnits', disk.capacityUnitsRaw],
        ['diskId', disk.diskId],
        ['fileRef', disk.fileRef],
        ['format', disk.formatUri],
        ['populatedSize', disk.populatedSize],
        ['parentRef', disk.parentRef],
      ]),
      ...extraAttributes(disk.attributes, scope.ns, ['capacity', 'capacityAllocationUnits', 'diskId', 'fileRef', 'format', 'populatedSize', 'parentRef']),
    ];
    return element(scope.ns, 'Disk', attrs, kept(scope, disk.unknown));
  });
  return sectionElement(scope, 'DiskSection', section, [], [], [...disks, ...kept(scope, section.unknown)]);
}

function networkSection(scope: WriteScope, section: NetworkSection): OutElement {
  const networks = section.networks.map((network) =>
    element(
      scope.ns,
      'Network',
      [ovfAttr(scope, 'name', network.name), ...extraAttributes(network.attributes, scope.ns, ['name'])],
      [...msgElement(scope, 'Description', network.description), ...kept(scope, network.unknown)],
    ),
  );
  return sectionElement(scope, 'NetworkSection', section, [], [], [...networks, ...kept(scope, section.unknown)]);
}

function deploymentOptionSection(scope: WriteScope, section: DeploymentOptionSection): OutElement {
  const configurations = section.configurations.map((c) =>
    element(
      scope.ns,
      'Configuration',
      [
        ...(c.isDefault ? [ovfAttr(scope, 'default', true)] : []),
        ovfAttr(scope, 'id', c.id),
        ...extraAttributes(c.attributes, scope.ns, ['id', 'default']),
      ],
      [...msgElement(scope, 'Label', c.label), ...msgElement(scope, 'Description', c.description), ...kept(scope, c.unknown)],
    ),
  );
  return sectionElement(scope, 'DeploymentOptionSection', section, [], [], [...configurations, ...kept(scope, section.unknown)]);
}

function operatingSystemSection(scope: WriteScope, section: OperatingSystemSection): OutElement {
  const typed = [
    ...optionalAttributes(ovf(scope), [
      ['id', section.cimId],
      ['version', section.version],
    ]),
    ...optionalAttributes(VMW_NAMESPACE, [['osType', section.vmwareOsType]]),
  ];
  const vboxOsType =
    section.virtualBoxOsType === null
      ? []
      : [textElement(VBOX_NAMESPACE, 'OSType', section.virtualBoxOsType, [ovfAttr(scope, 'required', false)])];
  return sectionElement(
    scope,
    'OperatingSystemSection',
    section,
    typed,
    ['id', 'version'],
    [...msgElement(scope, 'Description', section.description), ...vboxOsType, ...kept(scope, section.unknown)],
    [['vmw', 'osType']],
  );
}

function productSection(scope: WriteScope, section: ProductSection): OutElement {
  const typed = optionalAttributes(ovf(scope), [
    ['class', section.productClass],
    ['instance', section.instance],
  ]);
  const text = (local: string, value: string | null): OutElement[] => (value === null ? [] : [textElement(scope.ns, local, value)]);
  const children = [
    ...msgElement(scope, 'Product', section.product),
    ...msgElement(scope, 'Vendor', section.vendor),
    ...text('Version', section.version),
    ...text('FullVersion', section.fullVersion),
    ...text('ProductUrl', section.productUrl),
    ...text('VendorUrl', section.vendorUrl),
    ...text('AppUrl', section.appUrl),
    ...section.icons.map((attrs) => element(scope.ns, 'Icon', extraAttributes(attrs, scope.ns, []))),
    ...section.entries.map((entry) => {
      if (entry.kind === 'category') return msgElement(scope, 'Category', entry.text)[0]!;
      const attrs = [
        ...optionalAttributes(ovf(scope), [
          ['key', entry.key],
          ['type', entry.type],
          ['qualifiers', entry.qualifiers],
          ['value', entry.value],
          ['userConfigurable', entry.userConfigurable],
          ['password', entry.password],
        ]),
        ...extraAttributes(entry.attributes, scope.ns, ['key', 'type', 'qualifiers', 'value', 'userConfigurable', 'password']),
      ];
      return element(scope.ns, 'Property', attrs, [
        ...msgElement(scope, 'Label', entry.label),
        ...msgElement(scope, 'Description', entry.description),
        ...entry.values.map((v) =>
          element(scope.ns, 'Value', optionalAttributes(ovf(scope), [['value', v.value], ['configuration', v.configuration]])),
        ),
        ...kept(scope, entry.unknown),
      ]);
    }),
    ...kept(scope, section.unknown),
  ];
  return sectionElement(scope, 'ProductSection', section, typed, ['class', 'instance'], children);
}

function annotationSection(scope: WriteScope, section: AnnotationSection): OutElement {
  return sectionElement(scope, 'AnnotationSection', section, [], [], [
    ...msgElement(scope, 'Annotation', section.annotation),
    ...kept(scope, section.unknown),
  ]);
}

const STARTUP_ATTRIBUTES = ['id', 'order', 'startDelay', 'waitingForGuest', 'stopDelay', 'startAction', 'stopAction'];

function startupSection(scope: WriteScope, section: StartupSection): OutElement {
  const items = section.items.map((item) =>
    element(scope.ns, 'Item', [
      ...optionalAttributes(ovf(scope), [
        ['id', item.id],
        ['order', item.order],
        ['startDelay', item.startDelay],
        ['waitingForGuest', item.waitingForGuest],
        ['stopDelay', item.stopDelay],
        ['startAction', item.startAction],
        ['stopAction', item.stopAction],
      ]),
      ...extraAttributes(item.attributes, scope.ns, STARTUP_ATTRIBUTES),
    ]),
  );
  return sectionElement(scope, 'StartupSection', section, [], [], [...items, ...kept(scope, section.unknown)]);
}
