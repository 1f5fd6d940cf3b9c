/// <reference lib="webworker" />
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

/**
 * The service worker: the whole app, engine worker chunks included, is precached at install, so VM Ferry opens
 * and works with no network at all. Built by vite-plugin-pwa (injectManifest), which replaces
 * `self.__WB_MANIFEST` with the list of built files (P4). Registered as a classic script: no `import.meta` here.
 */
declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Every navigation inside the scope (including the `file_handlers` action "/") gets the precached app shell,
// except the download URLs a future streamed save will answer here (browser-platform notes, output ladder).
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/__download\//] }));

// A new version waits until the page says so: the page offers "Reload" only when no job is running, and
// sends this message when the user accepts. Never skipWaiting() on install: it would swap the app under a
// running job (P5).
self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
