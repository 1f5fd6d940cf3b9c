import type { BrokerReply, BrokerRequest } from '../../workers/download-protocol';
import { downloadSmallFile } from './blob-download';
import { startStreamedDownload, type StreamedDownload } from './sw-download';

/**
 * The page's side of a folder package saved as several downloads (no directory picker): the engine worker asks
 * over the broker port for each file, and gets a streamed download (disks) or hands over a small finished file.
 */
export interface DownloadBroker {
  /** The worker's end of the broker: transfer it. */
  port: MessagePort;
  /** Names of the files downloaded or still downloading, in order. */
  started(): string[];
  /** Ends keep-alives; on failure fails the downloads still running. */
  settle(ok: boolean): void;
}

export function createDownloadBroker(): DownloadBroker {
  const { port1, port2 } = new MessageChannel();
  const downloads: StreamedDownload[] = [];
  const names: string[] = [];
  const reply = (message: BrokerReply, transfer: Transferable[] = []) => port1.postMessage(message, transfer);
  port1.onmessage = (event: MessageEvent<BrokerRequest>) => {
    const request = event.data;
    names.push(request.name);
    if (request.type === 'file') {
      downloadSmallFile(request.name, request.bytes as Uint8Array<ArrayBuffer>);
      reply({ type: 'saved', name: request.name });
      return;
    }
    startStreamedDownload(request.name).then(
      (download) => {
        downloads.push(download);
        reply({ type: 'opened', name: request.name, port: download.port }, [download.port]);
      },
      (error: unknown) => reply({ type: 'refused', name: request.name, message: error instanceof Error ? error.message : String(error) }),
    );
  };
  return {
    port: port2,
    started: () => [...names],
    settle(ok) {
      for (const download of downloads) {
        if (!ok) download.abort();
        download.finish();
      }
      port1.close();
    },
  };
}
