import { access, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { planConversion } from '../../engine/appliance/plan';
import { runPlan } from '../../engine/appliance/run';
import { checkManifest } from '../../engine/appliance/check-manifest';
import type { Appliance } from '../../engine/appliance/appliance';
import { noReadableDiskError } from '../../engine/appliance/no-readable-disk';
import type { ApplianceReport } from '../../engine/appliance/report';
import { applyGuestRepair, proposeGuestEdits } from '../../engine/appliance/guest-repair';
import { TARGET_IDS, type Container, type ConvertRequest, type DeviceNaming, type ManifestChoice, type Plan, type TargetId } from '../../engine/appliance/plan-types';
import { nodeFolderTarget } from '../node-folder-target';
import { openAppliance } from '../../engine/appliance/open';
import { copyDisk, planDiskCopy, type CopyProgress } from '../../engine/disk/copy';
import { OUTPUT_FORMATS, type OutputFormat } from '../../engine/disk/disk-writer';
import type { VirtualDisk } from '../../engine/disk/virtual-disk';
import { VmferryError } from '../../engine/errors';
import { UsageError, parseCommandLine, type CommandSpec } from '../args';
import { NodeFileSink } from '../node-file-sink';
import { nodeFileSet } from '../node-file-set';
import { formatBytes, stderrProgress } from '../progress';

export const convertSpec: CommandSpec = {
  name: 'convert',
  positionals: ['INPUT', 'OUTPUT'],
  flags: {
    format: { value: true, choices: OUTPUT_FORMATS },
    target: { value: true, choices: TARGET_IDS },
    manifest: { value: true, choices: ['sha256', 'sha1', 'none'] },
    'dry-run': {},
    compress: {},
    fix: {},
    names: { value: true, choices: ['sd', 'hd', 'xvd', 'vd', 'uuid'] },
    pv: {},
  },
};

/** The disk format an output file name implies (DESIGN.md: `.vmdk` → streamOptimized, `.vhd` → dynamic, ...). */
const FORMAT_BY_EXTENSION: Record<string, OutputFormat> = {
  vmdk: 'vmdk',
  vhd: 'vhd',
  vhdx: 'vhdx',
  qcow2: 'qcow2',
  vdi: 'vdi',
  img: 'raw',
  raw: 'raw',
};

const PACKAGE_EXTENSIONS = new Set(['ova', 'ovf', 'xva']);

/**
 * `vmferry convert INPUT OUTPUT [--target T] [--format F] [--manifest sha256|sha1|none] [--network SRC=DST]...
 * [--compress] [--dry-run]`: OUTPUT's extension picks the container (.ova, .ovf folder, .xva, or one disk).
 */
export async function convert(rawArgs: readonly string[], signal?: AbortSignal): Promise<number> {
  const { args, networkMap } = takeNetworkFlags(rawArgs);
  const { positionals, flags } = parseCommandLine(convertSpec, args);
  const [inputPath, outputPath] = positionals as [string, string];
  const extension = outputPath.toLowerCase().split('.').pop() ?? '';
  // Guest repair runs through the plan, which writes a single disk as readily as a package.
  const repairs = flags.has('fix') || flags.has('names') || flags.has('pv');
  if (PACKAGE_EXTENSIONS.has(extension) || flags.has('target') || repairs) {
    return convertPackage(inputPath, outputPath, extension, flags, networkMap, signal);
  }
  const format = (flags.get('format') as OutputFormat | undefined) ?? FORMAT_BY_EXTENSION[extension];
  if (!format) throw new UsageError(`convert: cannot tell the disk format from "${outputPath}"; give --format (${OUTPUT_FORMATS.join(', ')})`);

  const { files, close } = await nodeFileSet(inputPath);
  try {
    const appliance = await openAppliance(files, { signal });
    const [name, disk] = singleDisk(appliance.disks, appliance.report, inputPath);
    if (flags.has('dry-run')) return await printPlan(disk, name, format, outputPath, signal);
    await refuseOverwritingInput(outputPath, files.entries.map((entry) => entry.name), inputPath);
    const progress = progressPrinter();
    const result = await copyDisk(disk, format, await NodeFileSink.create(outputPath), {
      onProgress: progress.update,
      signal,
      compress: flags.has('compress'),
    });
    progress.done();
    process.stdout.write(`${outputPath}: ${format}, virtual size ${formatBytes(disk.virtualSize)}, ${result.outputBytes} bytes written\n`);
    return 0;
  } finally {
    await close();
  }
}

function singleDisk(disks: Map<string, VirtualDisk>, report: ApplianceReport, input: string): [string, VirtualDisk] {
  const entries = [...disks];
  if (entries.length === 1) return entries[0]!;
  if (entries.length === 0) throw noReadableDiskError(report);
  throw new UsageError(`convert: ${input} holds ${entries.length} disks (${entries.map(([n]) => n).join(', ')}); converting one of several into a single disk file is ambiguous`);
}

async function printPlan(disk: VirtualDisk, name: string, format: OutputFormat, outputPath: string, signal?: AbortSignal): Promise<number> {
  const progress = progressPrinter();
  const plan = await planDiskCopy(disk, format, { onProgress: progress.update, signal }, outputPath);
  progress.done();
  const size = plan.outputSize !== null ? `${plan.outputSize} bytes` : `unknown until compressed (at most about ${formatBytes(plan.dataBytes)} of data)`;
  process.stdout.write(
    [
      `Plan (dry run, nothing written):`,
      `  source       ${name}: ${disk.format}${disk.subformat ? ` ${disk.subformat}` : ''}, virtual size ${disk.virtualSize} bytes`,
      `  output       ${outputPath}: ${format}`,
      `  data to copy ${plan.dataBytes} bytes`,
      `  output size  ${size}`,
      '',
    ].join('\n'),
  );
  return 0;
}

/** The input is never modified: writing the output over one of the input files is refused. */
async function refuseOverwritingInput(outputPath: string, inputNames: string[], inputPath: string): Promise<void> {
  const output = await realpath(outputPath).catch(() => resolve(outputPath));
  const inputs = await Promise.all([inputPath, ...inputNames].map((path) => realpath(path).catch(() => resolve(path))));
  if (inputs.includes(output)) throw new UsageError(`convert: the output ${outputPath} is the input; VM Ferry never modifies its input`);
}

function progressPrinter() {
  const scan = stderrProgress('Scanning for data');
  const write = stderrProgress('Writing');
  let phase: CopyProgress['phase'] = 'scan';
  return {
    update(progress: CopyProgress) {
      if (progress.phase !== phase) {
        scan.done();
        phase = progress.phase;
      }
      (progress.phase === 'scan' ? scan : write).update({ done: progress.done, total: progress.total, file: null });
    },
    done() {
      scan.done();
      write.done();
    },
  };
}

/** `--network SRC=DST` may be given several times; the strict parser takes each flag once, so these go first. */
function takeNetworkFlags(args: readonly string[]): { args: string[]; networkMap: Record<string, string> } {
  const rest: string[] = [];
  const networkMap: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg !== '--network' && !arg.startsWith('--network=')) {
      rest.push(arg);
      continue;
    }
    const value = arg === '--network' ? args[++i] : arg.slice('--network='.length);
    const at = value?.indexOf('=') ?? -1;
    if (!value || at <= 0) throw new UsageError(`convert: --network needs SOURCE=TARGET (got "${value ?? ''}")`);
    networkMap[value.slice(0, at)] = value.slice(at + 1);
  }
  return { args: rest, networkMap };
}

