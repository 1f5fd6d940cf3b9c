import type { OutputFormat, WriterOptions } from '../disk/disk-writer';
import type { VirtualDisk } from '../disk/virtual-disk';
import { VmferryError } from '../errors';
import { readExact } from '../io/byte-source';
import type { Envelope } from '../ovf/model';
import { readOvf } from '../ovf/read-ovf';
import { buildEnvelope, translateEnvelope, type SystemSpec, type Translation } from '../ovf/translate';
import type { HelperVm } from '../helpers/helper-vm';
import { defaultKernel } from '../guest/initrd/driver-check';
import { emulatedNicReason } from '../guest/initrd/network-drivers';
import type { Appliance } from './appliance';
import { noReadableDiskError } from './no-readable-disk';
import { xvaDetailsOf } from './open-xva';
import { DISK_EXTENSION, targetBasics, type TargetBasics } from './plan-defaults';
import type { ConvertRequest } from './plan-types';
import type { VirtualSystemReport } from './report';

/** One disk the conversion writes: the live source and the file it becomes. */
export interface PreparedDisk {
  source: string;
  disk: VirtualDisk;
  /** The source's id in the descriptor (`ovf:diskId`), or its name for XVA and bare disks. */
  diskId: string;
  output: string;
  format: OutputFormat;
  options: WriterOptions;
}

/** Everything plan and run derive from (appliance, request), computed the same way by both. */
export interface Prepared {
  basics: TargetBasics;
  baseName: string;
  disks: PreparedDisk[];
  system: VirtualSystemReport | null;
  /** The translated descriptor, for OVF/OVA outputs. */
  translation: Translation | null;
  manifest: 'sha256' | 'sha1' | null;
  helperVm: HelperVm | null;
  networks: { source: string; target: string }[];
  decisions: string[];
  dropped: string[];
  warnings: string[];
}

export interface PrepareOptions {
  /**
   * Whether the guest lacks the target's paravirtual NIC driver (Hyper-V hv_netvsc, KVM virtio_net), so the
   * import helper gives it emulated NICs. By default decided from the appliance's guest report, when there is one.
   */
  guestLacksSyntheticNic?: boolean;
}

export async function prepareConversion(appliance: Appliance, request: ConvertRequest, options: PrepareOptions = {}): Promise<Prepared> {
  const basics = targetBasics(request.target);
  const baseName = request.outputName.replace(/^.*[\\/]/, '').replace(/\.(ova|ovf|xva)$/i, '') || 'appliance';
  const decisions: string[] = [];
  const warnings: string[] = [];
  const system = appliance.report.virtualSystems[0] ?? null;
  if (appliance.report.virtualSystems.length > 1 && request.container === 'xva') {
    throw new VmferryError('unsupported', `An XVA holds one VM; ${appliance.report.input} has ${appliance.report.virtualSystems.length}`, {
      file: appliance.report.input,
      hint: 'Write an OVA or an OVF folder instead.',
    });
  }
  const format = request.format ?? basics.format;
  const diskOptions = request.format && request.format !== basics.format ? {} : basics.options;
  const sources = await sourceDisks(appliance);
  if (sources.length === 0) {
    throw noReadableDiskError(appliance.report);
  }
  if (request.container === 'disk' && sources.length > 1) {
    throw new VmferryError('usage', `${appliance.report.input} holds ${sources.length} disks; write a package (.ova, .ovf, .xva) to keep them all`);
  }
  const disks = sources.map((source, index) => ({
    ...source,
    output:
      request.container === 'disk'
        ? request.outputName
        : request.container === 'xva'
          ? `${request.outputName} (disk ${index + 1}, 1 MiB chunks)`
          : `${baseName}-disk${index + 1}.${DISK_EXTENSION[format]}`,
    format: request.container === 'xva' ? ('raw' as const) : format,
    options: diskOptions,
  }));
  if (request.container !== 'xva') decisions.push(`Disks as ${format}${request.format ? ' (asked for)' : ` (what ${request.target} imports)`}`);
  else decisions.push('Disks as XVA 1 MiB chunks with SHA-1 .checksum members (accepted by every XenServer and XCP-ng)');

  const networks = (appliance.report.networks.map((n) => n.name).concat(system?.nics.map((n) => n.network ?? '') ?? []))
    .filter((name, i, all) => name !== '' && all.indexOf(name) === i)
    .map((source) => ({ source, target: request.networkMap?.[source] ?? source }));
  for (const wanted of Object.keys(request.networkMap ?? {})) {
    if (!networks.some((n) => n.source === wanted)) warnings.push(`--network ${wanted}=...: the appliance has no network named "${wanted}"`);
  }
  const networkMap = Object.fromEntries(networks.map((n) => [n.source, n.target]));

  let translation: Translation | null = null;
  if (request.container === 'ova' || request.container === 'ovf') {
    const envelope = (await sourceEnvelope(appliance)) ?? buildEnvelope([systemSpec(system, disks, baseName)]);
    if (!basics.profile) throw new VmferryError('unsupported', `No target profile for ${request.target}`);
    translation = translateEnvelope(envelope, basics.profile, {
      diskFiles: disks.map((d) => ({ diskId: d.diskId, href: d.output, format: d.format, capacityBytes: d.disk.virtualSize, size: null })),
      networkMap,
      manifest: request.manifest,
    });
  }
  const manifestChoice = request.container === 'ova' || request.container === 'ovf' ? (request.manifest ?? translation?.manifest ?? basics.manifest) : 'none';
  const nicReason = emulatedNicReason(appliance.report.guest ? defaultKernel(appliance.report.guest) : null, request.target);
  const legacyNic = options.guestLacksSyntheticNic ?? nicReason !== null;
  const helperVm = buildHelperVm(request, system, disks, translation, networkMap, legacyNic, appliance);
  const certificate = appliance.report.manifest?.certificate;
  if (certificate) decisions.push(`${certificate} is not carried over: the output has a new manifest, which only the original signer could sign`);
  if (legacyNic && basics.helper !== 'none') decisions.push(nicReason ?? 'NICs: emulated adapters, as asked (the guest lacks the paravirtual NIC driver)');
  return {
    basics,
    baseName,
    disks,
    system,
    translation,
    manifest: manifestChoice === 'none' ? null : manifestChoice,
    helperVm,
    networks,
    decisions: [...decisions, ...(translation?.decisions ?? [])],
    dropped: translation?.dropped ?? [],
    warnings: [...warnings, ...(translation?.warnings ?? [])],
  };
}

