/// <reference lib="webworker" />
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import type { DownloadAbort, DownloadRegistration, KeepAlive } from './download-protocol';
import { abortDownload, answerDownload, isDownloadUrl, registerDownload } from './sw-downloads';

/**
 * The service worker: the whole app, engine worker chunks included, is precached at install, so VM Ferry opens
 * and works with no network at all. Built by vite-plugin-pwa (injectManifest), which replaces
 * `self.__WB_MANIFEST` with the list of built files (P4). Registered as a classic script: no `import.meta` here.
 * It also answers streamed downloads (sw-downloads.ts), the save path of browsers without a save picker.
 */
declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Streamed downloads first: they are navigations too, and must never get the app shell.
registerRoute(({ url }) => isDownloadUrl(url, self.registration.scope), ({ url }) => Promise.resolve(answerDownload(url, self.registration.scope)));

// Every navigation inside the scope (including the `file_handlers` action "/") gets the precached app shell,
// except the download URLs answered above.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/__download\//] }));

type PageMessage = { type: 'SKIP_WAITING' } | DownloadRegistration | DownloadAbort | KeepAlive;

// A new version waits until the page says so: the page offers "Reload" only when no job is running, and
// sends this message when the user accepts. Never skipWaiting() on install: it would swap the app under a
// running job (P5).
self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const message = event.data as PageMessage | null;
  switch (message?.type) {
    case 'SKIP_WAITING':
      void self.skipWaiting();
      break;
    case 'vmferry-download':
      registerDownload(message);
      break;
    case 'vmferry-download-abort':
      abortDownload(message);
      break;
    // 'vmferry-keep-alive': receiving the event is the point (it extends the worker's lifetime).
  }
});
