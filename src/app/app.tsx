import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { errorCodeOf } from '../engine/errors';
import type { NamedBlob } from '../engine/io/file-set';
import type { EngineBridge, OpenedAppliance } from '../platform/engine-bridge';
import { onLaunchFiles } from '../platform/launch-queue';
import { currentFragment } from '../platform/page-link';
import { ApplianceView } from './appliance/appliance-view';
import type { ManifestCheck } from './appliance/manifest-panel';
import type { Choices } from './convert/choices';
import { ConvertFlow } from './convert/convert-flow';
import { initialChoices, linkNotesFor } from './convert/link-choices';
import { OpenScreen } from './open/open-screen';
import { OpeningScreen } from './opening-screen';
import { decodeSettings } from './share/settings-link';
import { TopBar } from './top-bar';
import { UpdateBanner } from './update-banner';
import { useLookData } from './use-look-data';
import { usePageDrop } from './use-page-drop';
import { useServiceWorker } from './use-service-worker';

type Screen =
  | { name: 'open'; error: string | null }
  | { name: 'opening'; label: string; cancel: () => void }
  | { name: 'look'; opened: OpenedAppliance; serial: number }
  | { name: 'convert'; opened: OpenedAppliance; serial: number };

/**
 * The orchestrator: which screen shows, one job at a time, and where files come from (buttons, drop, the
 * operating system's "Open with", the sample). Screens and the convert flow do the rest.
 */
export function App({ engine }: { engine: EngineBridge }) {
  const [screen, setScreen] = useState<Screen>({ name: 'open', error: null });
  const [jobBusy, setJobBusy] = useState(false);
  const busy = screen.name === 'opening' || jobBusy;
  const busyRef = useRef(busy);
  busyRef.current = busy;
  const current = useRef<OpenedAppliance | null>(null);
  const serial = useRef(0);
  const sw = useServiceWorker();
  const link = useMemo(() => decodeSettings(currentFragment()), []);
  const [choices, setChoices] = useState<Choices | null>(null);
  const opened = screen.name === 'look' || screen.name === 'convert' ? screen.opened : null;
  const look = useLookData(engine, opened);

  const open = useCallback(
    async (pending: Promise<NamedBlob[]>) => {
      if (busyRef.current) return;
      const controller = new AbortController();
      busyRef.current = true;
      setScreen({ name: 'opening', label: 'the selection', cancel: () => controller.abort() });
      try {
        const files = await pending;
        if (files.length === 0) throw new Error('Nothing to open: the selection holds no files.');
        setScreen({ name: 'opening', label: describe(files), cancel: () => controller.abort() });
        const next = await engine.open(files, { signal: controller.signal });
        if (current.current) void engine.close(current.current);
        current.current = next;
        setChoices(null);
        setScreen({ name: 'look', opened: next, serial: ++serial.current });
      } catch (error) {
        const previous = current.current;
        if (errorCodeOf(error) === 'aborted') {
          setScreen(previous ? { name: 'look', opened: previous, serial: serial.current } : { name: 'open', error: null });
        } else {
          if (previous) void engine.close(previous);
          current.current = null;
          setScreen({ name: 'open', error: error instanceof Error ? error.message : String(error) });
        }
      }
    },
    [engine],
  );

  const fail = useCallback((error: unknown) => {
    setScreen({ name: 'open', error: error instanceof Error ? error.message : String(error) });
  }, []);

  const openAnother = useCallback(() => {
    if (current.current) void engine.close(current.current);
    current.current = null;
    setScreen({ name: 'open', error: null });
  }, [engine]);

  useEffect(() => onLaunchFiles(open), [open]);
  const dragging = usePageDrop(!busy, open);

  const checkManifest = useCallback<ManifestCheck>(
    ({ signal, onProgress }) => {
      const appliance = current.current;
      if (!appliance) return Promise.reject(new Error('Nothing is open.'));
      return engine.checkManifest(appliance, { signal, onProgress });
    },
    [engine],
  );

  return (
    <>
      <UpdateBanner sw={sw} busy={busy} />
      <TopBar />
      {screen.name === 'open' && (
        <OpenScreen
          busy={busy}
          error={screen.error}
          recipe={link.settings.target ?? null}
          onFiles={open}
          onError={fail}
          onDismissError={() => setScreen({ name: 'open', error: null })}
        />
      )}
      {screen.name === 'opening' && <OpeningScreen label={screen.label} onCancel={screen.cancel} />}
      {screen.name === 'look' && (
        <ApplianceView
          // A newly opened appliance gets fresh panels (manifest check state).
          key={screen.serial}
          report={screen.opened.report}
          look={look}
          busy={busy}
          checkManifest={checkManifest}
          onBusyChange={setJobBusy}
          onOpenAnother={openAnother}
          onConvert={() => {
            setChoices((previous) => previous ?? initialChoices(screen.opened.report, link.settings));
            setScreen({ ...screen, name: 'convert' });
          }}
        />
      )}
      {screen.name === 'convert' && choices && (
        <ConvertFlow
          key={screen.serial}
          engine={engine}
          opened={screen.opened}
          guest={look.guest}
          choices={choices}
          linkNotes={linkNotesFor(link.settings, link.ignored)}
          onChoicesChange={setChoices}
          onBusyChange={setJobBusy}
          onLook={() => setScreen({ ...screen, name: 'look' })}
          onOpenAnother={openAnother}
        />
      )}
      {dragging && (
        <div class="drop-overlay" aria-hidden="true">
          <p>Drop to open</p>
        </div>
      )}
    </>
  );
}

function describe(files: NamedBlob[]): string {
  if (files.length === 1) return files[0]!.path;
  const folder = files[0]!.path.split('/')[0];
  return files.every((file) => file.path.startsWith(`${folder}/`)) ? `${folder}/ (${files.length} files)` : `${files.length} files`;
}
