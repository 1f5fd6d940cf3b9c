import type { ManifestChoice } from '../../appliance/plan-types';
import type { Firmware } from '../../appliance/report';
import type { Envelope, VirtualSystem } from '../model';
import { allSections, allVirtualSystems, sectionsOfKind } from '../model-walk';
import { namespaceFamily, OVF_1_NAMESPACE, OVF_2_NAMESPACE } from '../namespaces';
import type { TargetProfile } from '../profiles/profile-types';
import { describeVirtualSystems } from '../report';
import { itemRole, parseHostResource } from '../resource-types';
import { findFirmware } from '../vendor-extensions';
import { applyConfiguration } from './deployment-options';
import { rewriteFiles } from './disk-files';
import { expressFirmware } from './firmware';
import { chooseHardwareSection, normaliseCpuAndMemory, tidyItems, translateOtherItems, translateSystemSettings } from './hardware-items';
import { mapNetworks } from './networks';
import { translateNics, type NicPlacement } from './nics';
import { guestOsOf, translateOperatingSystem } from './operating-system';
import { applySectionPolicy } from './section-policy';
import { itemLabel, setPropertyValues } from './item-edit';
import { diskIdOf, placeStorage, tidyDevice, type DiskPlacement } from './storage';
import type { SystemContext } from './system-context';
import type { TranslatedSystem, TranslateOptions, Translation } from './translate-types';
import { TranslationLog } from './translation-log';
import { VendorFilter } from './vendor-content';

export { setFileSizes } from './disk-files';

/**
 * Translates a descriptor for a target (issue 4): a new Envelope (the input is never modified) in the target's
 * OVF dialect, with its hardware family, OS identifiers, controllers and NICs, firmware statement, vendor content
 * and files, plus what was decided, dropped and worth a warning. The steps, in order:
 * deployment options, networks, then per virtual system hardware (family, OS, CPU and memory, storage, NICs,
 * other devices, CIM properties, firmware), then References/DiskSection for the new disk files, vendor
 * extensions, and sections.
 */
export function translateEnvelope(source: Envelope, profile: TargetProfile, options: TranslateOptions): Translation {
  const log = new TranslationLog();
  const envelope = structuredClone(source);
  const version = outputVersion(source, profile, options);
  if (profile.deploymentOptions === 'resolve') applyConfiguration(envelope, options.configuration, log);
  else if (options.configuration !== undefined) markDefaultConfiguration(envelope, options.configuration, log);
  mapNetworks(envelope, options.networkMap ?? {}, log);
  const extraFiles = options.extraFiles ?? [];
  const keptFiles = new Set(extraFiles.map((f) => f.fileId));
  const disks = sectionsOfKind(allSections(envelope), 'DiskSection').flatMap((s) => s.disks);
  const diskIds = new Set(disks.map((d) => d.diskId));
  const bootable = disks.find((d) => d.attributes.some((a) => a.local === 'isBootable' && namespaceFamily(a.namespace) === 'xenovf' && a.value.trim() === 'true'));
  const drafts: Draft[] = [];
  for (const system of allVirtualSystems(envelope)) {
    drafts.push(translateSystem(system, profile, options, { version, keptFiles, diskIds, bootDiskId: bootable?.diskId ?? null }, log));
  }
  rewriteFiles(envelope, options.diskFiles, extraFiles, log);
  emptyDanglingFileReferences(envelope, log);
  new VendorFilter(profile, log).envelope(envelope);
  applySectionPolicy(envelope, profile, version, log);
  envelope.version = version;
  envelope.namespace = version === '2.0' ? OVF_2_NAMESPACE : OVF_1_NAMESPACE;
  envelope.encoding = 'UTF-8';
  envelope.declaredEncoding = 'UTF-8';
  envelope.comments = [];
  const manifest: ManifestChoice = options.manifest ?? profile.manifest;
  log.decide(`Manifest: ${manifest === 'none' ? 'none' : manifest.toUpperCase()}${options.manifest ? '' : ` (what ${profile.label} verifies)`}`);
  return { envelope, decisions: log.decisions, dropped: log.dropped, warnings: log.warnings, systems: summarise(envelope, drafts), manifest };
}

