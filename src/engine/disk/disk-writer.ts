import type { ByteSink } from '../io/byte-sink';
import type { DiskIdentity } from './identity';
import type { UnitMap } from './unit-map';
import type { VirtualDisk } from './virtual-disk';

/**
 * The output formats `vmferry convert --format` offers (DESIGN.md): `vmdk` is streamOptimized (what ESXi and
 * OVAs need), `vmdk-sparse` monolithicSparse, `vhd` dynamic, `vhd-fixed` fixed, `vhdx` dynamic, `qcow2` v3,
 * `vdi` dynamic, `raw`.
 */
export const OUTPUT_FORMATS = ['vmdk', 'vmdk-sparse', 'vhd', 'vhd-fixed', 'vhdx', 'qcow2', 'vdi', 'raw'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Choices a target profile makes about a format's details (each writer reads the ones it knows). */
export interface WriterOptions {
  /** VHD creator application, 4 characters: `tap\0` for XenServer, `win ` for Hyper-V (the default: every reader sizes it by current size). */
  vhdCreator?: string;
  /** VMDK `ddb.adapterType`: ide, lsilogic, buslogic, legacyESX. */
  vmdkAdapterType?: string;
  /** VMDK `ddb.virtualHWVersion` (ESXi 6.5 uses 13, older 4..11). */
  vmdkHardwareVersion?: number;
  /** qcow2: deflate every cluster (smaller, slower; qemu-img `-c`). */
  compress?: boolean;
  /** Where UUIDs, content IDs and timestamps come from; random by default (see identity.ts). */
  identity?: DiskIdentity;
}

export interface WriteContext {
  signal?: AbortSignal;
  /** Called as source data is consumed: bytes of the virtual disk written so far (data units only). */
  onProgress?: (bytesDone: number) => void;
}

/** A writer's whole layout, decided before the first byte is written. */
export interface DiskWritePlan {
  /** Exact size of the output, or null where it depends on compression (streamOptimized VMDK). */
  readonly outputSize: number | null;
  /** Virtual-disk bytes the write will read: the progress total. */
  readonly dataBytes: number;
  /** Streams the whole output into the sink, in one forward pass. Does not close the sink. */
  write(sink: ByteSink, context: WriteContext): Promise<void>;
}

/** A layout written in one forward pass, its tables patched at the end through `sink.writeAt`. */
export interface SinglePassPlan {
  /** Virtual-disk bytes the pass will read: the progress total. */
  readonly dataBytes: number;
  write(sink: ByteSink & Required<Pick<ByteSink, 'writeAt'>>, context: WriteContext): Promise<void>;
}

export interface DiskWriter {
  readonly format: OutputFormat;
  /**
   * Optional: where the sink can patch what it has written, write in one pass — data units found and written as
   * the disk is read, tables filled in at the end — instead of scanning first. The bytes are the same as
   * `plan`'s; only the output size is not known in advance.
   */
  planSinglePass?(disk: VirtualDisk, options: WriterOptions): SinglePassPlan;
  /**
   * The unit at which empty space is left out, when the writer needs a unit map before writing (tables at the
   * front of the file); null when it detects zeros as it streams and needs no pre-scan.
   */
  unitSize(disk: VirtualDisk): number | null;
  plan(disk: VirtualDisk, units: UnitMap | null, options: WriterOptions): DiskWritePlan;
}
