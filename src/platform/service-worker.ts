import { Workbox } from 'workbox-window';

export interface ServiceWorkerEvents {
  /** First install finished: everything is cached and the app now works offline. */
  onOfflineReady(): void;
  /** A new version is installed and waits; call `applyUpdate` when the user agrees (never automatically). */
  onUpdateReady(): void;
}

export interface ServiceWorkerControl {
  /** Activates the waiting version and reloads this page once it controls it. */
  applyUpdate(): void;
}

/**
 * Registers workers/sw.ts (built to sw.js by vite-plugin-pwa; only in production builds, where it exists: P3).
 * Updates follow a prompt: the page reloads only after `applyUpdate`, which the UI offers only while no job
 * runs (P5). If another tab applies an update, this one is told and keeps running until the user reloads.
 */
export function registerServiceWorker(events: ServiceWorkerEvents): ServiceWorkerControl | null {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return null;
  const base = import.meta.env.BASE_URL;
  const workbox = new Workbox(`${base}sw.js`, { scope: base });
  let registration: ServiceWorkerRegistration | undefined;
  let reloadWhenControlling = false;

  workbox.addEventListener('installed', (event) => {
    if (!event.isUpdate) events.onOfflineReady();
  });
  workbox.addEventListener('waiting', () => events.onUpdateReady());
  workbox.addEventListener('controlling', (event) => {
    if (reloadWhenControlling) window.location.reload();
    else if (event.isUpdate) events.onUpdateReady();
  });
  void workbox.register().then((result) => {
    registration = result;
  });

  return {
    applyUpdate() {
      if (registration?.waiting) {
        reloadWhenControlling = true;
        workbox.messageSkipWaiting();
      } else {
        // Another tab already activated the new version; this page only needs to load it.
        window.location.reload();
      }
    },
  };
}
