/**
 * The chunk protocol of a streamed download, over one MessagePort between the producer (the engine worker, which
 * writes the output) and the consumer (the service worker, which answers the download navigation with a stream).
 * A port, not a transferred ReadableStream: Safari cannot transfer streams yet (WebKit standards-positions #643).
 *
 * Flow control is by credit: the producer keeps at most `DOWNLOAD_WINDOW_BYTES` unacknowledged, and the consumer
 * acknowledges each chunk when the browser's download reads it, so a slow disk slows the conversion instead of
 * filling memory.
 */
export const DOWNLOAD_WINDOW_BYTES = 16 * 1024 * 1024;

/** Producer → consumer. */
export type ProducerMessage =
  | { type: 'chunk'; bytes: Uint8Array }
  /** Everything was sent: the download completes once the browser has read it. */
  | { type: 'end' }
  /** The job failed or was cancelled: the download is failed, so the browser discards the partial file. */
  | { type: 'abort'; message: string };

/** Consumer → producer. */
export type ConsumerMessage =
  /** The service worker holds the stream and waits for the navigation. */
  | { type: 'ready' }
  /** The browser's download has read `bytes` more. */
  | { type: 'ack'; bytes: number }
  /** The download finished: the browser has everything. */
  | { type: 'closed' }
  /** The user cancelled the download in the browser (or it failed there). */
  | { type: 'cancelled'; message: string };

/** Page → service worker: answer `/__download/<id>/<name>` with the stream fed through `port`. */
export interface DownloadRegistration {
  type: 'vmferry-download';
  id: string;
  name: string;
  port: MessagePort;
}

/** Page → service worker: fail the download `id` now (the job was cancelled and the worker may be gone). */
export interface DownloadAbort {
  type: 'vmferry-download-abort';
  id: string;
}

/** Page → service worker, every few seconds during a download: each message event keeps the worker alive. */
export interface KeepAlive {
  type: 'vmferry-keep-alive';
}

/** The URL path (below the app's base) the service worker answers for download `id`. */
export const DOWNLOAD_PREFIX = '__download/';

export function downloadPath(id: string, name: string): string {
  return `${DOWNLOAD_PREFIX}${encodeURIComponent(id)}/${encodeURIComponent(name)}`;
}

/** `Content-Disposition` with the RFC 6266 / RFC 8187 UTF-8 file name, and a plain-ASCII fallback. */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * A folder package as several downloads (no directory picker: Firefox, Safari). Worker → page over the broker
 * port: `open` asks for a streamed download of one file (a disk), `file` hands over a small finished file
 * (descriptor, manifest, script) for an ordinary download. Page → worker: the answers.
 */
export type BrokerRequest = { type: 'open'; name: string } | { type: 'file'; name: string; bytes: Uint8Array };

export type BrokerReply =
  | { type: 'opened'; name: string; port: MessagePort }
  | { type: 'saved'; name: string }
  | { type: 'refused'; name: string; message: string };
