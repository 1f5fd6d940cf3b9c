import type { Firmware } from '../appliance/report';
import type { VboxMachineSection, VendorKeyValue, VirtualSystem, XenOtherConfig } from './model';
import { familyOf, ovfNameOf, requiredAttribute, vendorAttribute } from './ovf-names';
import { keepSilently, readMsg, type ReadContext } from './read-context';
import type { XmlElement } from './xml';
import { childElements, findDescendant, textOf, trimmedTextOf } from './xml-query';

/**
 * The vendor extensions VM Ferry reads. Everything else a vendor adds is kept verbatim by the section readers.
 * - VMware `vmw:Config` (in an Item or the VirtualHardwareSection) and `vmw:ExtraConfig` (VM-level, vmx keys):
 *   `vmw:key`/`vmw:value`; one public example writes `ovf:key` instead, so any prefix is accepted.
 * - VirtualBox `vbox:Machine`: the complete VirtualBox settings file of the VM.
 * - XenOVF `xenovf:VirtualSystemOtherConfigurationData` (fixture `xenadmin-sample_app-xenovf-utf16decl.ovf`):
 *   XenServer VM `other_config`/platform keys, with `Name`/`id` attributes and `Info`/`Value` children.
 */
export function isVmwareKeyValue(element: XmlElement): boolean {
  return familyOf(element) === 'vmw' && (element.local === 'Config' || element.local === 'ExtraConfig');
}

export function readVmwareKeyValue(element: XmlElement): VendorKeyValue {
  return {
    element: element.local === 'ExtraConfig' ? 'ExtraConfig' : 'Config',
    key: vendorAttribute(element, 'vmw', 'key') ?? '',
    value: vendorAttribute(element, 'vmw', 'value') ?? '',
    required: requiredAttribute(element),
    attributes: element.attributes,
  };
}

export function isXenOtherConfig(element: XmlElement): boolean {
  return familyOf(element) === 'xenovf' && element.local === 'VirtualSystemOtherConfigurationData';
}

export function readXenOtherConfig(element: XmlElement): XenOtherConfig {
  const child = (local: string): XmlElement | undefined => childElements(element).find((c) => c.local === local);
  const value = child('Value');
  const info = child('Info');
  return {
    id: vendorAttribute(element, 'xenovf', 'id'),
    name: vendorAttribute(element, 'xenovf', 'Name') ?? '',
    value: value ? textOf(value) : null,
    info: info ? trimmedTextOf(info) : null,
    kept: keepSilently(element),
  };
}

export function isVboxMachine(element: XmlElement): boolean {
  return familyOf(element) === 'vbox' && element.local === 'Machine';
}

/**
 * VirtualBox settings (VirtualBox-settings.xsd): `<Firmware type="EFI|EFI32|EFI64|EFIDUAL|BIOS"/>` under
 * `Hardware` (VirtualBox 7.1 nests it under `Platform`); absent from a `Hardware` element means BIOS, the
 * default, which VirtualBox omits. The
 * whole element is kept verbatim and listed in the notes: only these two values are interpreted.
 */
export function readVboxMachine(element: XmlElement, context: ReadContext, where: string): VboxMachineSection {
  const firmwareElement = findDescendant(element, (e) => e.local === 'Firmware');
  const firmwareType = firmwareElement ? vendorAttribute(firmwareElement, 'vbox', 'type') : null;
  const hasHardware = findDescendant(element, (e) => e.local === 'Hardware') !== undefined;
  let firmware: Firmware | null = hasHardware ? 'bios' : null;
  if (firmwareType !== null) firmware = /^efi/i.test(firmwareType) ? 'efi' : /^bios$/i.test(firmwareType) ? 'bios' : null;
  const info = childElements(element).find((c) => ovfNameOf(c) === 'Info' || c.local === 'Info');
  return {
    kind: 'VboxMachine',
    info: readMsg(info),
    required: requiredAttribute(element),
    attributes: element.attributes,
    unknown: [],
    firmware,
    osType: vendorAttribute(element, 'vbox', 'OSType'),
    kept: context.keep(element, where, 'section'),
  };
}

export interface FirmwareFinding {
  firmware: Firmware | null;
  /** Where each source said what, for a warning when they disagree. */
  sources: { source: string; firmware: Firmware }[];
}

/**
 * Firmware of a virtual system from every place a producer records it: VMware `firmware` (vmx key, in
 * `vmw:Config` or `vmw:ExtraConfig`), VirtualBox `vbox:Machine`, XenServer `HVM_boot_params` (`firmware=uefi`),
 * and an OVF 2.x `BootDeviceSection` naming (U)EFI boot sources. OVF itself has no firmware field; the XO
 * exporter dropped UEFI for want of one (shared/notes c25). The first source wins; disagreement is reported.
 */
export function findFirmware(system: VirtualSystem): FirmwareFinding {
  const sources: FirmwareFinding['sources'] = [];
  for (const section of system.sections) {
    if (section.kind === 'VirtualHardwareSection') {
      for (const setting of section.vmwareConfig) {
        const value = setting.value.trim().toLowerCase();
        if (setting.key === 'firmware' && (value === 'efi' || value === 'bios')) {
          sources.push({ source: `vmw:${setting.element} firmware=${value}`, firmware: value });
        }
      }
      for (const config of section.xenOtherConfig) {
        const firmware = xenBootFirmware(config);
        if (firmware) sources.push({ source: `XenServer ${config.name}`, firmware });
      }
    } else if (section.kind === 'VboxMachine' && section.firmware !== null) {
      sources.push({ source: 'vbox:Machine', firmware: section.firmware });
    } else if (section.kind === 'Unknown' && section.sectionName === 'BootDeviceSection') {
      if (/\bu?efi\b/i.test(allText(section.kept.element))) sources.push({ source: 'BootDeviceSection', firmware: 'efi' });
    }
  }
  return { firmware: sources[0]?.firmware ?? null, sources };
}

function xenBootFirmware(config: XenOtherConfig): Firmware | null {
  if (config.name !== 'HVM_boot_params' || config.value === null) return null;
  const match = /(?:^|[;,\s])firmware\s*=\s*([a-z]+)/i.exec(config.value);
  const value = match?.[1]?.toLowerCase();
  return value === 'uefi' || value === 'efi' ? 'efi' : value === 'bios' ? 'bios' : null;
}

function allText(element: XmlElement): string {
  return element.children.map((c) => (c.type === 'element' ? allText(c) : c.type === 'comment' ? '' : c.text)).join(' ');
}

export function parseCoresPerSocket(element: XmlElement): number | null {
  const text = trimmedTextOf(element);
  const value = text === null ? NaN : Number(text);
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}
