import type { GuestReport } from '../guest/inspect/guest-report';
import type { NamedBlob } from '../io/file-set';
import type { PackageProgress, WrittenFile } from '../package/package-content';
import type { ConvertRequest, Plan } from './plan-types';
import type { ApplianceReport, ManifestReport } from './report';

/** Progress of a long step: bytes done out of bytes total, and the file being worked on. */
export interface Progress {
  done: number;
  total: number;
  file: string | null;
}

export type ProgressCallback = (progress: Progress) => void;

/** Progress of a conversion: per output file and phase (scan, measure, write), with the rate. */
export type RunProgressCallback = (progress: PackageProgress) => void;

/**
 * Where a conversion writes, as the page hands it to the worker (structured-cloneable: handles and ports).
 * - `file`/`folder`: File System Access handles from the save or directory picker (Chromium); the worker writes
 *   with `createWritable()`, whose swap file is committed only on close.
 * - `download`: one file streamed through a MessagePort to the service worker, which answers the hidden-iframe
 *   navigation that starts the download (Firefox, Safari).
 * - `downloads`: a folder package as several downloads: for each file the worker asks the page, over `broker`,
 *   for a port (disks) or hands it the finished bytes (small files: descriptor, manifest, script).
 */
export type RunOutput =
  | { kind: 'file'; handle: FileSystemFileHandle }
  | { kind: 'folder'; handle: FileSystemDirectoryHandle }
  | { kind: 'download'; name: string; port: MessagePort }
  | { kind: 'downloads'; broker: MessagePort };

/** What a finished conversion wrote. */
export interface RunSummary {
  files: WrittenFile[];
  seconds: number;
  /** The manifest text as written, or null without one. */
  manifest: { name: string; text: string } | null;
  /** The import helper written beside the package (PowerShell, xe commands, libvirt XML), or null. */
  helper: { name: string; text: string } | null;
}

/** Where the data of a disk is, summarised into equal buckets of the virtual size for a picture. */
export interface AllocationMap {
  disk: string;
  virtualSize: number;
  /** Per bucket, the fractions of it that hold data, recorded zeros, or nothing; each triple sums to 1. */
  data: number[];
  zero: number[];
  unallocated: number[];
  /** Bytes of each kind over the whole disk. */
  totals: { data: number; zero: number; unallocated: number };
}

/** One partition, in bytes, with what is on it where inspection found out. */
export interface PartitionLayout {
  number: number;
  start: number;
  size: number;
  typeName: string;
  bootable: boolean;
  extended: boolean;
  /** The filesystem found on it: `ext3`, `swap`, `lvm2-pv`..., or null. */
  filesystem: string | null;
  /** Where the guest mounts it (`/boot`, `/`, `swap`), or null. */
  mountpoint: string | null;
  label: string | null;
}

export interface DiskLayout {
  disk: string;
  virtualSize: number;
  scheme: 'mbr' | 'gpt' | 'none';
  partitions: PartitionLayout[];
  /** Why the layout is incomplete or could not be read. */
  warnings: string[];
}

/** The guest as the Look screen shows it: partitions of every disk and the inspection report. */
export interface GuestOverview {
  layouts: DiskLayout[];
  /** Null when inspection could not run at all (the reason is in `problem`). */
  report: GuestReport | null;
  problem: string | null;
}

/**
 * What the engine worker offers the page (exposed with comlink in workers/engine.worker.ts). Plain data in and
 * out; Files clone cheaply into the worker and are read there a chunk at a time. Appliances stay in the worker
 * and are named by a handle. Long calls take a `cancel` port: a message on it aborts the job cooperatively, so
 * the worker can discard partial output before the page ends it (comlink has no cancellation: comlink#372).
 */
export interface EngineApi {
  /** Answers once the worker has loaded; the bridge races it against a timeout (comlink issue #463). */
  ping(): Promise<'pong'>;
  /** Opens an OVA, an OVF with its files, an XVA or a disk image; the report is ready to show. */
  open(files: NamedBlob[]): Promise<{ handle: number; report: ApplianceReport }>;
  /** Hashes every file listed in the manifest and compares; null when the appliance has no manifest. */
  checkManifest(handle: number, onProgress?: ProgressCallback): Promise<ManifestReport | null>;
  /** Where the data of one disk (by the name the package uses for its file) is, in `buckets` equal parts. */
  allocationMap(handle: number, disk: string, buckets: number): Promise<AllocationMap>;
  /** Partition layouts and the Linux guest found on the disks (read only). */
  inspectGuest(handle: number): Promise<GuestOverview>;
  /** Plans a conversion (with guest repair when `request.fix`): plain data to show and adjust. */
  plan(handle: number, request: ConvertRequest): Promise<Plan>;
  /** Executes a plan into `output`; a failure or cancel leaves nothing behind. */
  run(handle: number, plan: Plan, output: RunOutput, onProgress?: RunProgressCallback, cancel?: MessagePort): Promise<RunSummary>;
  /** Forgets an opened appliance. */
  close(handle: number): Promise<void>;
}
