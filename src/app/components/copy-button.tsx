import { useState } from 'preact/hooks';
import { copyText } from '../../platform/clipboard';

/** Copies text and says whether it worked, in a live region (a refused clipboard says to select and copy). */
export function CopyButton({ text, label }: { text: string | (() => string); label: string }) {
  const [result, setResult] = useState<'copied' | 'refused' | null>(null);
  const copy = () => {
    void copyText(typeof text === 'function' ? text() : text).then((ok) => setResult(ok ? 'copied' : 'refused'));
  };
  return (
    <span class="copy">
      <button type="button" class="secondary" onClick={copy}>
        {label}
      </button>
      <span role="status" class="muted">
        {result === 'copied' ? 'Copied.' : result === 'refused' ? 'The browser refused; select the text and copy it.' : ''}
      </span>
    </span>
  );
}
