/// <reference lib="webworker" />
import { attachmentDisposition, DOWNLOAD_PREFIX, type DownloadAbort, type DownloadRegistration } from './download-protocol';
import { portStream } from './port-stream';

/**
 * The service worker's half of streamed downloads (Firefox and Safari have no save picker): the page registers
 * a download with a port, then navigates a hidden iframe to `/__download/<id>/<name>`; this answers that
 * navigation with an attachment Response whose body is the stream fed through the port. Nothing is held but
 * the producer's window (download-protocol.ts), however large the file.
 */
interface Pending {
  name: string;
  stream: ReadableStream<Uint8Array>;
  abort(message: string): void;
}

const pending = new Map<string, Pending>();
/** Downloads already answered, until they end, so that the page can still abort them. */
const running = new Map<string, Pending>();

export function registerDownload(message: DownloadRegistration): void {
  const { stream, abort } = portStream(message.port, () => running.delete(message.id));
  pending.set(message.id, { name: message.name, stream, abort });
}

export function abortDownload(message: DownloadAbort): void {
  const download = pending.get(message.id) ?? running.get(message.id);
  download?.abort('cancelled');
  pending.delete(message.id);
  running.delete(message.id);
}

/** True for the URLs this module answers (below the service worker's scope). */
export function isDownloadUrl(url: URL, scope: string): boolean {
  return url.href.startsWith(new URL(DOWNLOAD_PREFIX, scope).href);
}

export function answerDownload(url: URL, scope: string): Response {
  const [id = ''] = url.href.slice(new URL(DOWNLOAD_PREFIX, scope).href.length).split('/');
  const key = decodeURIComponent(id);
  const download = pending.get(key);
  if (!download) {
    return new Response('This download is no longer available: start it again from VM Ferry.', {
      status: 404,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
  pending.delete(key);
  running.set(key, download);
  return new Response(download.stream, {
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': attachmentDisposition(download.name),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    },
  });
}
