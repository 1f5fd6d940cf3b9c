/** A labelled drop-down over a fixed set of values. */
export function SelectField<T extends string>({ id, label, value, options, labels, onChange, hint }: {
  id: string;
  label: string;
  value: T;
  options: readonly T[];
  labels: Record<T, string>;
  onChange: (value: T) => void;
  hint?: string;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name={id} value={value} onChange={(event) => onChange((event.currentTarget as HTMLSelectElement).value as T)}>
        {options.map((option) => (
          <option value={option}>{labels[option]}</option>
        ))}
      </select>
      {hint && <p class="field-hint muted">{hint}</p>}
    </div>
  );
}
