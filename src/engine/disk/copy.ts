import { VmferryError, throwIfAborted } from '../errors';
import { CountingSink, type ByteSink } from '../io/byte-sink';
import type { DiskWritePlan, OutputFormat, WriterOptions } from './disk-writer';
import { dataBytesOf, scanUnits } from './unit-map';
import type { VirtualDisk } from './virtual-disk';
import { DISK_WRITERS } from './writers';

export interface CopyProgress {
  phase: 'scan' | 'write';
  /** Virtual-disk bytes processed so far in this phase, out of `total`. */
  done: number;
  total: number;
  /** Bytes per second over the phase so far. */
  rate: number;
}

export interface CopyOptions extends WriterOptions {
  signal?: AbortSignal;
  onProgress?: (progress: CopyProgress) => void;
}

export interface CopyResult {
  format: OutputFormat;
  /** Bytes written to the sink. */
  outputBytes: number;
}

/**
 * Converts a disk and commits the sink. Where the sink can patch what it wrote (a file) and the writer can use
 * that, one pass writes the data as it is read and the tables last; otherwise the layout is planned first
 * (scanning for data where the format needs tables up front) and streamed in one forward pass. Any failure or
 * cancel aborts the sink, so no half-written output remains.
 */
export async function copyDisk(disk: VirtualDisk, format: OutputFormat, sink: ByteSink, options: CopyOptions = {}): Promise<CopyResult> {
  const counted = new CountingSink(sink);
  try {
    const writer = DISK_WRITERS[format];
    if (writer?.planSinglePass && counted.writeAt) {
      const plan = writer.planSinglePass(disk, options);
      const write = progressReporter('write', plan.dataBytes, options.onProgress);
      await plan.write(counted as CountingSink & { writeAt: NonNullable<CountingSink['writeAt']> }, { signal: options.signal, onProgress: write });
      await sink.close();
      return { format, outputBytes: counted.bytesWritten };
    }
    const plan = await planDiskCopy(disk, format, options, sink.name);
    const write = progressReporter('write', plan.dataBytes, options.onProgress);
    await plan.write(counted, { signal: options.signal, onProgress: write });
    if (plan.outputSize !== null && counted.bytesWritten !== plan.outputSize) {
      throw new Error(`${format} writer planned ${plan.outputSize} bytes but wrote ${counted.bytesWritten}`);
    }
    await sink.close();
    return { format, outputBytes: counted.bytesWritten };
  } catch (error) {
    await sink.abort(error).catch(() => undefined);
    throw error;
  }
}

/**
 * Decides the output layout: scans the disk for data where the writer lays out tables first (reading every
 * data extent once), then asks the writer for its plan. `--dry-run` stops here.
 */
export async function planDiskCopy(disk: VirtualDisk, format: OutputFormat, options: CopyOptions = {}, outputName: string = format): Promise<DiskWritePlan> {
  const writer = DISK_WRITERS[format];
  if (!writer) throw new VmferryError('unsupported', `Writing ${format} disks is not supported yet`, { file: outputName });
  const unitSize = writer.unitSize(disk);
  let units = null;
  if (unitSize !== null) {
    const scan = progressReporter('scan', await dataBytesOf(disk), options.onProgress);
    units = await scanUnits(disk, unitSize, { signal: options.signal, onProgress: scan });
  }
  throwIfAborted(options.signal);
  return writer.plan(disk, units, options);
}

function progressReporter(phase: CopyProgress['phase'], total: number, report?: (p: CopyProgress) => void) {
  const started = Date.now();
  return (done: number) => {
    const seconds = (Date.now() - started) / 1000;
    report?.({ phase, done, total, rate: seconds > 0 ? done / seconds : 0 });
  };
}
