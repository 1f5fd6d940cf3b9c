import { signatureText } from '../../engine/ovf/signature/signature-text';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Progress } from '../../engine/appliance/engine-api';
import type { ManifestMismatch, ManifestReport } from '../../engine/appliance/report';
import { errorCodeOf } from '../../engine/errors';
import { ErrorMessage } from '../components/error-message';
import { ProgressBar } from '../components/progress';
import { Section } from '../components/section';
import { Table } from '../components/table';
import { orDash } from '../format';

export type ManifestCheck = (options: {
  signal: AbortSignal;
  onProgress: (progress: Progress) => void;
}) => Promise<ManifestReport | null>;

const PROBLEMS: Record<ManifestMismatch['problem'], string> = {
  digest: 'digest differs',
  'missing-file': 'file missing',
  'not-listed': 'not listed in the manifest',
  unreadable: 'could not be read',
};

type State =
  | { step: 'idle' }
  | { step: 'running'; progress: Progress | null }
  | { step: 'done'; report: ManifestReport }
  | { step: 'failed'; message: string };

/**
 * The manifest (.mf): which algorithm it uses, and a check that hashes every listed file in the engine worker,
 * with progress and cancel, then says OK or names the files that do not match.
 */
export function ManifestPanel({ manifest, check, onBusyChange }: {
  manifest: ManifestReport | null;
  check: ManifestCheck;
  onBusyChange: (busy: boolean) => void;
}) {
  const [state, setState] = useState<State>(
    manifest && manifest.ok !== null ? { step: 'done', report: manifest } : { step: 'idle' },
  );
  const running = useRef<AbortController | null>(null);
  // Leaving the view cancels a check still running.
  useEffect(() => () => running.current?.abort(), []);

  if (!manifest) {
    return (
      <Section id="manifest" title="Manifest">
        <p data-field="manifest-status">No manifest: the files cannot be checked for damage.</p>
      </Section>
    );
  }

  const start = () => {
    const controller = new AbortController();
    running.current = controller;
    setState({ step: 'running', progress: null });
    onBusyChange(true);
    check({ signal: controller.signal, onProgress: (progress) => setState({ step: 'running', progress }) })
      .then(
        (report) =>
          setState(report ? { step: 'done', report } : { step: 'failed', message: 'The appliance has no manifest.' }),
        (error: unknown) =>
          setState(
            errorCodeOf(error) === 'aborted'
              ? { step: 'idle' }
              : { step: 'failed', message: error instanceof Error ? error.message : String(error) },
          ),
      )
      .finally(() => {
        if (running.current === controller) running.current = null;
        onBusyChange(false);
      });
  };

  const algorithm = state.step === 'done' ? state.report.algorithm : manifest.algorithm;
  return (
    <Section id="manifest" title="Manifest">
      <p>
        <code>{manifest.file}</code>, {algorithm.toUpperCase()} digests
        {manifest.certificate ? <span data-field="signature">; {signatureText(manifest.certificate, manifest.signature)}</span> : null}
        .
      </p>
      {state.step === 'idle' && (
        <button type="button" class="primary" onClick={start}>
          Check manifest
        </button>
      )}
      {state.step === 'running' && (
        <ProgressBar label="Checking manifest" progress={state.progress} onCancel={() => running.current?.abort()} />
      )}
      {state.step === 'failed' && <ErrorMessage title="The check failed" message={state.message} />}
      {state.step === 'done' && <ManifestResult report={state.report} />}
    </Section>
  );
}

function ManifestResult({ report }: { report: ManifestReport }) {
  if (report.ok) {
    return (
      <p class="good" data-field="manifest-status" role="status">
        OK: every file matches the manifest.
      </p>
    );
  }
  return (
    <>
      <p class="bad" data-field="manifest-status" role="status">
        {report.mismatches.length === 1 ? '1 file does not match' : `${report.mismatches.length} files do not match`}{' '}
        the manifest.
      </p>
      <Table
        caption="Mismatches"
        rows={report.mismatches}
        columns={[
          { label: 'File', cell: (m) => m.file },
          { label: 'Problem', cell: (m) => PROBLEMS[m.problem] ?? m.problem },
          { label: 'Expected', cell: (m) => <code class="digest">{orDash(m.expected)}</code> },
          { label: 'Actual', cell: (m) => <code class="digest">{orDash(m.actual)}</code> },
        ]}
      />
    </>
  );
}
