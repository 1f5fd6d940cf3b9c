import { downloadPath, type ConsumerMessage, type DownloadAbort, type DownloadRegistration, type KeepAlive } from '../../workers/download-protocol';

/**
 * Streamed downloads, the save path where there is no save picker (Firefox, Safari ≥ 15.4): the page hands the
 * service worker one end of a MessageChannel, navigates a hidden iframe to `/__download/<id>/<name>` (a
 * navigation, not a fetch: StreamSaver#69), and gives the other end to whoever writes (the engine worker). The
 * service worker answers with a Response streamed from the port (workers/sw-downloads.ts).
 */
export interface StreamedDownload {
  id: string;
  name: string;
  /** The producer's end: transfer it to the engine worker. */
  port: MessagePort;
  /** Fails the download now (cancel), even when the producer is gone. */
  abort(): void;
  /** Stops keeping the service worker alive for this download and removes its iframe. */
  finish(): void;
}

const KEEP_ALIVE_MS = 10_000;
const READY_TIMEOUT_MS = 10_000;
let active = 0;
let keepAlive: ReturnType<typeof setInterval> | undefined;

export function hasStreamedDownloads(): boolean {
  return 'serviceWorker' in navigator;
}

export async function startStreamedDownload(name: string): Promise<StreamedDownload> {
  const worker = await activeServiceWorker();
  const id = crypto.randomUUID();
  const { port1, port2 } = new MessageChannel();
  worker.postMessage({ type: 'vmferry-download', id, name, port: port1 } satisfies DownloadRegistration, [port1]);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The service worker did not answer; reload the page and try again.')), READY_TIMEOUT_MS);
    port2.onmessage = (event: MessageEvent<ConsumerMessage>) => {
      if (event.data.type !== 'ready') return;
      clearTimeout(timer);
      // Nothing else comes before the producer writes; it listens on the port from then on.
      port2.onmessage = null;
      resolve();
    };
  });
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.title = `Download of ${name}`;
  frame.src = new URL(downloadPath(id, name), await scope()).href;
  document.body.append(frame);
  holdAlive(worker);
  let finished = false;
  return {
    id,
    name,
    port: port2,
    abort: () => worker.postMessage({ type: 'vmferry-download-abort', id } satisfies DownloadAbort),
    finish() {
      if (finished) return;
      finished = true;
      releaseAlive();
      // The browser owns the download once it has started; the frame is only removed later, to be safe.
      setTimeout(() => frame.remove(), 60_000);
    },
  };
}

async function activeServiceWorker(): Promise<ServiceWorker> {
  const registration = await navigator.serviceWorker?.getRegistration();
  const worker = registration?.active ?? (await withTimeout(navigator.serviceWorker?.ready, 5000))?.active;
  if (!worker) {
    throw new Error(
      'Saving without a save dialog needs VM Ferry\'s service worker, which is not running here (a development build, or a private window that blocks it). Reload the page, or use a browser with a save dialog (Chrome, Edge).',
    );
  }
  return worker;
}

async function scope(): Promise<string> {
  return (await navigator.serviceWorker.getRegistration())?.scope ?? new URL(import.meta.env.BASE_URL, location.href).href;
}

/** Every message event extends a service worker's lifetime; one every 10 s keeps it through a long download. */
function holdAlive(worker: ServiceWorker): void {
  active += 1;
  keepAlive ??= setInterval(() => worker.postMessage({ type: 'vmferry-keep-alive' } satisfies KeepAlive), KEEP_ALIVE_MS);
}

function releaseAlive(): void {
  active = Math.max(0, active - 1);
  if (active === 0) {
    clearInterval(keepAlive);
    keepAlive = undefined;
  }
}

function withTimeout<T>(promise: Promise<T> | undefined, ms: number): Promise<T | null> {
  if (!promise) return Promise.resolve(null);
  return Promise.race([promise, new Promise<null>((resolve) => setTimeout(() => resolve(null), ms))]);
}
