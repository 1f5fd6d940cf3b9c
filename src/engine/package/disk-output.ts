import { planDiskCopy } from '../disk/copy';
import type { DiskWritePlan } from '../disk/disk-writer';
import { throwIfAborted } from '../errors';
import type { HashAlgorithm } from '../io/hash';
import { DigestingSink, NullSink } from './digesting-sink';
import type { PackageDisk, PackageProgress, PackageWriteOptions } from './package-content';

export interface PlannedOutput {
  plan: DiskWritePlan;
  /** The exact size of the file to write. */
  size: number;
  /** Whether a measuring pass was needed (its time is the price of knowing a size or digest up front). */
  measured: boolean;
  /** The manifest digest of the file, when it was asked for up front (an OVA's manifest comes second). */
  digest: string | null;
}

/**
 * Decides a disk's output and its exact size before any byte of it is written into a package. Table-first
 * formats know it from their plan (after a scan for data). A streamOptimized VMDK knows it only after
 * compression, and a digest is known only after the bytes exist: then the disk is written once into a sink that
 * only counts and hashes. Memory stays at one grain batch, nothing is stored, and the write pass that follows
 * must produce the same bytes — it writes the same data with the same deflate and the same seeded identity
 * (`entry.options.identity`); the package writer checks size and digest and fails clearly if they differ.
 */
export async function planPackageDisk(entry: PackageDisk, options: PackageWriteOptions, digest: HashAlgorithm | null = null): Promise<PlannedOutput> {
  const reporter = progressOf(entry.href, options.onProgress);
  const plan = await planDiskCopy(
    entry.disk,
    entry.format,
    { ...entry.options, signal: options.signal, onProgress: (p) => reporter('scan', p.done, p.total) },
    entry.href,
  );
  if (plan.outputSize !== null && digest === null) return { plan, size: plan.outputSize, measured: false, digest: null };
  const counter = new DigestingSink(new NullSink(entry.href), digest);
  const measure = progressOf(entry.href, options.onProgress);
  await plan.write(counter, { signal: options.signal, onProgress: (done) => measure('measure', done, plan.dataBytes) });
  throwIfAborted(options.signal);
  return { plan, size: counter.bytes, measured: true, digest: digest ? counter.digestHex() : null };
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
