import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { NodeFileSink } from '../../../../src/cli/node-file-sink';
import { copyDisk } from '../../../../src/engine/disk/copy';
import { RawDisk } from '../../../../src/engine/disk/raw/raw-disk';
import type { ByteSink } from '../../../../src/engine/io/byte-sink';
import type { ByteSource } from '../../../../src/engine/io/byte-source';
import { MiB, qemuCheck } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';

/**
 * Our 64 KiB-cluster output past 2 GiB of file, where a second refcount block is needed (one block counts 32 768
 * clusters): real disks produce such files every day. It writes over 2 GiB twice (about 15 s); the small-cluster
 * suite covers the same code at a small scale too.
 */
const GiB = 1024 * MiB;
const DATA = [
  { offset: 0, length: 2 * GiB + 256 * MiB, byte: 0x5a },
  { offset: 2 * GiB + 512 * MiB, length: MiB, byte: 0x6b },
];
const SIZE = 3 * GiB;

/** The disk's bytes, generated on read: no source file. */
class PatternSource implements ByteSource {
  readonly name = 'pattern.img';
  readonly size = SIZE;
  async read(offset: number, length: number): Promise<Uint8Array> {
    const bytes = new Uint8Array(Math.max(0, Math.min(length, SIZE - offset)));
    for (const region of DATA) {
      const from = Math.max(offset, region.offset);
      const to = Math.min(offset + bytes.length, region.offset + region.length);
      if (from < to) bytes.fill(region.byte, from - offset, to - offset);
    }
    return bytes;
  }
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * MiB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describeWithTools(['qemu-img', 'qemu-io'], 'qcow2 past 2 GiB of file: two refcount blocks', () => {
  it('single pass: clean, every byte as generated; the planned write gives the same file', async () => {
    const dir = tempDir('qcow2-large');
    const out = join(dir, 'large.qcow2');
    await copyDisk(new RawDisk(new PatternSource()), 'qcow2', await NodeFileSink.create(out));
    const size = statSync(out).size;
    expect(size).toBeGreaterThan(2 * GiB + 256 * MiB);
    const check = qemuCheck(out, 'qcow2');
    expect(check.output).toContain('No errors were found on the image.');
    expect(check.output).not.toMatch(/leak/i);
    expect(check.output).toContain(`Image end offset: ${size}`);
    const info = execFileSync('qemu-img', ['info', '--output=json', out], { encoding: 'utf8' });
    expect(JSON.parse(info)['virtual-size']).toBe(SIZE);
    const reads: string[] = [];
    for (let at = 0; at < SIZE; at += 256 * MiB) {
      const region = DATA.find((r) => at >= r.offset && at + 256 * MiB <= r.offset + r.length);
      if (region) reads.push('-c', `read -P ${region.byte} ${at} ${256 * MiB}`);
    }
    reads.push('-c', `read -P 0 ${2 * GiB + 256 * MiB} ${256 * MiB}`, '-c', `read -P 0x6b ${DATA[1]!.offset} ${MiB}`, '-c', `read -P 0 ${DATA[1]!.offset + MiB} ${MiB}`);
    const verified = execFileSync('qemu-io', ['-r', '-f', 'qcow2', ...reads, out], { encoding: 'utf8' });
    expect(verified).not.toMatch(/fail|error/i);
    expect(verified.match(/^read /gm)?.length).toBe(reads.length / 2);
    // Refcount table entries in use (the table is cluster 1): two blocks.
    const blocks = (() => {
      const bytes = execFileSync('dd', [`if=${out}`, 'bs=65536', 'skip=1', 'count=1', 'status=none']);
      let used = 0;
      for (let i = 0; i < bytes.length; i += 8) if (bytes.readBigUint64BE(i) !== 0n) used++;
      return used;
    })();
    expect(blocks).toBe(2);
    const singleDigest = await sha256(out);
    rmSync(out);
    // The planned write: a sink that cannot patch.
    const file = await NodeFileSink.create(out);
    const forwardOnly: ByteSink = { name: file.name, write: (c) => file.write(c), close: () => file.close(), abort: () => file.abort() };
    await copyDisk(new RawDisk(new PatternSource()), 'qcow2', forwardOnly);
    expect(await sha256(out)).toBe(singleDigest);
    rmSync(dir, { recursive: true });
  }, 600_000);
});
