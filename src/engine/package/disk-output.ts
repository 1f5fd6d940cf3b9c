import { planDiskCopy } from '../disk/copy';
import type { DiskWritePlan } from '../disk/disk-writer';
import { throwIfAborted } from '../errors';
import { CountingSink } from '../io/byte-sink';
import { NullSink } from './digesting-sink';
import type { PackageDisk, PackageProgress, PackageWriteOptions } from './package-content';

export interface PlannedOutput {
  plan: DiskWritePlan;
  /** The exact size of the file to write. */
  size: number;
  /** Whether a measuring pass was needed (its time is the price of knowing a compressed size up front). */
  measured: boolean;
}

/**
 * Decides a disk's output and its exact size before any byte of it is written into a package. Table-first
 * formats know it from their plan (after a scan for data). A streamOptimized VMDK knows it only after
 * compression, so it is compressed once into a sink that only counts: memory stays at one grain batch, nothing
 * is stored, and the write pass that follows must produce the same size (it compresses the same data with
 * the same deflate; the package writer checks it and fails clearly if not).
 */
export async function planPackageDisk(entry: PackageDisk, options: PackageWriteOptions): Promise<PlannedOutput> {
  const reporter = progressOf(entry.href, options.onProgress);
  const plan = await planDiskCopy(
    entry.disk,
    entry.format,
    { ...entry.options, signal: options.signal, onProgress: (p) => reporter('scan', p.done, p.total) },
    entry.href,
  );
  if (plan.outputSize !== null) return { plan, size: plan.outputSize, measured: false };
  const counter = new CountingSink(new NullSink(entry.href));
  const measure = progressOf(entry.href, options.onProgress);
  await plan.write(counter, { signal: options.signal, onProgress: (done) => measure('measure', done, plan.dataBytes) });
  throwIfAborted(options.signal);
  return { plan, size: counter.bytesWritten, measured: true };
}

/** A progress callback with a start time per phase (for the rate). */
export function progressOf(file: string, report?: (progress: PackageProgress) => void) {
  const started = new Map<string, number>();
  return (phase: PackageProgress['phase'], done: number, total: number) => {
    if (!report) return;
    const start = started.get(phase) ?? Date.now();
    started.set(phase, start);
    const seconds = (Date.now() - start) / 1000;
    report({ phase, file, done, total, rate: seconds > 0 ? done / seconds : 0 });
  };
}
