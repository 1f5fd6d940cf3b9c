const STEPS = ['Look', 'Choose', 'Review', 'Convert', 'Done'] as const;
export type Step = (typeof STEPS)[number];

/** Where the user is in the migration: an ordered list, the current step marked for assistive technology. */
export function StepNav({ current }: { current: Step }) {
  return (
    <nav aria-label="Steps">
      <ol class="steps">
        {STEPS.map((step) => (
          <li class={step === current ? 'current' : undefined} aria-current={step === current ? 'step' : undefined}>
            {step}
          </li>
        ))}
      </ol>
    </nav>
  );
}
