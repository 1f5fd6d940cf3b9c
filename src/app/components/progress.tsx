import type { Progress } from '../../engine/appliance/engine-api';
import { formatBytes, formatPercent } from '../format';

/** Bytes done of total, as a bar and as text, with a button that cancels the job. */
export function ProgressBar({ label, progress, onCancel }: {
  label: string;
  progress: Progress | null;
  onCancel: () => void;
}) {
  const done = progress?.done ?? 0;
  const total = progress?.total ?? 0;
  return (
    <div class="progress" role="group" aria-label={label}>
      <label>
        <span class="progress-label">
          {label}
          {progress?.file ? `: ${progress.file}` : ''}
        </span>
        {/* Without a total yet the bar is indeterminate. */}
        <progress max={total || undefined} value={total ? done : undefined} />
      </label>
      <span class="progress-text" aria-live="polite">
        {total ? `${formatBytes(done)} of ${formatBytes(total)} (${formatPercent(done, total)})` : 'Starting…'}
      </span>
      <button type="button" class="secondary" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
