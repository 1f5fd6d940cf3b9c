import type { ServiceWorkerState } from './use-service-worker';

/**
 * Tells the user about a new version, or that the app now works offline. The page is never reloaded without
 * a click, and "Reload" is offered only while no job runs, so an update never interrupts a job (P5).
 */
export function UpdateBanner({ sw, busy }: { sw: ServiceWorkerState; busy: boolean }) {
  if (sw.updateReady) {
    return (
      <div class="banner" role="status">
        <span>A new version of VM Ferry is ready.</span>
        {busy ? (
          <span class="muted">Reload when the current job has finished.</span>
        ) : (
          <button type="button" class="primary" onClick={sw.applyUpdate}>
            Reload
          </button>
        )}
      </div>
    );
  }
  if (sw.offlineReady) {
    return (
      <div class="banner" role="status">
        <span>VM Ferry is saved on this device and now works offline.</span>
        <button type="button" class="secondary" onClick={sw.dismissOfflineReady}>
          OK
        </button>
      </div>
    );
  }
  return null;
}