/** The source disks in the order the VM uses them (boot disk first), with the id the descriptor gives each. */
async function sourceDisks(appliance: Appliance): Promise<{ source: string; disk: VirtualDisk; diskId: string }[]> {
  const out: { source: string; disk: VirtualDisk; diskId: string }[] = [];
  const system = appliance.report.virtualSystems[0];
  for (const item of system?.disks ?? []) {
    const disk = item.fileName ? appliance.disks.get(item.fileName) : undefined;
    if (disk && item.fileName && !out.some((d) => d.source === item.fileName)) out.push({ source: item.fileName, disk, diskId: item.diskId ?? item.fileName });
  }
  for (const [name, disk] of appliance.disks) {
    if (!out.some((d) => d.source === name)) out.push({ source: name, disk, diskId: name });
  }
  return out;
}

/** The descriptor of an OVA or OVF input, read again from the package (the Appliance keeps its report only). */
async function sourceEnvelope(appliance: Appliance): Promise<Envelope | null> {
  if (appliance.kind !== 'ova' && appliance.kind !== 'ovf') return null;
  const name = appliance.report.files.find((file) => file.role === 'descriptor')?.name;
  const source = name ? appliance.files.get(name) : undefined;
  if (!source) return null;
  return readOvf(await readExact(source, 0, source.size, 'descriptor'), source.name).envelope;
}

function systemSpec(system: VirtualSystemReport | null, disks: readonly PreparedDisk[], baseName: string): SystemSpec {
  return {
    id: system?.id ?? 'vm',
    name: system?.name ?? baseName,
    ...(system?.os?.description ? { os: { description: system.os.description } } : {}),
    cpus: system?.cpus ?? 1,
    memoryBytes: system?.memoryBytes ?? 1024 * 1024 * 1024,
    firmware: system?.firmware ?? null,
    disks: disks.map((d) => ({ diskId: d.diskId, capacityBytes: d.disk.virtualSize })),
    nics: (system?.nics ?? []).map((nic) => ({ network: nic.network ?? 'VM Network', mac: nic.mac })),
    ...(system?.annotation ? { annotation: system.annotation } : {}),
  };
}

function buildHelperVm(
  request: ConvertRequest,
  system: VirtualSystemReport | null,
  disks: readonly PreparedDisk[],
  translation: Translation | null,
  networkMap: Record<string, string>,
  legacyNic: boolean,
  appliance: Appliance,
): HelperVm {
  const translated = translation?.systems[0];
  const xva = xvaDetailsOf(appliance)?.contents.vms[0];
  const pvSource = xva?.bootMode === 'pv' ? { bootloader: xva.pvBootloader || 'pygrub', args: xva.pvArgs } : null;
  const bus = request.target === 'kvm' ? 'virtio' : request.target === 'hyperv' ? 'ide' : 'xen';
  return {
    name: system?.name ?? disks[0]?.output ?? 'vm',
    description: system?.annotation ?? '',
    cpus: translated?.cpus ?? system?.cpus ?? 1,
    memoryBytes: translated?.memoryBytes ?? system?.memoryBytes ?? 1024 * 1024 * 1024,
    firmware: translated?.firmware ?? system?.firmware ?? 'bios',
    disks: disks.map((d) => ({
      file: d.output,
      format: d.format.startsWith('vhd') && d.format !== 'vhdx' ? 'vhd' : d.format,
      capacityBytes: d.disk.virtualSize,
      bus: translated?.disks.find((t) => t.href === d.output)?.bus ?? bus,
    })),
    nics: (system?.nics ?? []).map((nic) => ({ network: nic.network ? (networkMap[nic.network] ?? nic.network) : null, mac: nic.mac })),
    legacyNic,
    pv: request.target === 'xenserver-pv' || request.pv ? (pvSource ?? { bootloader: 'pygrub', args: 'console=hvc0' }) : null,
  };
}

