import { useRef } from 'preact/hooks';
import type { NamedBlob } from '../../engine/io/file-set';
import {
  blobsFromInput,
  hasDirectoryPicker,
  hasOpenFilePicker,
  pickFilesWithFsa,
  pickFolderWithFsa,
} from '../../platform/open-picker';

/**
 * "Open file(s)…" or "Open folder…": the File System Access picker where the browser has one, otherwise the
 * hidden file input beside the button (which also stays reachable for test drivers and assistive technology).
 */
export function PickerButton({ folder, label, disabled, onFiles, onError }: {
  folder: boolean;
  label: string;
  disabled: boolean;
  onFiles: (files: Promise<NamedBlob[]>) => void;
  onError: (error: unknown) => void;
}) {
  const input = useRef<HTMLInputElement>(null);

  const pick = () => {
    const native = folder ? hasDirectoryPicker() : hasOpenFilePicker();
    if (!native) {
      input.current?.click();
      return;
    }
    (folder ? pickFolderWithFsa() : pickFilesWithFsa()).then((files) => {
      if (files) onFiles(Promise.resolve(files));
    }, onError);
  };

  const picked = (event: Event) => {
    const element = event.currentTarget as HTMLInputElement;
    const files = blobsFromInput(element);
    // Clear it, so choosing the same file again still fires `change`.
    element.value = '';
    if (files.length > 0) onFiles(Promise.resolve(files));
  };

  return (
    <>
      <button type="button" class="primary" disabled={disabled} onClick={pick}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        aria-label={label}
        data-picker={folder ? 'folder' : 'files'}
        // Folder selection; every browser that has it gives each File a `webkitRelativePath`.
        {...(folder ? { webkitdirectory: true } : {})}
        disabled={disabled}
        onChange={picked}
      />
    </>
  );
}
