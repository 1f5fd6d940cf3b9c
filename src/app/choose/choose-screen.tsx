import type { GuestOverview } from '../../engine/appliance/engine-api';
import type { DeviceNaming, ManifestChoice } from '../../engine/appliance/plan-types';
import type { ApplianceReport } from '../../engine/appliance/report';
import type { OutputFormat } from '../../engine/disk/disk-writer';
import { linkWithFragment } from '../../platform/page-link';
import { CopyButton } from '../components/copy-button';
import { StepNav } from '../components/step-nav';
import { containersFor, formatsFor, outputFileName, retarget, safeName, type Choices } from '../convert/choices';
import { encodeSettings } from '../share/settings-link';
import type { Loaded } from '../use-look-data';
import { CONTAINER_LABELS, FORMAT_LABELS, MANIFEST_LABELS, NAMING_LABELS } from './labels';
import { NetworkMapping } from './network-mapping';
import { SaveNote } from './save-note';
import { SelectField } from './select-field';
import { TargetCards } from './target-cards';
import { ScreenTitle } from '../components/screen-title';

const NAMINGS: readonly (DeviceNaming | 'auto')[] = ['auto', 'sd', 'hd', 'xvd', 'vd', 'uuid'];
const MANIFESTS: readonly ManifestChoice[] = ['sha256', 'sha1', 'none'];

/** Choose: the target, the package and disk format, the guest's disk names, Xen PV, networks, the manifest. */
export function ChooseScreen({ report, guest, choices, linkNotes, onChange, onBack, onReview }: {
  report: ApplianceReport;
  guest: Loaded<GuestOverview>;
  choices: Choices;
  linkNotes: string[];
  onChange: (choices: Choices) => void;
  onBack: () => void;
  onReview: () => void;
}) {
  const set = <K extends keyof Choices>(key: K, value: Choices[K]) => onChange({ ...choices, [key]: value });
  const containers = containersFor(choices.target, report);
  const formats = formatsFor(choices.target);
  const xen = choices.target === 'xenserver' || choices.target === 'xenserver-pv';
  const linux = guest.state === 'ready' ? guest.value.report?.os === 'linux' : null;
  const submit = (event: Event) => {
    event.preventDefault();
    onReview();
  };
  return (
    <main class="choose-screen" aria-labelledby="choose-title">
      <StepNav current="Choose" />
      <ScreenTitle id="choose-title">Convert {report.input}</ScreenTitle>
      {linkNotes.map((note) => (
        <p class="notice" role="status">
          {note}
        </p>
      ))}
      <form onSubmit={submit}>
        <TargetCards target={choices.target} onChange={(target) => onChange(retarget(choices, target, report))} />

        <fieldset class="options">
          <legend>Package</legend>
          <div class="field">
            <span class="field-label" id="container-label">
              Output
            </span>
            <div role="radiogroup" aria-labelledby="container-label" class="radio-list">
              {containers.map((container) => (
                <label>
                  <input type="radio" name="container" value={container} checked={choices.container === container} onChange={() => set('container', container)} />
                  <span>{CONTAINER_LABELS[container]}</span>
                </label>
              ))}
            </div>
            <SaveNote container={choices.container} />
          </div>
          <div class="field">
            <label for="output-name">Name</label>
            <input
              id="output-name"
              type="text"
              value={choices.outputName}
              spellcheck={false}
              onChange={(event) => set('outputName', safeName((event.currentTarget as HTMLInputElement).value))}
            />
            <p class="field-hint muted">
              Saved as <code data-field="output-file">{outputFileName(choices)}</code>
            </p>
          </div>
          {choices.container !== 'xva' && (
            <SelectField<OutputFormat> id="format" label="Disk format" value={choices.format} options={formats} labels={FORMAT_LABELS} onChange={(v) => set('format', v)} />
          )}
          {choices.container !== 'disk' && choices.container !== 'xva' && (
            <SelectField<ManifestChoice> id="manifest" label="Manifest" value={choices.manifest} options={MANIFESTS} labels={MANIFEST_LABELS} onChange={(v) => set('manifest', v)} />
          )}
        </fieldset>

        <fieldset class="options">
          <legend>Guest</legend>
          <label class="check">
            <input type="checkbox" name="fix" checked={choices.fix} onChange={(event) => set('fix', (event.currentTarget as HTMLInputElement).checked)} />
            <span>
              Repair the guest for the target: fstab, GRUB, device.map and the kernel command line get the disk names the
              target gives. Every change is shown in Review, where each one can be switched off.
            </span>
          </label>
          {linux === false && <p class="field-hint muted">No Linux guest was found on the disks: there is nothing to repair.</p>}
          <SelectField<DeviceNaming | 'auto'>
            id="names"
            label="Guest disk names"
            value={choices.names}
            options={NAMINGS}
            labels={NAMING_LABELS}
            onChange={(v) => set('names', v)}
          />
          {xen && (
            <label class="check">
              <input
                type="checkbox"
                name="pv"
                checked={choices.pv}
                disabled={choices.target === 'xenserver-pv'}
                onChange={(event) => set('pv', (event.currentTarget as HTMLInputElement).checked)}
              />
              <span>
                Boot as a Xen PV guest (pygrub){choices.target === 'xenserver-pv' ? ': always, for this target' : ''}. The
                guest needs a Xen-capable kernel; repair turns a Xen GRUB entry into one pygrub boots.
              </span>
            </label>
          )}
        </fieldset>

        <NetworkMapping networks={choices.networks} onChange={(networks) => set('networks', networks)} />

        <div class="actions">
          <button type="button" class="secondary" onClick={onBack}>
            Back
          </button>
          <CopyButton label="Copy link with these settings" text={() => linkWithFragment(encodeSettings(choices))} />
          <button type="submit" class="primary">
            Review the plan
          </button>
        </div>
      </form>
    </main>
  );
}
