import { describe, expect, it } from 'vitest';
import { openVhd } from '../../../../src/engine/disk/vhd/open-vhd';
import { MemorySource } from '../../../../src/engine/io/memory-source';
import { MiB, pseudoRandom } from '../../../support/disks';
import { buildVhd, footerBytes, newUuid, sealFooter, sealHeader, SECTOR } from './vhd-spec-builder';
import { openBytes, rejection } from './vhd-test-helpers';

/**
 * Damaged and hostile VHDs: each gives a clear error that names the file and the structure, quickly and
 * without allocating what the file claims.
 */
const SIZE = 6 * MiB;
const dynamic = () =>
  buildVhd({
    type: 'dynamic',
    size: SIZE,
    blockSize: 2 * MiB,
    uuid: newUuid(),
    writes: [
      { sector: 0, data: pseudoRandom(4096, 1) },
      { sector: 4096, data: pseudoRandom(512, 2) },
      { sector: 8192 + 7, data: pseudoRandom(512, 3) },
    ],
  });

const HEADER = 512;
const TABLE = 1536;
const fail = (bytes: Uint8Array, name = 'bad.vhd') => rejection(openBytes(bytes, name));

describe('VHD bad input', () => {
  it('a file cut short, footer gone from the end', async () => {
    const file = dynamic();
    const error = await fail(file.subarray(0, file.length - 100), 'cut.vhd');
    expect(error.code).toBe('truncated');
    expect(error.message).toBe(
      `cut.vhd (at byte ${file.length - 100}): The VHD footer is missing from the end of the file (the copy at the start is there): ` +
        'the file was cut short. Copy or download the disk again; the end of the file is missing',
    );
  });

  it('a file too short to hold a footer', async () => {
    const error = await rejection(openVhd(new MemorySource(dynamic().subarray(0, 300), 'stub.vhd'), { find: async () => null }));
    expect(error.code).toBe('truncated');
    expect(error.message).toBe('stub.vhd: File is 300 bytes, too short to hold a VHD footer (512 bytes)');
  });

  it('a footer whose checksum does not match', async () => {
    const file = dynamic();
    file[file.length - 512 + 30]! ^= 0x01;
    const error = await fail(file);
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(new RegExp(`^bad\\.vhd \\(at byte ${file.length - 512}\\): VHD footer checksum is 0x[0-9a-f]{8} but the footer sums to 0x[0-9a-f]{8}$`));
  });

  it('a dynamic disk header whose checksum does not match, or whose cookie is wrong', async () => {
    const file = dynamic();
    file.writeUInt32BE(7, HEADER + 28 + 0); // max table entries changed, checksum left stale
    let error = await fail(file);
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/^bad\.vhd \(at byte 512\): VHD dynamic disk header checksum is 0x[0-9a-f]{8} but the header sums to/);
    file.write('cxspar5e', HEADER, 'latin1');
    sealHeader(file);
    error = await fail(file);
    expect(error.message).toBe('bad.vhd (at byte 512): VHD dynamic disk header cookie is "cxspar5e", expected "cxsparse"');
  });

  it('a BAT entry that points past the end of the file', async () => {
    const file = dynamic();
    file.writeUInt32BE(0x00ffffff, TABLE + 2 * 4);
    const error = await fail(file);
    expect(error.code).toBe('corrupt');
    expect(error.message).toBe(`bad.vhd (at byte ${TABLE + 8}): VHD block allocation table entry 2 points to sector 16777215, past the end of the file`);
  });

  it('an absurd max table entries, refused at once without allocating the table', async () => {
    const file = dynamic();
    file.writeUInt32BE(0x7fffffff, HEADER + 28);
    sealHeader(file);
    const started = performance.now();
    const error = await fail(file);
    expect(performance.now() - started).toBeLessThan(200);
    expect(error.code).toBe('corrupt');
    expect(error.message).toBe(`bad.vhd (at byte ${TABLE}): VHD block allocation table declares 2147483647 entries (8589934588 bytes) in a file of ${file.length} bytes`);
  });

  it('a BAT too small for the disk, and one that runs past the end of the file', async () => {
    const file = dynamic();
    file.writeUInt32BE(1, HEADER + 28);
    sealHeader(file);
    let error = await fail(file);
    expect(error.message).toBe(`bad.vhd (at byte ${TABLE}): VHD block allocation table has 1 entries but the disk spans 3 blocks of 2097152 bytes`);
    const moved = dynamic();
    moved.writeBigUInt64BE(BigInt(moved.length - 520), HEADER + 16);
    sealHeader(moved);
    error = await fail(moved);
    expect(error.code).toBe('corrupt');
    expect(error.message).toBe(`bad.vhd (at byte ${moved.length - 520}): VHD block allocation table (3 entries) runs past the end of the file`);
  });

  it('two footer copies that disagree on what the disk is; a damaged start copy alone is tolerated', async () => {
    const file = dynamic();
    file.writeBigUInt64BE(BigInt(SIZE + MiB), 48);
    sealFooter(file, 0);
    const error = await fail(file);
    expect(error.code).toBe('corrupt');
    expect(error.message).toBe(
      `bad.vhd: The two copies of the VHD footer disagree on the current size: ${SIZE + MiB} at the start, ${SIZE} at the end. ` +
        'The file was probably modified while being copied; take a fresh copy of the disk',
    );
    file[70]! ^= 0xff; // now the start copy's checksum fails: the end copy decides
    const disk = await openBytes(file, 'bad.vhd');
    expect(disk.virtualSize).toBe(SIZE);
  });

  it('a disk type that does not exist, and a format version from the future', async () => {
    const file = dynamic();
    for (const at of [0, file.length - 512]) {
      file.writeUInt32BE(5, at + 60);
      sealFooter(file, at);
    }
    let error = await fail(file);
    expect(error.code).toBe('unsupported');
    expect(error.message).toMatch(/VHD disk type 5 \(reserved \(deprecated\)\); only fixed \(2\), dynamic \(3\) and differencing \(4\) disks exist$/);
    const future = dynamic();
    future.writeUInt32BE(0x00020000, future.length - 512 + 12);
    sealFooter(future, future.length - 512);
    error = await fail(future);
    expect(error.code).toBe('unsupported');
    expect(error.message).toContain('VHD footer file format version 2.0');
  });

  it('a footer that places the header outside the file, or says it has none', async () => {
    for (const offset of [BigInt(50 * MiB), 0xffffffffffffffffn]) {
      const file = dynamic();
      for (const at of [0, file.length - 512]) {
        file.writeBigUInt64BE(offset, at + 16);
        sealFooter(file, at);
      }
      const error = await fail(file);
      expect(error.code).toBe('corrupt');
      expect(error.message).toContain(`VHD footer places the dynamic disk header at byte ${offset === 0xffffffffffffffffn ? 'none' : offset}, outside the file`);
    }
  });

  it('a block size that is not a power of two', async () => {
    const file = dynamic();
    file.writeUInt32BE(3 * 512, HEADER + 32);
    sealHeader(file);
    const error = await fail(file);
    expect(error.code).toBe('corrupt');
    expect(error.message).toBe('bad.vhd (at byte 512): VHD dynamic disk header block size 1536 is not a power of two of at least 512 bytes');
  });

  it('a current size no file can have', async () => {
    const file = dynamic();
    for (const at of [0, file.length - 512]) {
      file.writeBigUInt64BE(1n << 60n, at + 48);
      sealFooter(file, at);
    }
    const error = await fail(file);
    expect(error.code).toBe('corrupt');
    expect(error.message).toBe(`bad.vhd (at byte ${file.length - 512}): VHD footer current size is ${1n << 60n}, beyond any possible file`);
  });

  it('a fixed disk that declares more data than the file holds', async () => {
    const data = Buffer.alloc(MiB);
    data.write('some data', 4096);
    const footer = footerBytes({ type: 'fixed', size: 2 * MiB, uuid: newUuid() });
    const error = await fail(Buffer.concat([data, footer]), 'short-fixed.vhd');
    expect(error.code).toBe('corrupt');
    expect(error.message).toBe(`short-fixed.vhd: Fixed VHD declares a disk of ${2 * MiB} bytes but holds only ${MiB} bytes before its footer`);
  });

  it('still reads a fixed disk with the 511-byte footer of Virtual PC before 2004', async () => {
    const data = pseudoRandom(MiB, 4);
    const footer = footerBytes({ type: 'fixed', size: MiB, uuid: newUuid(), creator: 'vpc ', geometry: { cylinders: 30, heads: 4, sectorsPerTrack: 17 } });
    const disk = await openVhd(new MemorySource(Buffer.concat([data, footer.subarray(0, 511)]), 'old.vhd'), { find: async () => null });
    expect([disk.subformat, disk.virtualSize]).toEqual(['fixed', 30 * 4 * 17 * SECTOR]);
    expect(Buffer.from(await disk.read(0, disk.virtualSize)).equals(data.subarray(0, disk.virtualSize))).toBe(true);
  });
});
