import type { PackageProgress } from '../../engine/package/package-content';
import { formatBytes } from '../format';

/** "48 MiB/s"; a dash before there is a rate to show. */
export function formatRate(bytesPerSecond: number): string {
  return bytesPerSecond > 0 && Number.isFinite(bytesPerSecond) ? `${formatBytes(Math.round(bytesPerSecond))}/s` : '—';
}

/** "2 h 05 min", "4 min 09 s", "12 s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Seconds left in this phase at the rate so far, or null before the rate means anything. */
export function secondsLeft(progress: PackageProgress): number | null {
  if (progress.done >= progress.total) return 0;
  if (progress.rate <= 0 || progress.done <= 0) return null;
  return (progress.total - progress.done) / progress.rate;
}

export const PHASE_LABELS: Record<PackageProgress['phase'], string> = {
  scan: 'Finding the data',
  measure: 'Measuring the compressed size',
  write: 'Writing',
};
