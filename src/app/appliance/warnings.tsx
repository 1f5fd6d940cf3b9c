/** Warnings come first and stand out: a missing disk or an odd value changes what the user should do next. */
export function Warnings({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null;
  return (
    <section class="warnings" aria-labelledby="warnings-title">
      <h2 id="warnings-title">
        {warnings.length === 1 ? '1 warning' : `${warnings.length} warnings`}
      </h2>
      <ul>
        {warnings.map((warning) => (
          <li>{warning}</li>
        ))}
      </ul>
    </section>
  );
}
