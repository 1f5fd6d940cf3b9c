import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { NodeFileSource } from '../../../../src/cli/node-file-source';
import { gunzipChunks } from '../../../../src/engine/archive/gzip';
import { readChunks } from '../../../../src/engine/io/byte-source';
import { openStreamOptimizedForward, type ForwardStream } from '../../../../src/engine/disk/vmdk/stream-forward';
import { convertFile, makeMixedRaw, MiB, qemuImg } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { expectVmferryError } from './vmdk-test-helpers';

/** Lays the grains of a forward stream into a buffer of the disk's size (test disks are small). */
async function assemble(stream: ForwardStream): Promise<{ bytes: Buffer; grains: number }> {
  const bytes = Buffer.alloc(stream.virtualSize);
  let grains = 0;
  for await (const grain of stream.grains) {
    bytes.set(grain.data, grain.lba * 512);
    grains++;
  }
  return { bytes, grains };
}

async function forwardFromFile(path: string, chunkSize = 100_000): Promise<{ bytes: Buffer; grains: number }> {
  const source = await NodeFileSource.open(path);
  try {
    return await assemble(await openStreamOptimizedForward(readChunks(source, { chunkSize }), source.name));
  } finally {
    await source.close();
  }
}

describeWithTools(['qemu-img', 'gzip', 'truncate'], 'streamOptimized read front to back (no footer, no seeking)', () => {
  let dir: string;
  let raw: Buffer;
  beforeAll(() => {
    dir = tempDir('vmdk-forward');
    makeMixedRaw(join(dir, 'mixed.img'), 32 * MiB);
    raw = readFileSync(join(dir, 'mixed.img'));
    qemuImg('convert', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', join(dir, 'mixed.img'), join(dir, 'qemu.vmdk'));
  });

  it('a qemu-made file (tables at the top, no end-of-stream marker) gives the source bytes', async () => {
    const { bytes, grains } = await forwardFromFile(join(dir, 'qemu.vmdk'));
    expect(grains).toBeGreaterThan(50);
    expect(bytes.equals(raw)).toBe(true);
  });

  it('the same file gzipped, inflated as it is read (an OVA member .vmdk.gz)', async () => {
    execFileSync('gzip', ['-k', '-f', join(dir, 'qemu.vmdk')]);
    const gz = await NodeFileSource.open(join(dir, 'qemu.vmdk.gz'));
    try {
      const { bytes } = await assemble(await openStreamOptimizedForward(gunzipChunks(gz), gz.name));
      expect(bytes.equals(raw)).toBe(true);
    } finally {
      await gz.close();
    }
  });

  it('our own output (GT and GD markers, footer, end-of-stream marker) gives the source bytes, in odd 509-byte chunks too', async () => {
    await convertFile(join(dir, 'mixed.img'), join(dir, 'ours.vmdk'), 'vmdk');
    expect((await forwardFromFile(join(dir, 'ours.vmdk'))).bytes.equals(raw)).toBe(true);
    expect((await forwardFromFile(join(dir, 'ours.vmdk'), 509)).bytes.equals(raw)).toBe(true);
  });

  it('a stream cut inside a grain is reported as truncated, naming the grain', async () => {
    const whole = readFileSync(join(dir, 'qemu.vmdk'));
    const cut = join(dir, 'cut.vmdk');
    // qemu puts the first grain at 64 KiB: cut 100 bytes into it.
    writeFileSync(cut, whole.subarray(0, 65536 + 100));
    await expectVmferryError(forwardFromFile(cut), 'truncated', 'cut.vmdk', /grain at LBA 0/);
  });

  it('a monolithicSparse file is refused: it has no markers to read by', async () => {
    qemuImg('convert', '-f', 'raw', '-O', 'vmdk', join(dir, 'mixed.img'), join(dir, 'sparse.vmdk'));
    await expectVmferryError(forwardFromFile(join(dir, 'sparse.vmdk')), 'unsupported', 'sparse.vmdk', 'markers');
  });
});