const CONTAINER_BY_EXTENSION: Record<string, Container> = { ova: 'ova', ovf: 'ovf', xva: 'xva' };

async function convertPackage(
  inputPath: string,
  outputPath: string,
  extension: string,
  flags: Map<string, string | true>,
  networkMap: Record<string, string>,
  signal?: AbortSignal,
): Promise<number> {
  const container: Container = CONTAINER_BY_EXTENSION[extension] ?? 'disk';
  const request: ConvertRequest = {
    target: (flags.get('target') as TargetId | undefined) ?? (container === 'xva' ? 'xenserver' : 'ovf'),
    container,
    outputName: basename(outputPath),
    networkMap,
  };
  const format = (flags.get('format') as OutputFormat | undefined) ?? (container === 'disk' ? FORMAT_BY_EXTENSION[extension] : undefined);
  if (format) request.format = format;
  if (flags.has('manifest')) request.manifest = flags.get('manifest') as ManifestChoice;
  if (flags.has('compress')) request.format = request.format ?? 'qcow2';
  // --names and --pv say how to repair the guest, so they imply --fix.
  if (flags.has('fix') || flags.has('names') || flags.has('pv')) request.fix = true;
  if (flags.has('names')) request.names = flags.get('names') as DeviceNaming;
  if (flags.has('pv')) request.pv = true;
  const { files, close } = await nodeFileSet(inputPath);
  try {
    const appliance = await openAppliance(files, { signal });
    const plan = await planConversion(appliance, request, { proposeGuestEdits });
    if (flags.has('dry-run')) {
      process.stdout.write(formatPlan(plan, outputPath));
      return 0;
    }
    const folder = dirname(resolve(outputPath));
    const outputs = container === 'ovf' ? plan.files.map((f) => join(folder, f.name)) : [resolve(outputPath)];
    await refuseOverwritingInput(outputPath, files.entries.map((entry) => entry.name), inputPath);
    for (const path of outputs) {
      if (await access(path).then(() => true, () => false)) throw new UsageError(`convert: ${path} exists; remove it or choose another output name`);
    }
    for (const warning of plan.warnings) process.stderr.write(`vmferry: warning: ${warning}\n`);
    await reportInputManifest(appliance, signal);
    const target = container === 'ovf' ? nodeFolderTarget(folder) : { kind: 'file' as const, sink: await NodeFileSink.create(outputPath) };
    const progress = stderrProgress('Writing');
    const result = await runPlan(appliance, plan, target, {
      signal,
      applyGuestEdits: applyGuestRepair,
      onProgress: (p) => progress.update({ done: p.done, total: p.total, file: `${p.file} (${p.phase})` }),
    });
    progress.done();
    for (const file of result.files) process.stdout.write(`${file.name}: ${file.size} bytes\n`);
    process.stdout.write(`${outputPath}: ${request.target} ${container} written in ${result.seconds.toFixed(1)} s\n`);
    return 0;
  } finally {
    await close();
  }
}

