import { diskFormatName } from './disk-format';
import type { DiskSection, Envelope, ProductSection, VirtualDiskDescription } from './model';
import { allSections } from './model-walk';
import { ovfAttribute, ovfNameOf, requiredAttribute } from './ovf-names';
import { parseInteger, readMsg, type ReadContext } from './read-context';
import { quantityInBytes } from './units';
import type { XmlElement } from './xml';
import { childElements } from './xml-query';

/**
 * DiskSection (DSP0243 1.1 §9.1). `ovf:capacity` is an xs:long in `ovf:capacityAllocationUnits` (default
 * byte), e.g. `capacity="1" capacityAllocationUnits="byte * 2^30"` (VMware, fixture
 * `cot-vmware-vsphere-vmx08.ovf`), or a `${property}` reference to a ProductSection property, resolved once the
 * whole descriptor is read (`resolveCapacityReferences`).
 */
export function readDiskSection(element: XmlElement, context: ReadContext, where: string): DiskSection {
  const here = `DiskSection of ${where}`;
  const section: DiskSection = {
    kind: 'DiskSection',
    info: null,
    required: requiredAttribute(element),
    attributes: element.attributes,
    unknown: [],
    disks: [],
  };
  for (const child of childElements(element)) {
    const name = ovfNameOf(child);
    if (name === 'Info' && section.info === null) section.info = readMsg(child);
    else if (name === 'Disk') section.disks.push(readDisk(child, context, here));
    else section.unknown.push(context.keep(child, here));
  }
  return section;
}

function readDisk(element: XmlElement, context: ReadContext, where: string): VirtualDiskDescription {
  const diskId = ovfAttribute(element, 'diskId') ?? '';
  if (diskId === '') context.warn(`A Disk in ${where} has no ovf:diskId`);
  const formatUri = ovfAttribute(element, 'format');
  const disk: VirtualDiskDescription = {
    diskId,
    capacityBytes: null,
    capacityRaw: ovfAttribute(element, 'capacity'),
    capacityUnitsRaw: ovfAttribute(element, 'capacityAllocationUnits'),
    populatedSize: parseInteger(ovfAttribute(element, 'populatedSize')),
    fileRef: ovfAttribute(element, 'fileRef'),
    parentRef: ovfAttribute(element, 'parentRef'),
    formatUri,
    format: diskFormatName(formatUri),
    attributes: element.attributes,
    unknown: childElements(element).map((child) => context.keep(child, `Disk '${diskId}' of ${where}`)),
  };
  if (!isPropertyReference(disk.capacityRaw)) disk.capacityBytes = capacityBytes(disk, disk.capacityRaw, context);
  return disk;
}

function capacityBytes(disk: VirtualDiskDescription, capacity: string | null, context: ReadContext): number | null {
  if (capacity === null || capacity.trim() === '') {
    context.warn(`Disk '${disk.diskId}' declares no capacity (ovf:capacity)`);
    return null;
  }
  const result = quantityInBytes(capacity, disk.capacityUnitsRaw);
  if (!result.ok) {
    context.warn(`Disk '${disk.diskId}' has an unusable capacity: ${result.problem}`);
    return null;
  }
  return result.bytes;
}

function isPropertyReference(value: string | null): value is string {
  return value !== null && /^\$\{[^}]+\}$/.test(value.trim());
}

/** Resolves `ovf:capacity="${key}"` against the ProductSection properties anywhere in the descriptor. */
export function resolveCapacityReferences(envelope: Envelope, context: ReadContext): void {
  const products = allSections(envelope).filter((s): s is ProductSection => s.kind === 'ProductSection');
  for (const section of allSections(envelope)) {
    if (section.kind !== 'DiskSection') continue;
    for (const disk of section.disks) {
      if (!isPropertyReference(disk.capacityRaw)) continue;
      const key = disk.capacityRaw.trim().slice(2, -1);
      const value = findPropertyValue(products, key);
      if (value === null) {
        context.warn(`Disk '${disk.diskId}' takes its capacity from property '${key}', which has no value`);
      } else {
        disk.capacityBytes = capacityBytes(disk, value, context);
      }
    }
  }
}

function findPropertyValue(products: ProductSection[], key: string): string | null {
  for (const product of products) {
    for (const entry of product.entries) {
      if (entry.kind === 'property' && entry.key === key && entry.value !== null) return entry.value;
    }
  }
  return null;
}
