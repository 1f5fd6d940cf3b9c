/** Source networks → target network names, typed in (the target's network names are not known here). */
export function NetworkMapping({ networks, onChange }: {
  networks: Record<string, string>;
  onChange: (networks: Record<string, string>) => void;
}) {
  const sources = Object.keys(networks);
  if (sources.length === 0) return <p class="muted">The appliance names no networks.</p>;
  return (
    <fieldset class="network-mapping">
      <legend>Networks</legend>
      <p class="field-hint muted">Type the name each network has on the target (a port group, a bridge, a virtual switch).</p>
      {sources.map((source, index) => (
        <div class="field network-row">
          <label for={`network-${index}`}>
            <code>{source}</code> becomes
          </label>
          <input
            id={`network-${index}`}
            type="text"
            value={networks[source]}
            spellcheck={false}
            aria-label={`Target network for ${source}`}
            onInput={(event) => onChange({ ...networks, [source]: (event.currentTarget as HTMLInputElement).value })}
          />
        </div>
      ))}
    </fieldset>
  );
}
