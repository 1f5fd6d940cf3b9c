import type { ApplianceReport, InputKind } from '../../engine/appliance/report';

const KIND_NAMES: Record<InputKind, string> = {
  ova: 'OVA archive',
  ovf: 'OVF package',
  xva: 'XenServer XVA',
  disk: 'Disk image',
};

/** What was opened: its name, what kind of input it is, and its OVF version. */
export function ApplianceHeader({ report, onOpenAnother, busy }: {
  report: ApplianceReport;
  onOpenAnother: () => void;
  busy: boolean;
}) {
  return (
    <header class="appliance-header">
      <div>
        <h1 class="input-name">{report.input}</h1>
        <dl class="inline-facts">
          <div>
            <dt>Kind</dt>
            <dd data-field="kind">{KIND_NAMES[report.kind] ?? report.kind}</dd>
          </div>
          {report.ovfVersion && (
            <div>
              <dt>OVF version</dt>
              <dd data-field="ovf-version">{report.ovfVersion}</dd>
            </div>
          )}
        </dl>
      </div>
      <button type="button" class="secondary" onClick={onOpenAnother} disabled={busy}>
        Open another…
      </button>
    </header>
  );
}