interface Shared {
  version: '1.0' | '2.0';
  keptFiles: ReadonlySet<string>;
  diskIds: ReadonlySet<string>;
  bootDiskId: string | null;
}

interface Draft {
  id: string;
  firmware: Firmware | null;
  os: SystemContext['os'];
  disks: DiskPlacement[];
  nics: NicPlacement[];
  coresPerSocket: number | null;
}

function translateSystem(system: VirtualSystem, profile: TargetProfile, options: TranslateOptions, shared: Shared, log: TranslationLog): Draft {
  const where = `VirtualSystem '${system.id}'`;
  // Firmware and OS are read before anything is dropped (vbox:Machine and vendor settings carry them).
  const firmware = findFirmware(system).firmware ?? options.firmware ?? null;
  if (firmware === null) log.decide(`${where}: the descriptor states no firmware; the target will use BIOS`);
  const os = guestOsOf(system, options.osHint);
  const hardware = chooseHardwareSection(system, profile, where, log);
  const coresPerSocket = hardware.items.find((i) => i.resourceType === 3)?.coresPerSocket ?? null;
  const ctx: SystemContext = {
    system,
    hardware,
    profile,
    os,
    firmware: firmware ?? 'bios',
    keptFiles: shared.keptFiles,
    bootDiskId: shared.bootDiskId,
    where,
    log,
  };
  const fromSameVendor = sameVendor(hardware.system?.virtualSystemTypes ?? [], profile);
  translateSystemSettings(ctx);
  translateOperatingSystem(system, os, profile, where, log);
  normaliseCpuAndMemory(ctx, fromSameVendor);
  let disks: DiskPlacement[];
  let nics: NicPlacement[] = [];
  if (profile.hardware === 'translate') {
    disks = placeStorage(ctx, shared.diskIds);
    for (const device of hardware.items.filter((i) => itemRole(i) === 'disk' || itemRole(i) === 'cdrom')) tidyDevice(ctx, device, shared.diskIds);
    nics = translateNics(ctx);
    translateOtherItems(ctx);
  } else {
    disks = describeKeptDisks(ctx, shared.diskIds);
  }
  tidyItems(ctx, shared.version === '2.0');
  expressFirmware(ctx, firmware);
  if (profile.hardware === 'keep') nics = describeKeptNics(ctx);
  return { id: system.id, firmware, os, disks, nics, coresPerSocket };
}

function outputVersion(source: Envelope, profile: TargetProfile, options: TranslateOptions): '1.0' | '2.0' {
  if (profile.hardware === 'keep') return options.ovfVersion ?? (source.version.startsWith('2.') ? '2.0' : '1.0');
  return profile.ovfVersion;
}

/** Hardware families by vendor: a source of the target's own vendor keeps its resource controls. */
function sameVendor(types: readonly string[], profile: TargetProfile): boolean {
  if (profile.hardware === 'keep') return true;
  const family = (type: string): string =>
    /^vmx-/i.test(type) ? 'vmware' : /^virtualbox/i.test(type) ? 'virtualbox' : /^(xen|hvm)-|xen/i.test(type) ? 'xen' : /hyper-v/i.test(type) ? 'hyperv' : type;
  const target = family(profile.virtualSystemType);
  return types.some((t) => family(t) === target);
}

/** Items that name a file the package no longer carries (an ISO left behind) lose that backing: the drive is empty. */
function emptyDanglingFileReferences(envelope: Envelope, log: TranslationLog): void {
  const files = new Set(envelope.references.map((f) => f.id));
  for (const system of allVirtualSystems(envelope)) {
    for (const hardware of sectionsOfKind(system.sections, 'VirtualHardwareSection')) {
      for (const item of hardware.items) {
        const kept = item.hostResources.filter((h) => {
          const ref = parseHostResource(h);
          return ref?.kind !== 'file' || files.has(ref.id);
        });
        if (kept.length === item.hostResources.length) continue;
        log.drop(`VirtualSystem '${system.id}': the image in ${itemLabel(item)} (the package does not carry it; the drive is left empty)`);
        setPropertyValues(item, 'HostResource', kept);
      }
    }
  }
}

