import { useEffect, useState } from 'preact/hooks';
import type { PackageProgress } from '../../engine/package/package-content';
import { StepNav } from '../components/step-nav';
import { FileProgress } from './file-progress';
import { formatDuration } from './rates';
import { ScreenTitle } from '../components/screen-title';

/**
 * The conversion running in the engine worker: one progress bar per output file (per disk), the elapsed time,
 * and Cancel, which works at any moment and leaves no output behind.
 */
export function RunScreen({ output, progress, startedAt, cancelling, onCancel }: {
  output: string;
  progress: PackageProgress[];
  startedAt: number;
  cancelling: boolean;
  onCancel: () => void;
}) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <main class="run-screen" aria-busy="true" aria-labelledby="run-title">
      <StepNav current="Convert" />
      <ScreenTitle id="run-title">Converting to {output}…</ScreenTitle>
      <p class="muted" aria-live="off">
        Elapsed {formatDuration((now - startedAt) / 1000)}. The page stays usable: the work runs in the background.
      </p>
      <div class="run-files" aria-live="polite" aria-relevant="additions">
        {progress.length === 0 && (
          <div class="file-progress">
            <span class="progress-label">Preparing…</span>
            <progress />
          </div>
        )}
        {progress.map((p) => (
          <FileProgress progress={p} />
        ))}
      </div>
      <div class="actions">
        <button type="button" class="secondary" onClick={onCancel} disabled={cancelling}>
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
    </main>
  );
}
