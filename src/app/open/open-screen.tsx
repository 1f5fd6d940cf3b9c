import type { TargetId } from '../../engine/appliance/plan-types';
import type { NamedBlob } from '../../engine/io/file-set';
import { fetchSample } from '../../platform/sample';
import { ErrorMessage } from '../components/error-message';
import { profileOf } from '../convert/choices';
import { PickerButton } from './picker-button';
import { RecentList } from './recent-list';

/**
 * The first screen: what VM Ferry opens, and how (buttons, or drop anywhere on the page: see use-page-drop).
 */
export function OpenScreen({ busy, error, recipe, onFiles, onError, onDismissError }: {
  busy: boolean;
  error: string | null;
  /** The target of a recipe link this page was opened with. */
  recipe: TargetId | null;
  onFiles: (files: Promise<NamedBlob[]>) => void;
  onError: (error: unknown) => void;
  onDismissError: () => void;
}) {
  return (
    <main class="open-screen" aria-labelledby="open-title">
      <h1 id="open-title">Open a virtual appliance</h1>
      {recipe && (
        <p class="notice" role="status" data-field="recipe">
          This link carries conversion settings for <strong>{profileOf(recipe).label}</strong>: open an appliance and they
          are chosen for you.
        </p>
      )}
      {error && <ErrorMessage title="Could not open" message={error} onDismiss={onDismissError} />}
      <div class="drop-hint">
        <p class="lead">
          Drop it anywhere on this page, or choose it. Nothing is uploaded: everything is read on this computer.
        </p>
        <div class="actions">
          <PickerButton folder={false} label="Open file(s)…" disabled={busy} onFiles={onFiles} onError={onError} />
          <PickerButton folder label="Open folder…" disabled={busy} onFiles={onFiles} onError={onError} />
          <button type="button" class="secondary" disabled={busy} onClick={() => onFiles(fetchSample())}>
            Try the sample appliance
          </button>
        </div>
      </div>
      <RecentList disabled={busy} onFiles={onFiles} />
      <p class="hint">
        You can open an <code>.ova</code>; an <code>.ovf</code> together with its files (select them all, or open
        their folder); an <code>.xva</code>; or a disk image: <code>.vmdk</code>, <code>.vhd</code>,{' '}
        <code>.vhdx</code>, <code>.qcow2</code>, <code>.vdi</code>, <code>.img</code>.
      </p>
    </main>
  );
}
