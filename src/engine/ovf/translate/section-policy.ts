import type { Content, Envelope, Section, VirtualSystemCollection } from '../model';
import { allContent } from '../model-walk';
import { namespaceFamily, XSI_NAMESPACE } from '../namespaces';
import type { TargetProfile } from '../profiles/profile-types';
import type { XmlElement } from '../xml';
import type { TranslationLog } from './translation-log';

/** DSP8023 sections VM Ferry does not model but keeps verbatim when the output's schema has them. */
const OVF1_SECTIONS = new Set(['ResourceAllocationSection', 'InstallSection']);
const OVF2_SECTIONS = new Set([
  ...OVF1_SECTIONS,
  'EnvironmentFilesSection',
  'BootDeviceSection',
  'SharedDiskSection',
  'ScaleOutSection',
  'PlacementGroupSection',
  'PlacementSection',
  'EncryptionSection',
]);

const DEFAULT_INFO: Partial<Record<Section['kind'], string>> = {
  DiskSection: 'Virtual disk information',
  NetworkSection: 'The list of logical networks',
  DeploymentOptionSection: 'Deployment options',
  OperatingSystemSection: 'The kind of installed guest operating system',
  VirtualHardwareSection: 'Virtual hardware requirements',
  ProductSection: 'Product information',
  EulaSection: 'License agreement',
  AnnotationSection: 'A human-readable annotation',
  StartupSection: 'Startup order of the virtual systems',
};

/**
 * Which sections the target gets: rules of the profile (StartupSection outside a vApp for VMware Workstation),
 * vbox:Machine (no schema slot; restates the source disks by UUID), OVF sections of the other OVF version, and
 * vendor sections, which DSP8023 gives no place at content or envelope level: only VMware's own are kept, for
 * VMware (its importers read them; strict validation refuses them). Every section also gets the Info the schema
 * requires.
 */
export function applySectionPolicy(envelope: Envelope, profile: TargetProfile, version: '1.0' | '2.0', log: TranslationLog): void {
  envelope.sections = filterSections(envelope.sections, null, 'Envelope', profile, version, log);
  for (const content of allContent(envelope)) {
    const where = `${content.kind} '${content.id}'`;
    content.sections = filterSections(content.sections, content, where, profile, version, log);
    if (content.info === null || content.info.text.trim() === '') {
      content.info = { text: content.kind === 'VirtualSystem' ? 'A virtual machine' : 'A collection of virtual machines', msgid: null };
    }
  }
}

function filterSections(
  sections: Section[],
  owner: Content | null,
  where: string,
  profile: TargetProfile,
  version: '1.0' | '2.0',
  log: TranslationLog,
): Section[] {
  const inCollection = owner !== null && (owner as VirtualSystemCollection).kind === 'VirtualSystemCollection';
  return sections.filter((section) => {
    const name = section.kind === 'Unknown' ? section.sectionName : section.kind === 'VboxMachine' ? 'vbox:Machine' : section.kind;
    const rule = profile.rejects.sections.find((r) => r.name === name);
    if (rule && (rule.where === 'anywhere' || !inCollection)) {
      log.drop(`${name} of ${where}: ${rule.why}`);
      return false;
    }
    if (section.kind === 'VboxMachine' && !profile.rejects.keepsVboxMachine) {
      log.drop(`vbox:Machine of ${where}: VirtualBox's own machine settings; DSP8023 has no place for it and it names the source disks by UUID`);
      return false;
    }
    if (section.kind === 'Unknown') {
      const family = namespaceFamily(section.kept.namespace);
      if (family === 'ovf') {
        const allowed = version === '2.0' ? OVF2_SECTIONS : OVF1_SECTIONS;
        if (!allowed.has(section.sectionName)) {
          log.drop(`${section.sectionName} of ${where}: not an OVF ${version} section`);
          return false;
        }
        renameOvf09Section(section.kept.element, section.sectionName);
        return true;
      }
      if (family === 'vmw' && profile.rejects.vendorFamilies.includes('vmw') && profile.hardware === 'translate') return true;
      log.drop(`${section.kept.name} of ${where}: a vendor section the target does not read (DSP8023 has no place for it)`);
      return false;
    }
    if (section.info === null || section.info.text.trim() === '') {
      section.info = { text: DEFAULT_INFO[section.kind] ?? 'Information', msgid: null };
    }
    return true;
  });
}

/** OVF 0.9's `<ovf:Section xsi:type="ovf:InstallSection_Type">` becomes `<InstallSection>`. */
function renameOvf09Section(element: XmlElement, sectionName: string): void {
  if (element.local !== 'Section') return;
  element.local = sectionName;
  element.name = element.prefix ? `${element.prefix}:${sectionName}` : sectionName;
  element.attributes = element.attributes.filter((a) => !(a.namespace === XSI_NAMESPACE && a.local === 'type'));
}
