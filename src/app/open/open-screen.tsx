import type { NamedBlob } from '../../engine/io/file-set';
import { ErrorMessage } from '../components/error-message';
import { PickerButton } from './picker-button';

/**
 * The first screen: what VM Ferry opens, and how (buttons, or drop anywhere on the page: see use-page-drop).
 */
export function OpenScreen({ busy, error, onFiles, onError, onDismissError }: {
  busy: boolean;
  error: string | null;
  onFiles: (files: Promise<NamedBlob[]>) => void;
  onError: (error: unknown) => void;
  onDismissError: () => void;
}) {
  return (
    <main class="open-screen" aria-labelledby="open-title">
      <h1 id="open-title">Open a virtual appliance</h1>
      {error && <ErrorMessage title="Could not open" message={error} onDismiss={onDismissError} />}
      <div class="drop-hint">
        <p class="lead">
          Drop it anywhere on this page, or choose it. Nothing is uploaded: everything is read on this computer.
        </p>
        <div class="actions">
          <PickerButton folder={false} label="Open file(s)…" disabled={busy} onFiles={onFiles} onError={onError} />
          <PickerButton folder label="Open folder…" disabled={busy} onFiles={onFiles} onError={onError} />
        </div>
      </div>
      <p class="hint">
        You can open an <code>.ova</code>; an <code>.ovf</code> together with its files (select them all, or open
        their folder); an <code>.xva</code>; or a disk image: <code>.vmdk</code>, <code>.vhd</code>,{' '}
        <code>.vhdx</code>, <code>.qcow2</code>, <code>.vdi</code>, <code>.img</code>.
      </p>
    </main>
  );
}
