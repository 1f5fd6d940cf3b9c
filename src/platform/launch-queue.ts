import type { NamedBlob } from '../engine/io/file-set';
import { blobsFromHandles } from './handles';
import { rememberRecent } from './recent-files';

/** Receives the launched files still being collected, so that a failure reaches the same error display. */
type LaunchHandler = (files: Promise<NamedBlob[]>) => void;

/**
 * Files the operating system hands the installed app ("Open with VM Ferry", manifest `file_handlers`).
 * `launchQueue.setConsumer` is called once per page: later launches arrive through the same consumer
 * (`launch_handler: focus-existing`), and the queue holds launches until a consumer is set. The current
 * handler is swapped, never stacked; the disposer clears it (Excalidraw leaked consumers: excalidraw#8198).
 */
let current: LaunchHandler | null = null;
let registered = false;

export function onLaunchFiles(handler: LaunchHandler): () => void {
  current = handler;
  const queue = window.launchQueue;
  if (queue && !registered) {
    registered = true;
    queue.setConsumer((params) => {
      if (params.files.length === 0) return;
      void rememberRecent(params.files);
      current?.(blobsFromHandles(params.files));
    });
  }
  return () => {
    if (current === handler) current = null;
  };
}
