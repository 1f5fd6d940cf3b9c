import { describe, expect, it } from 'vitest';
import { batEntryCount, chunkRatioOf, payloadEntryIndex } from '../../../../src/engine/disk/vhdx/bat';
import { formatGuid, parseGuid, randomGuid } from '../../../../src/engine/disk/vhdx/guid';
import { randomIdentity } from '../../../../src/engine/disk/identity';
import { chooseBlockSize, planLayout } from '../../../../src/engine/disk/vhdx/layout';
import { ReplayedSource } from '../../../../src/engine/disk/vhdx/replayed-source';
import { bitRuns } from '../../../../src/engine/disk/vhdx/sector-bitmap';
import { MemorySource } from '../../../../src/engine/io/memory-source';

const MiB = 1024 * 1024;
const TiB = 1024 * 1024 * MiB;

describe('VHDX building blocks', () => {
  it('GUIDs: the stored byte order of the specification (Data1..3 little-endian), as qemu-img writes the BAT GUID', () => {
    const bat = parseGuid('{2DC27766-F623-4200-9D64-115E9BFD4A08}')!;
    expect(Buffer.from(bat).toString('hex')).toBe('6677c22d23f600429d64115e9bfd4a08');
    expect(formatGuid(bat)).toBe('{2DC27766-F623-4200-9D64-115E9BFD4A08}');
    expect(parseGuid('not a guid')).toBeNull();
    const fresh = randomGuid(randomIdentity, 'test');
    expect(formatGuid(fresh)).toMatch(/^\{[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}\}$/);
    expect(formatGuid(randomGuid(randomIdentity, 'test'))).not.toBe(formatGuid(fresh));
  });

  it('BAT sizes and interleaving (2.5)', () => {
    // 512-byte sectors: a chunk is 2^23 sectors = 4 GiB, so 2048 blocks of 2 MiB.
    expect(chunkRatioOf({ blockSize: 2 * MiB, logicalSectorSize: 512 })).toBe(2048);
    expect(chunkRatioOf({ blockSize: 32 * MiB, logicalSectorSize: 4096 })).toBe(1024);
    const geometry = { virtualSize: 4096 * MiB + 16 * MiB, blockSize: 2 * MiB, logicalSectorSize: 512 };
    expect(batEntryCount({ ...geometry, hasParent: false })).toBe(2056 + 1); // ends with the last payload entry
    expect(batEntryCount({ ...geometry, hasParent: true })).toBe(2 * 2049); // ends with the last chunk's bitmap entry
    expect(batEntryCount({ ...geometry, virtualSize: 0, hasParent: false })).toBe(0);
    expect([0, 2047, 2048, 4095, 4096].map((block) => payloadEntryIndex(block, 2048))).toEqual([0, 2047, 2049, 4096, 4098]);
  });

  it('block sizes we write: 1 MiB up to 1 TiB, then doubling to keep the BAT at 2^20 payload entries', () => {
    expect(chooseBlockSize(64 * MiB)).toBe(MiB);
    expect(chooseBlockSize(TiB)).toBe(MiB);
    expect(chooseBlockSize(TiB + 512)).toBe(2 * MiB);
    expect(chooseBlockSize(64 * TiB)).toBe(64 * MiB);
    expect(planLayout(10 * MiB + 1)).toMatchObject({ virtualSize: 10 * MiB + 512, blockSize: MiB, batEntries: 11, batLength: MiB, dataOffset: 4 * MiB });
    expect(planLayout(64 * TiB)).toMatchObject({ blockSize: 64 * MiB, batEntries: 2 ** 20 + 2 ** 20 / 64 - 1, batLength: 9 * MiB });
  });

  it('bit runs of a sector bitmap, bit 0 of byte 0 first', () => {
    const bits = new Uint8Array(4);
    bits[0] = 0b0000_0110; // sectors 1, 2
    bits[2] = 0xff; // sectors 16..23
    bits[3] = 0x01; // sector 24
    expect([...bitRuns(bits, 0, 32)]).toEqual([
      [0, 1, false],
      [1, 3, true],
      [3, 16, false],
      [16, 25, true],
      [25, 32, false],
    ]);
    expect([...bitRuns(bits, 2, 18)]).toEqual([
      [2, 3, true],
      [3, 16, false],
      [16, 18, true],
    ]);
  });

  it('a replayed file: later log writes win, zero ranges hide earlier sectors, the file grows to LastFileOffset', async () => {
    const base = new MemorySource(new Uint8Array(16384).fill(1), 'f.vhdx');
    const replayed = new ReplayedSource(base, 20480);
    replayed.writeSector(4096, new Uint8Array(4096).fill(2));
    replayed.writeSector(8192, new Uint8Array(4096).fill(3));
    replayed.writeZeros(8192, 8192); // hides sector 8192 and zeroes 12288..16383
    replayed.writeSector(12288, new Uint8Array(4096).fill(4)); // lands on top of the zeros
    const bytes = await replayed.read(0, 20480);
    const at = (offset: number) => bytes[offset];
    expect([at(0), at(4096), at(8191), at(8192), at(12287), at(12288), at(16383), at(16384), at(20479)]).toEqual([1, 2, 2, 0, 0, 4, 4, 0, 0]);
    expect(Array.from(await replayed.read(4090, 12))).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
    expect(replayed.size).toBe(20480);
  });
});
