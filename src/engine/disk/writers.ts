import type { DiskWriter, OutputFormat } from './disk-writer';
import { rawWriter } from './raw/raw-writer';
import { vhdDynamicWriter } from './vhd/vhd-dynamic-writer';
import { vhdFixedWriter } from './vhd/vhd-fixed-writer';

/** One writer per output format; each format folder adds its entry here. */
export const DISK_WRITERS: Partial<Record<OutputFormat, DiskWriter>> = {
  raw: rawWriter,
  vhd: vhdDynamicWriter,
  'vhd-fixed': vhdFixedWriter,
};
