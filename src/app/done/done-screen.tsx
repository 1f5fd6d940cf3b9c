import type { RunSummary } from '../../engine/appliance/engine-api';
import type { Plan } from '../../engine/appliance/plan-types';
import { Bytes } from '../components/bytes';
import { CopyButton } from '../components/copy-button';
import { Section } from '../components/section';
import { StepNav } from '../components/step-nav';
import { Table } from '../components/table';
import { profileOf } from '../convert/choices';
import { formatDuration } from '../run/rates';
import { importSteps } from './import-steps';
import { ScreenTitle } from '../components/screen-title';

/** Done: what was written, the manifest, the import script to copy, and how to import on the target. */
export function DoneScreen({ plan, summary, where, onAnother, onLook }: {
  plan: Plan;
  summary: RunSummary;
  where: string;
  onAnother: () => void;
  onLook: () => void;
}) {
  const { target, container } = plan.request;
  const file = container === 'ovf' ? plan.request.outputName.replace(/\.ovf$/i, '') : where;
  const total = summary.files.reduce((sum, f) => sum + f.size, 0);
  return (
    <main class="done-screen" aria-labelledby="done-title">
      <StepNav current="Done" />
      <ScreenTitle id="done-title">Done: {where}</ScreenTitle>
      <p class="good" role="status" data-field="done-status">
        Written in {formatDuration(summary.seconds)}: {summary.files.length === 1 ? '1 file' : `${summary.files.length} files`}, <Bytes value={total} />
        {container === 'ova' || container === 'xva' ? ' in one package file' : ''}, for {profileOf(target).label}.
      </p>
      <Section id="written" title="What was written">
        <Table
          caption="Written files"
          rows={summary.files}
          columns={[
            { label: 'Name', cell: (f) => <code>{f.name}</code> },
            { label: 'Size', numeric: true, cell: (f) => <Bytes value={f.size} /> },
            { label: 'Digest', cell: (f) => (f.digest ? <code class="digest">{f.digest}</code> : '—') },
          ]}
        />
      </Section>
      {summary.manifest && (
        <Section id="written-manifest" title={`Manifest (${summary.manifest.name})`}>
          <pre class="file-text" tabIndex={0} data-field="manifest-text">
            {summary.manifest.text}
          </pre>
        </Section>
      )}
      <Section id="import" title={`Import into ${profileOf(target).label}`}>
        <ol class="steps-list">
          {importSteps(target, container, file, summary.helper?.name ?? null).map((step) => (
            <li>{step}</li>
          ))}
        </ol>
        {summary.helper && (
          <>
            <h3>
              <code>{summary.helper.name}</code>
            </h3>
            <CopyButton label={`Copy ${summary.helper.name}`} text={summary.helper.text} />
            <pre class="file-text" tabIndex={0} data-field="helper-text" aria-label={summary.helper.name}>
              {summary.helper.text}
            </pre>
          </>
        )}
      </Section>
      <div class="actions">
        <button type="button" class="secondary" onClick={onLook}>
          Back to the appliance
        </button>
        <button type="button" class="primary" onClick={onAnother}>
          Open another appliance
        </button>
      </div>
    </main>
  );
}
