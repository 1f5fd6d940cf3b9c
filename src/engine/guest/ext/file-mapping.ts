/**
 * Where a file's bytes are: runs of consecutive logical blocks stored in consecutive physical blocks. Extent
 * trees and block maps both produce these; reading and rewriting a file work on them, not on either format.
 */
export interface MappedRun {
  logical: number;
  physical: number;
  length: number;
  /** False for an uninitialised (preallocated) extent: it reads as zeros whatever the blocks hold. */
  initialized: boolean;
}

/** A file's mapping plus the blocks that hold the mapping itself (extent tree nodes, indirect blocks). */
export interface FileMapping {
  runs: MappedRun[];
  mappingBlocks: number[];
}

/** Appends a block to a run list, extending the last run when it continues it. */
export function pushMapped(runs: MappedRun[], logical: number, physical: number, initialized = true): void {
  const last = runs[runs.length - 1];
  if (last && last.initialized === initialized && last.logical + last.length === logical && last.physical + last.length === physical) {
    last.length++;
    return;
  }
  runs.push({ logical, physical, length: 1, initialized });
}
