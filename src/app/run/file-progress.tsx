import type { PackageProgress } from '../../engine/package/package-content';
import { formatBytes, formatPercent } from '../format';
import { formatDuration, formatRate, PHASE_LABELS, secondsLeft } from './rates';

/** One output file's progress: phase, bytes, rate and time left. */
export function FileProgress({ progress }: { progress: PackageProgress }) {
  const left = secondsLeft(progress);
  const label = `${progress.file}: ${PHASE_LABELS[progress.phase]}`;
  return (
    <div class="file-progress" data-file={progress.file} data-phase={progress.phase}>
      <label>
        <span class="progress-label">{label}</span>
        <progress max={progress.total || 1} value={progress.total ? progress.done : 1} />
      </label>
      <span class="progress-text">
        {formatBytes(progress.done)} of {formatBytes(progress.total)} ({formatPercent(progress.done, progress.total)}) ·{' '}
        {formatRate(progress.rate)} · {left === null ? 'estimating time left' : left === 0 ? 'done' : `${formatDuration(left)} left`}
      </span>
    </div>
  );
}
