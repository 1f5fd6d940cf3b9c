import type { Content, Envelope, HardwareItem, KeptXml, Section, VendorKeyValue, VirtualHardwareSection } from '../model';
import { allContent } from '../model-walk';
import { namespaceFamily, type NamespaceFamily } from '../namespaces';
import type { TargetProfile } from '../profiles/profile-types';
import type { XmlAttribute } from '../xml';
import { itemLabel } from './item-edit';
import type { TranslationLog } from './translation-log';

/**
 * Vendor extensions, per target: a vendor's attributes and elements are kept where the target reads them (or, for
 * the generic profile, where the schema allows them), and dropped, with a report, everywhere else. VMware's own
 * settings are filtered down to the keys ESXi accepts even for the VMware target.
 */
const STANDARD: ReadonlySet<NamespaceFamily> = new Set(['ovf', 'rasd', 'vssd', 'sasd', 'epasd', 'cim', 'xsi', 'none']);
const VENDOR_NAME: Record<string, string> = { vmw: 'VMware', vbox: 'VirtualBox', xenovf: 'XenServer', other: 'other vendors’' };

export class VendorFilter {
  private readonly keep: ReadonlySet<string>;

  constructor(
    private readonly profile: TargetProfile,
    private readonly log: TranslationLog,
  ) {
    this.keep = new Set([...profile.rejects.vendorFamilies, ...(profile.hardware === 'keep' ? ['other'] : [])]);
  }

  keeps(namespace: string | null): boolean {
    const family = namespaceFamily(namespace);
    return STANDARD.has(family) || namespace === 'http://www.w3.org/XML/1998/namespace' || this.keep.has(family);
  }

  /** Attributes of a model element; `where` names it in the report. */
  attributes(attributes: XmlAttribute[], where: string): XmlAttribute[] {
    const dropped = attributes.filter((a) => a.name !== 'xmlns' && a.prefix !== 'xmlns' && a.namespace !== null && !this.keeps(a.namespace));
    for (const a of dropped) this.log.drop(`${where}: ${a.name}="${clip(a.value)}" (${vendorOf(a.namespace)} extension the target does not read)`);
    return attributes.filter((a) => !dropped.includes(a));
  }

  /** Kept elements inside a section or item (`xs:any` slots). */
  elements(elements: KeptXml[], where: string): KeptXml[] {
    return elements.filter((k) => {
      if (this.keeps(k.namespace)) return true;
      this.log.drop(`${where}: ${k.name} (${vendorOf(k.namespace)} extension the target does not read)`);
      return false;
    });
  }

  /** vmw:Config / vmw:ExtraConfig: kept (as optional) only for VMware, and only the keys ESXi accepts. */
  vmwareSettings(settings: VendorKeyValue[], where: string): VendorKeyValue[] {
    if (!this.keep.has('vmw')) {
      // The firmware statement is the target's own (firmware.ts): other OVF readers look for it there.
      const firmware = settings.filter((s) => s.key === 'firmware' && s.element === 'Config');
      const others = settings.filter((s) => !firmware.includes(s));
      if (others.length > 0) {
        const keys = others.map((s) => s.key).join(', ');
        this.log.drop(`${where}: ${others.length} VMware setting(s) (vmw:Config ${clip(keys, 120)}): they configure VMware's devices`);
      }
      return firmware;
    }
    const { vmwareConfigKeys, vmwareExtraConfigKeys } = this.profile.rejects;
    return settings.filter((setting) => {
      const allowed = setting.element === 'Config' ? vmwareConfigKeys : vmwareExtraConfigKeys;
      if (allowed !== null && !allowed.some((pattern) => matches(pattern, setting.key))) {
        this.log.drop(`${where}: vmw:${setting.element} ${setting.key}=${clip(setting.value)} (ESXi refuses keys it does not know)`);
        return false;
      }
      if (allowed !== null) setting.required = false;
      return true;
    });
  }

