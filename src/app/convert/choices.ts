import type { Container, ConvertRequest, DeviceNaming, ManifestChoice, TargetId } from '../../engine/appliance/plan-types';
import { DISK_EXTENSION } from '../../engine/appliance/plan-defaults';
import type { ApplianceReport } from '../../engine/appliance/report';
import type { OutputFormat } from '../../engine/disk/disk-writer';
import { diskFormatFor, TARGET_PROFILES } from '../../engine/ovf/profiles';
import type { TargetProfile } from '../../engine/ovf/profiles/profile-types';

/** Everything the Choose screen decides; becomes a ConvertRequest. */
export interface Choices {
  target: TargetId;
  container: Container;
  format: OutputFormat;
  /** `auto`: what the target's profile and the guest's kernel imply. */
  names: DeviceNaming | 'auto';
  pv: boolean;
  manifest: ManifestChoice;
  /** Guest repair: plan the fixups the target needs (each one can still be switched off in Review). */
  fix: boolean;
  /** Source network → target network name. */
  networks: Record<string, string>;
  /** The package's base name (no extension). */
  outputName: string;
}

export const DEFAULT_TARGET: TargetId = 'vmware';

export function profileOf(target: TargetId): TargetProfile {
  return TARGET_PROFILES[target];
}

/** The containers offered for a target and an appliance: the profile's, plus a bare disk for a one-disk input. */
export function containersFor(target: TargetId, report: ApplianceReport): Container[] {
  const offered: Container[] = [...profileOf(target).containers];
  if (report.virtualSystems.length > 1) return offered.filter((c) => c !== 'xva');
  if (readableDisks(report) === 1) offered.push('disk');
  return offered;
}

/** Disk formats the target imports: its default first. */
export function formatsFor(target: TargetId): OutputFormat[] {
  const { disk } = profileOf(target);
  return [disk.format, ...disk.alternatives.filter((f) => f !== disk.format), ...(disk.efiFormat && disk.efiFormat !== disk.format && !disk.alternatives.includes(disk.efiFormat) ? [disk.efiFormat] : [])];
}

/** Sensible defaults for a target, for this appliance. */
export function defaultChoices(target: TargetId, report: ApplianceReport): Choices {
  const profile = profileOf(target);
  const firmware = report.virtualSystems[0]?.firmware ?? null;
  const containers = containersFor(target, report);
  return {
    target,
    container: containers.includes(profile.container) ? profile.container : containers[0]!,
    format: diskFormatFor(profile, firmware),
    names: 'auto',
    pv: target === 'xenserver-pv',
    manifest: profile.manifest,
    fix: true,
    networks: Object.fromEntries(sourceNetworks(report).map((name) => [name, name])),
    outputName: `${baseNameOf(report.input)}-${target}`,
  };
}

/** Switching target resets what depends on it and keeps the rest (name, networks, repair). */
export function retarget(choices: Choices, target: TargetId, report: ApplianceReport): Choices {
  const fresh = defaultChoices(target, report);
  return { ...fresh, fix: choices.fix, networks: choices.networks, outputName: choices.outputName.replace(new RegExp(`-${choices.target}$`), `-${target}`) };
}

/** The networks the appliance declares or its adapters use, each once. */
export function sourceNetworks(report: ApplianceReport): string[] {
  const names = [...report.networks.map((n) => n.name), ...(report.virtualSystems[0]?.nics.map((n) => n.network ?? '') ?? [])];
  return names.filter((name, i) => name !== '' && names.indexOf(name) === i);
}

/** The output file (or folder) name for the chosen container. */
export function outputFileName(choices: Choices): string {
  switch (choices.container) {
    case 'disk':
      return `${choices.outputName}.${DISK_EXTENSION[choices.format]}`;
    case 'ovf':
      return choices.outputName;
    default:
      return `${choices.outputName}.${choices.container}`;
  }
}

export function toRequest(choices: Choices): ConvertRequest {
  const profile = profileOf(choices.target);
  const request: ConvertRequest = {
    target: choices.target,
    container: choices.container,
    outputName: choices.container === 'ovf' ? `${choices.outputName}.ovf` : outputFileName(choices),
    manifest: choices.manifest,
    networkMap: { ...choices.networks },
    fix: choices.fix,
    pv: choices.pv,
  };
  if (choices.format !== profile.disk.format) request.format = choices.format;
  if (choices.names !== 'auto') request.names = choices.names;
  return request;
}

/** A name safe for every file system the output may land on. */
export function safeName(name: string): string {
  return name.replace(/[\\/:*?"<>|\x00-\x1f]/g, '_').replace(/^\.+/, '').trim().slice(0, 120) || 'appliance';
}

function baseNameOf(input: string): string {
  return safeName(input.replace(/^.*\//, '').replace(/\.(ova|ovf|xva|vmdk|vhdx?|avhd|qcow2|vdi|img|raw)$/i, ''));
}

function readableDisks(report: ApplianceReport): number {
  return report.diskImages.filter((image) => image.problem === null).length;
}
