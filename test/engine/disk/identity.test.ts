import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { copyDisk } from '../../../src/engine/disk/copy';
import { OUTPUT_FORMATS, type OutputFormat } from '../../../src/engine/disk/disk-writer';
import { seededIdentity } from '../../../src/engine/disk/identity';
import { RawDisk } from '../../../src/engine/disk/raw/raw-disk';
import { MemorySink } from '../../../src/engine/io/byte-sink';
import { MemorySource } from '../../../src/engine/io/memory-source';

/** A package writer measures a disk in one pass and writes it in another: both must give the same bytes. */
const data = new Uint8Array(4 * 1024 * 1024);
for (let i = 0; i < 300_000; i++) data[(i * 7919) % data.length] = (i * 31) & 0xff;
const disk = () => new RawDisk(new MemorySource(data, 'src.img'));

async function write(format: OutputFormat, identity = seededIdentity('appliance-1', new Date('2026-11-29T12:00:00Z'))) {
  const sink = new MemorySink();
  await copyDisk(disk(), format, sink, { identity });
  // A digest, not the bytes: deep-comparing megabytes element by element is needlessly slow.
  return createHash('sha256').update(sink.bytes()).digest('hex');
}

/** Formats whose headers carry a UUID, content ID or timestamp (qcow2 and raw have none). */
const IDENTIFIED: OutputFormat[] = ['vmdk', 'vmdk-sparse', 'vhd', 'vhd-fixed', 'vhdx', 'vdi'];

describe('seeded disk identity', () => {
  for (const format of OUTPUT_FORMATS) {
    it(`${format}: the same seed gives the same bytes`, async () => {
      expect(await write(format)).toEqual(await write(format));
    });
  }

  for (const format of IDENTIFIED) {
    it(`${format}: another seed gives other identifiers`, async () => {
      const other = await write(format, seededIdentity('appliance-2', new Date('2026-11-29T12:00:00Z')));
      expect(other).not.toEqual(await write(format));
    });
  }
});
