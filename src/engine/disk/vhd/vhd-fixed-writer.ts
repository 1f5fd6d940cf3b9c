import { writeZeros } from '../../io/byte-sink';
import type { DiskWriter, DiskWritePlan, WriterOptions } from '../disk-writer';
import { rawWriter } from '../raw/raw-writer';
import type { VirtualDisk } from '../virtual-disk';
import { encodeVhdFooter, VHD_FIXED, VHD_FOOTER_SIZE } from './footer';
import { outputVhdFooter, vhdCurrentSize } from './vhd-output-footer';

/**
 * Fixed VHD output ("Virtual Hard Disk Image Format Specification" v1.0, §"Fixed Hard Disk Image"): the raw
 * disk, padded to a whole sector, then the footer. Empty space becomes holes where the sink can leave them,
 * exactly as for raw output; the footer's Data Offset is "none" (all bits set, as qemu writes it).
 */
export const vhdFixedWriter: DiskWriter = {
  format: 'vhd-fixed',
  unitSize: () => null,
  plan(disk: VirtualDisk, _units, options: WriterOptions): DiskWritePlan {
    const footer = encodeVhdFooter(outputVhdFooter(disk, VHD_FIXED, null, options));
    const raw = rawWriter.plan(disk, null, options);
    const dataSize = vhdCurrentSize(disk);
    return {
      outputSize: dataSize + VHD_FOOTER_SIZE,
      dataBytes: raw.dataBytes,
      async write(sink, context) {
        await raw.write(sink, context);
        await writeZeros(sink, dataSize - disk.virtualSize);
        await sink.write(footer);
      },
    };
  },
};
