import type { NamedBlob } from '../io/file-set';
import type { ApplianceReport, ManifestReport } from './report';

/** Progress of a long step: bytes done out of bytes total, and the file being worked on. */
export interface Progress {
  done: number;
  total: number;
  file: string | null;
}

export type ProgressCallback = (progress: Progress) => void;

/**
 * What the engine worker offers the page (exposed with comlink in workers/engine.worker.ts). Plain data in and
 * out; Files clone cheaply into the worker and are read there a chunk at a time. Appliances stay in the worker
 * and are named by a handle.
 */
export interface EngineApi {
  /** Answers once the worker has loaded; the bridge races it against a timeout (comlink issue #463). */
  ping(): Promise<'pong'>;
  /** Opens an OVA, an OVF with its files, an XVA or a disk image; the report is ready to show. */
  open(files: NamedBlob[]): Promise<{ handle: number; report: ApplianceReport }>;
  /** Hashes every file listed in the manifest and compares; null when the appliance has no manifest. */
  checkManifest(handle: number, onProgress?: ProgressCallback): Promise<ManifestReport | null>;
  /** Forgets an opened appliance. */
  close(handle: number): Promise<void>;
}
