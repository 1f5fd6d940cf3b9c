import type { Container } from '../../engine/appliance/plan-types';
import { canPickFolder, canPickSaveFile } from '../../platform/save-output';

/** How the output will be saved in this browser, said before the user commits to it. */
export function SaveNote({ container }: { container: Container }) {
  if (container === 'ovf') {
    return canPickFolder() ? (
      <p class="field-hint muted" data-field="save-note">
        You choose a folder; a new folder for the package is made inside it, and each file appears there only when it is
        complete. A cancelled or failed conversion removes what it wrote.
      </p>
    ) : (
      <p class="field-hint" data-field="save-note">
        This browser cannot write into a folder, so the package comes as several downloads: the disks streamed, the
        descriptor, manifest and script as small files. Put them together in one folder before importing. If the
        conversion fails or is cancelled, files already downloaded stay in your downloads; delete them. Where the
        target accepts an OVA, that is one download and nothing is left behind.
      </p>
    );
  }
  return (
    <p class="field-hint muted" data-field="save-note">
      {canPickSaveFile()
        ? 'You choose where to save it; the file is complete when it appears, and a cancelled conversion leaves nothing.'
        : 'It is downloaded as it is written, never held in memory whole; a cancelled conversion fails the download, and the browser deletes the partial file.'}
    </p>
  );
}
