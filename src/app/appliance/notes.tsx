import { Section } from '../components/section';

/** Descriptor sections VM Ferry does not interpret: kept verbatim in any output, listed here. */
export function Notes({ notes }: { notes: string[] }) {
  if (notes.length === 0) return null;
  return (
    <Section id="notes" title="Notes">
      <p class="muted">Parts of the descriptor that are kept as they are but not interpreted:</p>
      <ul class="notes">
        {notes.map((note) => (
          <li class="preformatted">{note}</li>
        ))}
      </ul>
    </Section>
  );
}
