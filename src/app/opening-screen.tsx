/** While the engine reads the headers, descriptor and disk metadata; cancel stops the worker. */
export function OpeningScreen({ label, onCancel }: { label: string; onCancel: () => void }) {
  return (
    <main class="opening-screen" aria-busy="true" aria-labelledby="opening-title">
      <h1 id="opening-title">Opening {label}…</h1>
      <progress aria-labelledby="opening-title" />
      <div class="actions">
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </main>
  );
}
