/**
 * An AbortSignal in the worker driven by a MessagePort from the page: any message on the port aborts it. A
 * signal cannot cross a worker boundary, a port can (the cooperative half of cancelling: comlink#615).
 */
export function signalFromPort(port: MessagePort | undefined): { signal: AbortSignal | undefined; dispose(): void } {
  if (!port) return { signal: undefined, dispose() {} };
  const controller = new AbortController();
  port.onmessage = (event: MessageEvent<unknown>) => {
    const reason = typeof event.data === 'string' ? event.data : 'cancelled';
    controller.abort(new Error(reason));
  };
  return {
    signal: controller.signal,
    dispose() {
      port.onmessage = null;
      port.close();
    },
  };
}
