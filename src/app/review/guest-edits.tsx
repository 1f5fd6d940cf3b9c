import type { GuestEdit } from '../../engine/appliance/plan-types';
import { DiffView } from './diff-view';

/** Every change repair would make inside the guest, as a diff with its reasons, each one switched on or off. */
export function GuestEdits({ edits, onToggle }: { edits: GuestEdit[]; onToggle: (id: string, enabled: boolean) => void }) {
  if (edits.length === 0) return <p data-field="no-guest-edits">No file inside the guest needs to change.</p>;
  return (
    <ul class="guest-edits">
      {edits.map((edit, index) => (
        <li class={edit.enabled ? 'edit' : 'edit off'} data-edit={edit.path}>
          <label class="check">
            <input type="checkbox" checked={edit.enabled} onChange={(event) => onToggle(edit.id, (event.currentTarget as HTMLInputElement).checked)} />
            <span>
              Change <code>{edit.path}</code> <span class="muted">on {edit.filesystem}</span>
            </span>
          </label>
          <ul class="reasons">
            {edit.reasons.map((reason) => (
              <li>{reason}</li>
            ))}
          </ul>
          <DiffView diff={edit.diff} label={`Changes to ${edit.path} (${index + 1} of ${edits.length})`} />
        </li>
      ))}
    </ul>
  );
}
