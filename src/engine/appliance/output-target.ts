import type { ByteSink } from '../io/byte-sink';

/**
 * Where a conversion writes: one file (an OVA, an XVA, a single disk), or a folder of files (an OVF package:
 * descriptor, manifest, disks and import script side by side). Each file is committed only when complete; when
 * the run fails or is cancelled, `discard` removes every file already created, so nothing half-written remains.
 */
export type OutputTarget =
  | { kind: 'file'; sink: ByteSink }
  | {
      kind: 'folder';
      /** Creates one file of the package; it appears only when its sink is closed. */
      create(name: string): Promise<ByteSink>;
      /** Removes every file this target created (after a failure or a cancel). */
      discard(): Promise<void>;
    };
