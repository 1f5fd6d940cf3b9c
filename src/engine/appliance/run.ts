import { copyDisk } from '../disk/copy';
import { OverlayDisk } from '../disk/overlay';
import type { VirtualDisk } from '../disk/virtual-disk';
import { VmferryError, throwIfAborted } from '../errors';
import { CountingSink, type ByteSink } from '../io/byte-sink';
import { setFileSizes } from '../ovf/translate';
import { writeOvf } from '../ovf/write/write-ovf';
import { hypervScript } from '../helpers/hyperv-powershell';
import type { HelperFile } from '../helpers/helper-vm';
import { libvirtDomainXml } from '../helpers/libvirt-xml';
import { xeScript } from '../helpers/xe-commands';
import { writeOvfFolder } from '../package/folder-writer';
import { writeOva } from '../package/ova-writer';
import { bytesSource, type PackageContent, type PackageProgress, type WrittenFile } from '../package/package-content';
import { progressOf } from '../package/disk-output';
import { writeXva } from '../xva/write-xva';
import type { XvaVmSpec } from '../xva/ova-xml-write';
import type { Appliance } from './appliance';
import type { OutputTarget } from './output-target';
import { helperName } from './plan';
import { prepareConversion, type PrepareOptions, type Prepared } from './plan-prepare';
import type { GuestEdit, Plan } from './plan-types';

export interface RunOptions extends PrepareOptions {
  signal?: AbortSignal;
  /** Per file and phase: bytes done, total and rate. */
  onProgress?: (progress: PackageProgress) => void;
  /**
   * Guest repair: writes the enabled edits into the overlays (one per source disk, by source name). Without it,
   * a plan with enabled edits is refused rather than silently converted unrepaired.
   */
  applyGuestEdits?: (overlays: ReadonlyMap<string, OverlayDisk>, edits: readonly GuestEdit[]) => Promise<void>;
}

export interface RunResult {
  files: WrittenFile[];
  seconds: number;
}

/**
 * Executes a plan: writes the package (OVA, OVF folder, XVA) or the single disk into the target. A failure or
 * a cancel leaves nothing: a file sink is aborted (its partial file removed), a folder target discards every
 * file it created.
 */
export async function runPlan(appliance: Appliance, plan: Plan, target: OutputTarget, options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  try {
    const prepared = await prepareConversion(appliance, withPlanChoices(plan), options);
    adoptPlanDisks(prepared, plan);
    await applyEdits(prepared, plan, options);
    throwIfAborted(options.signal);
    const files = await write(prepared, plan, target, options);
    return { files, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    if (target.kind === 'folder') await target.discard().catch(() => undefined);
    else await target.sink.abort(error).catch(() => undefined);
    throw error;
  }
}

/** The user may have changed the network mapping in the plan; the request is rebuilt with it. */
function withPlanChoices(plan: Plan): Plan['request'] {
  return { ...plan.request, networkMap: Object.fromEntries(plan.networks.map((n) => [n.source, n.target])) };
}

/** Formats the user set per disk in the plan win over the request's. */
function adoptPlanDisks(prepared: Prepared, plan: Plan): void {
  for (const disk of prepared.disks) {
    const planned = plan.disks.find((d) => d.source === disk.source);
    if (planned) Object.assign(disk, { format: planned.format, options: planned.options, output: planned.output });
  }
}

async function applyEdits(prepared: Prepared, plan: Plan, options: RunOptions): Promise<void> {
  const edits = plan.guestEdits.filter((edit) => edit.enabled);
  if (edits.length === 0) return;
  if (!options.applyGuestEdits) throw new VmferryError('usage', `The plan has ${edits.length} guest edit(s) but no guest repair to apply them`);
  const overlays = new Map(prepared.disks.map((d) => [d.source, new OverlayDisk(d.disk)]));
  await options.applyGuestEdits(overlays, edits);
  for (const disk of prepared.disks) disk.disk = overlays.get(disk.source)!;
}

async function write(prepared: Prepared, plan: Plan, target: OutputTarget, options: RunOptions): Promise<WrittenFile[]> {
  const { container } = plan.request;
  if (container === 'ova' || container === 'ovf') {
    const content = packageContent(prepared, plan);
    if (container === 'ova') return writeOva(fileSink(target, 'an OVA'), content, options);
    if (target.kind !== 'folder') throw new VmferryError('usage', 'An OVF package is a folder of files; give a folder target');
    return writeOvfFolder(target, content, options);
  }
  if (container === 'xva') {
    const sink = new CountingSink(fileSink(target, 'an XVA'));
    const disks = prepared.disks.map((d) => d.disk);
    const report = progressOf(sink.name, options.onProgress);
    await writeXva(sink, xvaSpec(prepared), disks, { signal: options.signal, onProgress: (done, total) => report('write', done, total) });
    return [{ name: sink.name, size: sink.bytesWritten, digest: null }];
  }
  const [disk] = prepared.disks;
  const sink = fileSink(target, 'a disk');
  const report = progressOf(sink.name, options.onProgress);
  const result = await copyDisk(disk!.disk, disk!.format, sink, { ...disk!.options, signal: options.signal, onProgress: (p) => report(p.phase, p.done, p.total) });
  return [{ name: sink.name, size: result.outputBytes, digest: null }];
}

function fileSink(target: OutputTarget, what: string): ByteSink {
  if (target.kind !== 'file') throw new VmferryError('usage', `${what} is one file; give a file target`);
  return target.sink;
}

function packageContent(prepared: Prepared, plan: Plan): PackageContent {
  const translation = prepared.translation!;
  const extras = helperFiles(prepared, plan).map((file) => {
    const bytes = new TextEncoder().encode(file.text);
    return { name: file.name, size: bytes.length, chunks: bytesSource(bytes), referenced: false };
  });
  return {
    descriptorName: `${prepared.baseName}.ovf`,
    descriptor: (sizes) =>
      writeOvf(setFileSizes(translation.envelope, prepared.disks.map((d) => ({ href: d.output, size: sizes.get(d.output)! })))),
    disks: prepared.disks.map((d) => ({ href: d.output, disk: d.disk as VirtualDisk, format: d.format, options: d.options })),
    extras,
    manifest: prepared.manifest ? { name: `${prepared.baseName}.mf`, algorithm: prepared.manifest } : null,
  };
}

function helperFiles(prepared: Prepared, plan: Plan): HelperFile[] {
  const name = helperName(plan.request, prepared.basics.helper);
  if (!name || !prepared.helperVm) return [];
  switch (prepared.basics.helper) {
    case 'hyperv-powershell':
      return [hypervScript(prepared.helperVm, name)];
    case 'xe':
      return [xeScript(prepared.helperVm, { scriptName: name })];
    case 'libvirt-xml':
      return [libvirtDomainXml(prepared.helperVm, name)];
    default:
      return [];
  }
}

function xvaSpec(prepared: Prepared): XvaVmSpec {
  const vm = prepared.helperVm!;
  return {
    name: vm.name,
    description: vm.description,
    vcpus: vm.cpus,
    memoryBytes: vm.memoryBytes,
    boot: vm.pv ? { mode: 'pv', bootloader: vm.pv.bootloader, args: vm.pv.args } : { mode: 'hvm', firmware: vm.firmware },
    disks: prepared.disks.map((d, i) => ({ name: `${vm.name} ${i}`, virtualSize: d.disk.virtualSize, userdevice: String(i), bootable: i === 0 })),
    nics: vm.nics.map((nic, i) => ({ device: String(i), mac: nic.mac ?? '', network: nic.network ?? 'Pool-wide network associated with eth0' })),
  };
}
