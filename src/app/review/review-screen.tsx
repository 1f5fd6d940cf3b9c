import type { Plan, PlannedFile } from '../../engine/appliance/plan-types';
import { Bytes } from '../components/bytes';
import { ErrorMessage } from '../components/error-message';
import { Section } from '../components/section';
import { StepNav } from '../components/step-nav';
import { Table } from '../components/table';
import { profileOf } from '../convert/choices';
import { FORMAT_LABELS } from '../choose/labels';
import { GuestEdits } from './guest-edits';
import { ScreenTitle } from '../components/screen-title';

const ROLES: Record<PlannedFile['role'], string> = {
  descriptor: 'OVF descriptor',
  manifest: 'manifest',
  disk: 'disk',
  script: 'import script',
  other: 'package',
};

/**
 * Review: the plan as data, before anything is written — the files with their expected sizes, the disks, the
 * networks, every guest edit (each can be switched off), what was decided, dropped and warned about.
 */
export function ReviewScreen({ plan, error, onPlanChange, onBack, onStart }: {
  plan: Plan;
  error: string | null;
  onPlanChange: (plan: Plan) => void;
  onBack: () => void;
  /** Called straight from the click: it opens the save picker, which needs the user's activation. */
  onStart: () => void;
}) {
  const toggle = (id: string, enabled: boolean) =>
    onPlanChange({ ...plan, guestEdits: plan.guestEdits.map((edit) => (edit.id === id ? { ...edit, enabled } : edit)) });
  const { request } = plan;
  return (
    <main class="review-screen" aria-labelledby="review-title">
      <StepNav current="Review" />
      <ScreenTitle id="review-title">Review the plan</ScreenTitle>
      <p class="lead">
        {plan.input} → <strong>{profileOf(request.target).label}</strong>, as <code>{request.outputName}</code>. Nothing is
        written until you convert; the source files are only read.
      </p>
      {error && <ErrorMessage title="The conversion stopped" message={error} />}
      {plan.warnings.length > 0 && (
        <section class="warnings" aria-labelledby="plan-warnings-title">
          <h2 id="plan-warnings-title">{plan.warnings.length === 1 ? '1 warning' : `${plan.warnings.length} warnings`}</h2>
          <ul>
            {plan.warnings.map((warning) => (
              <li>{warning}</li>
            ))}
          </ul>
        </section>
      )}
      <Section id="plan-files" title="Files to write">
        <Table
          caption="Output files, in write order"
          rows={plan.files}
          columns={[
            { label: 'Name', cell: (f) => <code>{f.name}</code> },
            { label: 'What', cell: (f) => ROLES[f.role] },
            { label: 'Size', numeric: true, cell: (f) => (f.size === null ? <span class="muted">known when written</span> : <Bytes value={f.size} />) },
          ]}
        />
        <Table
          caption="Disks"
          rows={plan.disks}
          columns={[
            { label: 'From', cell: (d) => d.source },
            { label: 'To', cell: (d) => d.output },
            { label: 'Format', cell: (d) => (request.container === 'xva' ? 'XVA 1 MiB chunks' : FORMAT_LABELS[d.format] ?? d.format) },
            { label: 'Virtual size', numeric: true, cell: (d) => <Bytes value={d.virtualSize} /> },
          ]}
        />
        {plan.networks.length > 0 && (
          <Table
            caption="Networks"
            rows={plan.networks}
            columns={[
              { label: 'Source', cell: (n) => n.source },
              { label: 'Target', cell: (n) => n.target },
            ]}
          />
        )}
      </Section>
      {request.fix && (
        <Section id="guest-edits" title="Changes inside the guest">
          <GuestEdits edits={plan.guestEdits} onToggle={toggle} />
        </Section>
      )}
      <Section id="decisions" title="Decisions">
        <ul class="plain-list">
          {plan.decisions.map((decision) => (
            <li>{decision}</li>
          ))}
        </ul>
      </Section>
      {plan.dropped.length > 0 && (
        <Section id="dropped" title="Left out (the target does not accept it)">
          <ul class="plain-list">
            {plan.dropped.map((item) => (
              <li>{item}</li>
            ))}
          </ul>
        </Section>
      )}
      <div class="actions">
        <button type="button" class="secondary" onClick={onBack}>
          Back
        </button>
        <button type="button" class="primary" onClick={onStart}>
          Convert and save…
        </button>
      </div>
    </main>
  );
}
