import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyDisk } from '../../../src/engine/disk/copy';
import { OUTPUT_FORMATS } from '../../../src/engine/disk/disk-writer';
import { seededIdentity } from '../../../src/engine/disk/identity';
import { RawDisk } from '../../../src/engine/disk/raw/raw-disk';
import { DISK_WRITERS } from '../../../src/engine/disk/writers';
import { MemorySink, type ByteSink } from '../../../src/engine/io/byte-sink';
import { MemorySource } from '../../../src/engine/io/memory-source';
import { makeMixedRaw, MiB } from '../../support/disks';
import { tempDir } from '../../support/packages';
import { describeWithTools } from '../../support/tools';

/** A memory sink that can also patch what it wrote, like a file: it makes copyDisk take the single pass. */
class PatchableMemorySink implements ByteSink {
  // The same name as MemorySink's: a VMDK names its own file (the sink) in its descriptor.
  readonly name = 'memory';
  private bytes = new Uint8Array(0);
  private length = 0;
  async write(chunk: Uint8Array): Promise<void> {
    this.ensure(this.length + chunk.length);
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }
  async skipZeros(length: number): Promise<void> {
    this.ensure(this.length + length);
    this.length += length;
  }
  async writeAt(offset: number, chunk: Uint8Array): Promise<void> {
    if (offset + chunk.length > this.length) throw new Error('patch past the end');
    this.bytes.set(chunk, offset);
  }
  async close(): Promise<void> {}
  async abort(): Promise<void> {}
  result(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
  private ensure(size: number): void {
    if (size <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(size, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const SINGLE_PASS = OUTPUT_FORMATS.filter((format) => DISK_WRITERS[format]?.planSinglePass);

describe('single-pass writers', () => {
  it('exist for the table-first formats', () => {
    expect(SINGLE_PASS).toContain('vhd');
  });
});

describeWithTools(['truncate'], 'single pass and planned pass give the same bytes', () => {
  let raw: Uint8Array;
  beforeAll(() => {
    const dir = tempDir('single-pass');
    makeMixedRaw(join(dir, 'mixed.img'), 24 * MiB + 3 * 512);
    raw = new Uint8Array(readFileSync(join(dir, 'mixed.img')));
  });

  for (const format of SINGLE_PASS) {
    it(`${format}: byte for byte`, async () => {
      const identity = () => seededIdentity('single-pass', new Date('2026-11-29T00:00:00Z'));
      const planned = new MemorySink();
      await copyDisk(new RawDisk(new MemorySource(raw, 'mixed.img')), format, planned, { identity: identity() });
      const single = new PatchableMemorySink();
      await copyDisk(new RawDisk(new MemorySource(raw, 'mixed.img')), format, single, { identity: identity() });
      expect(single.result().length).toBe(planned.bytes().length);
      expect(digest(single.result())).toBe(digest(planned.bytes()));
    });
  }
});