/**
 * The input's own manifest is checked before converting. A mismatch does not stop the conversion (the user may
 * be migrating precisely because someone edited the descriptor), but it is reported, file by file; the output
 * always gets a new manifest that matches what was written.
 */
async function reportInputManifest(appliance: Appliance, signal?: AbortSignal): Promise<void> {
  const progress = stderrProgress('Checking the input manifest');
  const manifest = await checkManifest(appliance, { onProgress: progress.update, signal });
  progress.done();
  if (!manifest || manifest.ok) return;
  const problems = manifest.mismatches.map((m) => `  ${m.file}: ${m.problem === 'digest' ? 'digest differs' : m.problem}`);
  process.stderr.write(`vmferry: warning: ${manifest.file} does not match the input:\n${problems.join('\n')}\nThe output gets a new manifest for what is written.\n`);
}

/** The plan as `--dry-run` prints it: files and sizes, disks, networks, decisions, dropped items, warnings. */
export function formatPlan(plan: Plan, outputPath: string): string {
  const lines = [`Plan (dry run, nothing written): ${plan.input} -> ${outputPath} for ${plan.request.target} (${plan.request.container})`, 'Files, in write order:'];
  for (const file of plan.files) lines.push(`  ${file.name}  ${file.role}  ${file.size !== null ? `${file.size} bytes` : 'size known when written'}`);
  lines.push('Disks:');
  for (const disk of plan.disks) lines.push(`  ${disk.source} -> ${disk.output}  ${disk.format}, virtual size ${disk.virtualSize} bytes`);
  if (plan.networks.length) lines.push('Networks:', ...plan.networks.map((n) => `  ${n.source} -> ${n.target}`));
  if (plan.decisions.length) lines.push('Decisions:', ...plan.decisions.map((d) => `  ${d}`));
  if (plan.dropped.length) lines.push('Dropped:', ...plan.dropped.map((d) => `  ${d}`));
  if (plan.warnings.length) lines.push('Warnings:', ...plan.warnings.map((w) => `  ${w}`));
  if (plan.request.fix) {
    lines.push(plan.guestEdits.length ? `Guest edits (${plan.guestEdits.length}):` : 'Guest edits: none');
    for (const edit of plan.guestEdits) {
      lines.push(`  ${edit.path} on ${edit.filesystem}${edit.enabled ? '' : ' (switched off)'}:`, ...edit.reasons.map((r) => `    - ${r}`));
    }
  }
  const diffs = plan.guestEdits.map((edit) => edit.diff).join('');
  return `${lines.join('\n')}\n${diffs}`;
}
