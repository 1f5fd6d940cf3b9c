import type { OperatingSystemSection, VirtualSystem } from '../model';
import { sectionsOfKind } from '../model-walk';
import { findOs, osById, type OsEntry } from '../profiles/os-table';
import type { TargetProfile } from '../profiles/profile-types';
import type { TranslationLog } from './translation-log';

/** The OS table entry a system's descriptor names (or guest inspection, when the descriptor says nothing useful). */
export function guestOsOf(system: VirtualSystem, osHint: string | undefined): OsEntry | null {
  const section = sectionsOfKind(system.sections, 'OperatingSystemSection')[0];
  const machine = sectionsOfKind(system.sections, 'VboxMachine')[0];
  const found = section
    ? findOs({
        cimId: section.cimId,
        vmwareOsType: section.vmwareOsType,
        virtualBoxOsType: section.virtualBoxOsType ?? machine?.osType ?? null,
        description: section.description?.text ?? null,
      })
    : machine?.osType
      ? findOs({ virtualBoxOsType: machine.osType })
      : null;
  const hinted = osHint === undefined ? null : osById(osHint);
  if (hinted && (found === null || found.family === 'other')) return hinted;
  return found;
}

/**
 * OperatingSystemSection in the target's vocabulary: the CIM id (from the table where the OS is known), the
 * VMware guest id for VMware (a VMware source keeps its own), `<vbox:OSType>` for VirtualBox, the description
 * kept. A system without the section gets one: VirtualBox requires `ovf:id`.
 */
export function translateOperatingSystem(
  system: VirtualSystem,
  os: OsEntry | null,
  profile: TargetProfile,
  where: string,
  log: TranslationLog,
): void {
  let section = sectionsOfKind(system.sections, 'OperatingSystemSection')[0];
  if (!section) {
    section = {
      kind: 'OperatingSystemSection',
      info: { text: 'The kind of installed guest operating system', msgid: null },
      required: null,
      attributes: [],
      unknown: [],
      cimId: null,
      version: null,
      description: null,
      vmwareOsType: null,
      virtualBoxOsType: null,
    } satisfies OperatingSystemSection;
    const at = system.sections.findIndex((s) => s.kind === 'VirtualHardwareSection');
    system.sections.splice(at === -1 ? 0 : at, 0, section);
    // DSP8023 requires ovf:id; "Other" (1) when nothing is known.
    section.cimId = os?.cim ?? 1;
    log.decide(`${where}: added an OperatingSystemSection (${os?.label ?? 'Other'})`);
  }
  if (profile.hardware === 'keep') return;
  const cim = os?.cim ?? section.cimId ?? 1;
  if (section.cimId !== cim) log.decide(`${where}: OS CIM id ${section.cimId ?? 'none'} → ${cim}${os ? ` (${os.label})` : ''}`);
  section.cimId = cim;
  section.description ??= { text: os?.label ?? 'Unknown operating system', msgid: null };
  if (profile.osIdentifier === 'vmware') {
    const vmware = section.vmwareOsType ?? os?.vmware ?? (os?.bits === 32 ? 'otherGuest' : 'otherGuest64');
    if (section.vmwareOsType !== vmware) log.decide(`${where}: VMware guest OS ${vmware}${os ? '' : ' (OS unknown)'}`);
    section.vmwareOsType = vmware;
  } else {
    section.vmwareOsType = null;
  }
  if (profile.osIdentifier === 'virtualbox') {
    const vbox = os?.virtualbox ?? section.virtualBoxOsType;
    if (vbox && vbox !== section.virtualBoxOsType) log.decide(`${where}: VirtualBox OS type ${vbox}`);
    section.virtualBoxOsType = vbox;
  } else {
    section.virtualBoxOsType = null;
  }
}
