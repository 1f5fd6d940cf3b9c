import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
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
  flags: { format: { value: true, choices: OUTPUT_FORMATS }, 'dry-run': {}, compress: {} },
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

/** `vmferry convert INPUT OUTPUT [--format F] [--compress] [--dry-run]`: one disk into another format. */
export async function convert(args: readonly string[], signal?: AbortSignal): Promise<number> {
  const { positionals, flags } = parseCommandLine(convertSpec, args);
  const [inputPath, outputPath] = positionals as [string, string];
  const extension = outputPath.toLowerCase().split('.').pop() ?? '';
  if (PACKAGE_EXTENSIONS.has(extension)) {
    throw new VmferryError('unsupported', `Writing .${extension} packages is not supported yet; write a single disk (.vmdk, .vhd, .vhdx, .qcow2, .vdi, .img)`, { file: outputPath });
  }
  const format = (flags.get('format') as OutputFormat | undefined) ?? FORMAT_BY_EXTENSION[extension];
  if (!format) throw new UsageError(`convert: cannot tell the disk format from "${outputPath}"; give --format (${OUTPUT_FORMATS.join(', ')})`);

  const { files, close } = await nodeFileSet(inputPath);
  try {
    const appliance = await openAppliance(files, { signal });
    const [name, disk] = singleDisk(appliance.disks, appliance.report.diskImages, inputPath);
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

function singleDisk(disks: Map<string, VirtualDisk>, images: { file: string; problem: string | null }[], input: string): [string, VirtualDisk] {
  const entries = [...disks];
  if (entries.length === 1) return entries[0]!;
  const problems = images.filter((image) => image.problem).map((image) => image.problem);
  if (entries.length === 0) {
    throw new VmferryError('unsupported', `No readable disk to convert${problems.length ? `: ${problems.join('; ')}` : ''}`, { file: input });
  }
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
