import type { DiskWriter, OutputFormat } from './disk-writer';
import { rawWriter } from './raw/raw-writer';
import { qcow2Writer } from './qcow2/qcow2-writer';
import { vdiWriter } from './vdi/vdi-writer';
import { vhdDynamicWriter } from './vhd/vhd-dynamic-writer';
import { vhdFixedWriter } from './vhd/vhd-fixed-writer';
import { vhdxWriter } from './vhdx/vhdx-writer';
import { monolithicSparseWriter } from './vmdk/sparse-writer';
import { streamOptimizedWriter } from './vmdk/stream-optimized-writer';

/** One writer per output format; each format folder adds its entry here. */
export const DISK_WRITERS: Partial<Record<OutputFormat, DiskWriter>> = {
  raw: rawWriter,
  qcow2: qcow2Writer,
  vdi: vdiWriter,
  vhd: vhdDynamicWriter,
  'vhd-fixed': vhdFixedWriter,
  vhdx: vhdxWriter,
  vmdk: streamOptimizedWriter,
  'vmdk-sparse': monolithicSparseWriter,
};
