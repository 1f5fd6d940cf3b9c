import { useEffect, useState } from 'preact/hooks';
import type { NamedBlob } from '../../engine/io/file-set';
import { forgetRecent, listRecent, openRecent, type RecentEntry } from '../../platform/recent-files';

/**
 * Appliances opened recently through the File System Access pickers, a drop or "Open with" (Chromium keeps
 * their handles). Reopening asks for permission again where the browser wants it; "Forget" drops the entry.
 */
export function RecentList({ disabled, onFiles }: { disabled: boolean; onFiles: (files: Promise<NamedBlob[]>) => void }) {
  const [entries, setEntries] = useState<RecentEntry[]>([]);
  useEffect(() => {
    void listRecent().then(setEntries);
  }, []);
  if (entries.length === 0) return null;
  return (
    <section class="recent" aria-labelledby="recent-title">
      <h2 id="recent-title">Recently opened</h2>
      <ul class="recent-list">
        {entries.map((entry) => (
          <li>
            <button type="button" class="link" disabled={disabled} onClick={() => onFiles(openRecent(entry))}>
              {entry.label}
            </button>
            <span class="muted"> {new Date(entry.openedAt).toLocaleString()}</span>{' '}
            <button
              type="button"
              class="secondary small"
              aria-label={`Forget ${entry.label}`}
              onClick={() => void forgetRecent(entry.id).then(listRecent).then(setEntries)}
            >
              Forget
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
