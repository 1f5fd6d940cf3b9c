import { useEffect, useState } from 'preact/hooks';
import { registerServiceWorker, type ServiceWorkerControl } from '../platform/service-worker';

export interface ServiceWorkerState {
  offlineReady: boolean;
  updateReady: boolean;
  applyUpdate: () => void;
  dismissOfflineReady: () => void;
}

/** Registers the service worker once and tells the UI when the app works offline or an update waits. */
export function useServiceWorker(): ServiceWorkerState {
  const [offlineReady, setOfflineReady] = useState(false);
  const [updateReady, setUpdateReady] = useState(false);
  const [control, setControl] = useState<ServiceWorkerControl | null>(null);

  useEffect(() => {
    setControl(
      registerServiceWorker({
        onOfflineReady: () => setOfflineReady(true),
        onUpdateReady: () => setUpdateReady(true),
      }),
    );
  }, []);

  return {
    offlineReady,
    updateReady,
    applyUpdate: () => control?.applyUpdate(),
    dismissOfflineReady: () => setOfflineReady(false),
  };
}