  hardware(section: VirtualHardwareSection, where: string): void {
    section.attributes = this.attributes(section.attributes, where);
    section.unknown = this.elements(section.unknown, where);
    section.vmwareConfig = this.vmwareSettings(section.vmwareConfig, where);
    if (!this.keep.has('xenovf') && section.xenOtherConfig.length > 0) {
      this.log.drop(`${where}: XenServer settings ${section.xenOtherConfig.map((c) => c.name).join(', ')} (xenovf:VirtualSystemOtherConfigurationData)`);
      section.xenOtherConfig = [];
    }
    if (section.system) {
      section.system.attributes = this.attributes(section.system.attributes, `${where} System`);
      section.system.unknown = this.elements(section.system.unknown, `${where} System`);
    }
    for (const item of section.items) this.item(item, where);
  }

  private item(item: HardwareItem, where: string): void {
    const label = `${where} ${itemLabel(item)}`;
    item.attributes = this.attributes(item.attributes, label);
    item.unknown = this.elements(item.unknown, label);
    item.vmwareConfig = this.vmwareSettings(item.vmwareConfig, label);
    if (item.coresPerSocket !== null && !this.keep.has('vmw')) item.coresPerSocket = null;
    for (const property of item.properties) property.attributes = property.attributes.filter((a) => this.keeps(a.namespace) || a.namespace === null);
  }

  /** Everything else: envelope, files, sections, content. */
  envelope(envelope: Envelope): void {
    envelope.attributes = this.attributes(envelope.attributes, 'Envelope');
    for (const file of envelope.references) {
      file.attributes = this.attributes(file.attributes, `File ${file.href}`);
      file.unknown = this.elements(file.unknown, `File ${file.href}`);
    }
    // Only localisation bundles (Strings) have a place at envelope level; anything else found in References or a
    // second content element cannot be written validly.
    envelope.unknown = envelope.unknown.filter((k) => {
      if (namespaceFamily(k.namespace) === 'ovf' && k.element.local === 'Strings') return true;
      this.log.drop(`Envelope: ${k.name} (the schema has no place for it)`);
      return false;
    });
    for (const section of envelope.sections) this.section(section, 'Envelope');
    for (const content of allContent(envelope)) this.content(content);
  }

  private content(content: Content): void {
    const where = `${content.kind} '${content.id}'`;
    content.attributes = this.attributes(content.attributes, where);
    for (const k of content.unknown) this.log.drop(`${where}: ${k.name} (the schema has no place for it)`);
    content.unknown = [];
    for (const section of content.sections) this.section(section, where);
  }

  section(section: Section, where: string): void {
    const here = `${section.kind === 'Unknown' ? section.sectionName : section.kind} of ${where}`;
    section.attributes = this.attributes(section.attributes, here);
    section.unknown = this.elements(section.unknown, here);
    switch (section.kind) {
      case 'DiskSection':
        for (const disk of section.disks) {
          // vbox:uuid ties a disk to vbox:Machine's attachments; the disks are rewritten and the machine dropped.
          disk.attributes = this.attributes(
            disk.attributes.filter((a) => !(namespaceFamily(a.namespace) === 'vbox' && a.local === 'uuid')),
            `Disk '${disk.diskId}'`,
          );
          disk.unknown = this.elements(disk.unknown, `Disk '${disk.diskId}'`);
        }
        return;
      case 'NetworkSection':
        for (const network of section.networks) network.attributes = this.attributes(network.attributes, `Network '${network.name}'`);
        return;
      case 'VirtualHardwareSection':
        this.hardware(section, where);
        return;
      case 'ProductSection':
        for (const entry of section.entries) {
          if (entry.kind !== 'property') continue;
          entry.attributes = this.attributes(entry.attributes, `Property '${entry.key}'`);
          entry.unknown = this.elements(entry.unknown, `Property '${entry.key}'`);
        }
        return;
      default:
        return;
    }
  }
}

function matches(pattern: string, key: string): boolean {
  return pattern.endsWith('*') ? key.startsWith(pattern.slice(0, -1)) : key === pattern;
}

function vendorOf(namespace: string | null): string {
  return VENDOR_NAME[namespaceFamily(namespace)] ?? namespace ?? 'unknown';
}

function clip(text: string, length = 60): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