/** For targets that keep deployment options, the one the user picked becomes the default the importer offers. */
function markDefaultConfiguration(envelope: Envelope, chosen: string, log: TranslationLog): void {
  const configurations = sectionsOfKind(envelope.sections, 'DeploymentOptionSection').flatMap((s) => s.configurations);
  if (!configurations.some((c) => c.id === chosen)) {
    log.warn(`Deployment option '${chosen}' is not one the descriptor offers; the descriptor's default stays`);
    return;
  }
  for (const c of configurations) c.isDefault = c.id === chosen;
  log.decide(`Deployment option '${chosen}' is the default the importer offers`);
}

/** The generic profile leaves disks where they are; their HostResource is written the DSP0243 way (`ovf:/disk/`). */
function describeKeptDisks(ctx: SystemContext, diskIds: ReadonlySet<string>): DiskPlacement[] {
  const disks = ctx.hardware.items.filter((i) => itemRole(i) === 'disk');
  for (const disk of disks) {
    const diskId = diskIdOf(disk, diskIds);
    if (diskId !== null && disk.hostResources.some((h) => h !== `ovf:/disk/${diskId}`)) {
      setPropertyValues(disk, 'HostResource', [`ovf:/disk/${diskId}`]);
    }
  }
  const boot = disks.find((d) => diskIdOf(d, diskIds) === ctx.bootDiskId) ?? disks[0];
  return disks.flatMap((disk) => {
    const diskId = diskIdOf(disk, diskIds);
    if (diskId === null) return [];
    const parent = ctx.hardware.items.find((i) => i.instanceId !== null && i.instanceId === disk.parent);
    const bus = parent?.resourceType === 5 ? 'ide' : parent?.resourceType === 6 ? 'scsi' : parent?.resourceType === 20 ? 'sata' : 'ide';
    return [{ diskId, bus, controller: parent?.instanceId ?? '', address: Number(disk.addressOnParent ?? 0), boot: disk === boot, guestPrefix: 'sd' }];
  });
}

function describeKeptNics(ctx: SystemContext): NicPlacement[] {
  return ctx.hardware.items
    .filter((i) => itemRole(i) === 'nic')
    .map((nic) => ({
      instanceId: nic.instanceId ?? '',
      model: 'e1000',
      resourceSubType: nic.resourceSubType ?? '',
      network: nic.connections[0] ?? null,
      mac: nic.address,
    }));
}

function summarise(envelope: Envelope, drafts: readonly Draft[]): TranslatedSystem[] {
  const reports = describeVirtualSystems(envelope);
  const files = new Map(envelope.references.map((f) => [f.id, f.href] as const));
  const diskSection = sectionsOfKind(allSections(envelope), 'DiskSection').flatMap((s) => s.disks);
  return drafts.map((draft) => {
    const report = reports.find((r) => r.id === draft.id);
    return {
      id: draft.id,
      name: report?.name ?? draft.id,
      cpus: report?.cpus ?? null,
      coresPerSocket: draft.coresPerSocket,
      memoryBytes: report?.memoryBytes ?? null,
      firmware: draft.firmware,
      os: draft.os,
      disks: draft.disks.map((placement) => {
        const disk = diskSection.find((d) => d.diskId === placement.diskId);
        return {
          ...placement,
          fileId: disk?.fileRef ?? '',
          href: disk?.fileRef ? (files.get(disk.fileRef) ?? '') : '',
          capacityBytes: disk?.capacityBytes ?? 0,
        };
      }),
      nics: draft.nics,
      hypervGeneration: draft.firmware === 'efi' ? 2 : 1,
    };
  });
}
