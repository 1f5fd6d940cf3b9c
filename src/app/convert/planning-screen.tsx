import { ErrorMessage } from '../components/error-message';
import { StepNav } from '../components/step-nav';
import { ScreenTitle } from '../components/screen-title';

/** While the worker plans (reads the descriptor, inspects the guest, proposes repairs); or why planning failed. */
export function PlanningScreen({ error, onCancel }: { error?: string; onCancel: () => void }) {
  return (
    <main class="planning-screen" aria-busy={error ? 'false' : 'true'} aria-labelledby="planning-title">
      <StepNav current="Review" />
      <ScreenTitle id="planning-title">{error ? 'The plan could not be made' : 'Planning the conversion…'}</ScreenTitle>
      {error ? <ErrorMessage title="Planning failed" message={error} /> : <progress aria-labelledby="planning-title" />}
      <div class="actions">
        <button type="button" class="secondary" onClick={onCancel}>
          {error ? 'Back to the choices' : 'Cancel'}
        </button>
      </div>
    </main>
  );
}
