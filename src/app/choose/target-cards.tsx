import { TARGET_IDS, type TargetId } from '../../engine/appliance/plan-types';
import { CodeText } from '../components/code-text';
import { profileOf } from '../convert/choices';

const NAMING: Record<string, string> = { sd: 'sdX', hd: 'hdX', xvd: 'xvdX', vd: 'vdX', uuid: 'UUID=' };

/** The target hypervisors as cards of radio buttons, each with what the user gets in plain language. */
export function TargetCards({ target, onChange }: { target: TargetId; onChange: (target: TargetId) => void }) {
  return (
    <fieldset class="target-cards">
      <legend>Target hypervisor</legend>
      {TARGET_IDS.map((id) => {
        const profile = profileOf(id);
        return (
          <label class={`target-card${id === target ? ' selected' : ''}`} data-target={id}>
            <span class="target-title">
              <input type="radio" name="target" value={id} checked={id === target} onChange={() => onChange(id)} />
              <strong>{profile.label}</strong>
            </span>
            <span class="target-description">
              <CodeText text={profile.description} />
            </span>
            <span class="target-facts muted">
              {profile.containers.map((c) => c.toUpperCase()).join(' / ')} · {profile.disk.format} disks · guest disks{' '}
              {profile.guestNaming ? NAMING[profile.guestNaming] : 'unchanged'}
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}
