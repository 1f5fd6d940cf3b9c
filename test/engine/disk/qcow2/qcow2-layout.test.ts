import { describe, expect, it } from 'vitest';
import { Qcow2Appender, STORED_RAW, type Qcow2Piece } from '../../../../src/engine/disk/qcow2/qcow2-appender';
import { decodeL2Entry, emptyMapping } from '../../../../src/engine/disk/qcow2/qcow2-l2-entry';
import { OUTPUT_GEOMETRY, planQcow2Prefix, qcow2Geometry, type Qcow2Prefix } from '../../../../src/engine/disk/qcow2/qcow2-layout';
import { isVmferryError } from '../../../../src/engine/errors';

const TiB = 2 ** 40;
const SMALL = qcow2Geometry(9); // 512-byte clusters: 64 entries per table, 256 refcounts per block

/** The clusters the bound counts besides the refcount blocks. */
function boundWithoutBlocks(prefix: Qcow2Prefix): number {
  const guestClusters = Math.ceil(prefix.virtualSize / prefix.geometry.clusterSize);
  return 1 + prefix.refcountTableClusters + prefix.l1TableClusters + guestClusters + prefix.l1Entries;
}

describe('qcow2 prefix: header, refcount table, L1 table', () => {
  it('sizes the refcount table for the largest file the disk can give, at the fixed point', () => {
    for (const geometry of [OUTPUT_GEOMETRY, SMALL]) {
      for (const size of [0, 1, 512, 65536, 65537, 2 ** 20, 3 * 2 ** 30 + 512, 2 * TiB, 20 * TiB, 100 * TiB]) {
        if (geometry === SMALL && size > 2 ** 34) continue; // past qemu's 32 MiB L1 limit at 512-byte clusters
        const prefix = planQcow2Prefix(size, geometry);
        const blocks = prefix.maxClusters - boundWithoutBlocks(prefix);
        // The blocks count every cluster of the bound, themselves included, and not one block more.
        expect(blocks, `${size}`).toBe(Math.ceil(prefix.maxClusters / geometry.refcountsPerBlock));
        expect(prefix.refcountTableClusters, `${size}`).toBe(Math.ceil(blocks / geometry.entriesPerCluster));
        expect(prefix.l1Entries).toBe(Math.ceil(Math.ceil(size / geometry.clusterSize) / geometry.entriesPerCluster));
        expect(prefix.appendOffset).toBe((1 + prefix.refcountTableClusters + prefix.l1TableClusters) * geometry.clusterSize);
      }
    }
  });

  it('one refcount table cluster up to 16 TiB of file, two above', () => {
    expect(planQcow2Prefix(2 * TiB).refcountTableClusters).toBe(1);
    expect(planQcow2Prefix(15 * TiB).refcountTableClusters).toBe(1);
    expect(planQcow2Prefix(20 * TiB).refcountTableClusters).toBe(2);
    expect(planQcow2Prefix(2 * TiB).l1Entries).toBe(4096);
  });

  it('finds the case where the refcount block counting the rest needs a block of its own', () => {
    let jumps = 0;
    for (let size = 0; size < 600 * 512; size += 512) {
      const prefix = planQcow2Prefix(size, SMALL);
      const base = boundWithoutBlocks(prefix);
      const blocks = prefix.maxClusters - base;
      expect(blocks).toBe(Math.ceil((base + blocks) / SMALL.refcountsPerBlock));
      if (Math.ceil(base / SMALL.refcountsPerBlock) < blocks) jumps++;
    }
    expect(jumps).toBeGreaterThan(0);
  });

  it('an empty disk has no L1 cluster and l1_table_offset 0', () => {
    const prefix = planQcow2Prefix(0);
    expect(prefix.l1Entries).toBe(0);
    expect(prefix.l1TableClusters).toBe(0);
    expect(prefix.l1TableOffset).toBe(0);
  });

  it('refuses a disk past qemu’s 32 MiB L1 limit', () => {
    let error: unknown;
    try {
      planQcow2Prefix(2 ** 52);
    } catch (caught) {
      error = caught;
    }
    expect(isVmferryError(error, 'unsupported')).toBe(true);
  });
});

/** Deterministic pseudo-random numbers (xorshift32). */
function random(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

interface Placed {
  guest: number;
  at: number;
  length: number;
}

/** Runs the appender over a sequence and keeps what it placed. */
function place(prefix: Qcow2Prefix, sequence: { guest: number; length: number }[]) {
  const appender = new Qcow2Appender(prefix);
  const pieces: Qcow2Piece[] = [];
  const data: Placed[] = [];
  for (const { guest, length } of sequence) {
    const at = appender.place(guest, length);
    for (const piece of appender.tables) expect(piece.offset + piece.bytes.length).toBeLessThanOrEqual(at);
    pieces.push(...appender.tables);
    appender.tables.length = 0;
    data.push({ guest, at, length });
  }
  const size = appender.finish();
  pieces.push(...appender.tables);
  return { size, pieces, data, l1: appender.l1Table, refcountTable: appender.refcountTable };
}

/**
 * A check in the spirit of `qemu-img check`, on what the appender placed: follows header, refcount table, L1 and
 * L2 tables (decoded with the reader's L2 decoder), counts every reference to every host cluster (compressed
 * clusters to the end of their last sector), and compares with the refcount blocks. Also: nothing overlaps, the L2
 * entries map exactly the placed clusters, and the refcount blocks cover the whole file.
 */
function checkLayout(prefix: Qcow2Prefix, placed: ReturnType<typeof place>): void {
  const { clusterSize, clusterBits, entriesPerCluster, refcountsPerBlock } = prefix.geometry;
  const clusters = placed.size / clusterSize;
  expect(Number.isInteger(clusters)).toBe(true);
  expect(clusters).toBeLessThanOrEqual(prefix.maxClusters);
  const tableAt = new Map(placed.pieces.map((piece) => [piece.offset, piece.bytes]));
  const references = new Uint32Array(clusters);
  const owner = new Int32Array(clusters).fill(-1); // -1 free, -2 metadata, else first guest cluster using it
  const claimMetadata = (offset: number) => {
    expect(offset % clusterSize).toBe(0);
    expect(owner[offset / clusterSize]).toBe(-1);
    owner[offset / clusterSize] = -2;
    references[offset / clusterSize]!++;
  };
  for (let c = 0; c < prefix.appendOffset / clusterSize; c++) claimMetadata(c * clusterSize);
  // L1 → L2 → data.
  const l1 = new DataView(placed.l1.buffer);
  const byGuest = new Map(placed.data.map((d) => [d.guest, d]));
  let mapped = 0;
  const mapping = emptyMapping();
  for (let i = 0; i < prefix.l1Entries; i++) {
    const high = l1.getUint32(i * 8);
    const low = l1.getUint32(i * 8 + 4);
    if (high === 0 && low === 0) continue;
    expect(high >>> 31).toBe(1); // copied
    const offset = (high & 0xffffff) * 2 ** 32 + low;
    claimMetadata(offset);
    const table = new DataView(tableAt.get(offset)!.buffer);
    for (let e = 0; e < entriesPerCluster; e++) {
      decodeL2Entry(table, e, { clusterBits, extendedL2: false }, mapping);
      if (mapping.kind === 'unallocated') continue;
      const guest = i * entriesPerCluster + e;
      const expected = byGuest.get(guest);
      // Checked without expect() per entry, which is slow; a failure names the entry.
      const fail = (what: string) => expect(`guest cluster ${guest}: ${what}`).toBe('');
      if (!expected) fail('mapped but never placed');
      if (mapping.hostOffset !== expected!.at) fail(`maps to ${mapping.hostOffset}, placed at ${expected!.at}`);
      mapped++;
      if (mapping.kind === 'data') {
        if (expected!.length !== STORED_RAW) fail('stored raw, placed compressed');
        if (table.getUint32(e * 8) >>> 31 !== 1) fail('copied flag missing');
        if (owner[mapping.hostOffset / clusterSize] !== -1) fail('host cluster already used');
        owner[mapping.hostOffset / clusterSize] = guest;
        references[mapping.hostOffset / clusterSize]!++;
      } else {
        if (mapping.kind !== 'compressed') fail(mapping.kind);
        if (mapping.hostOffset + mapping.compressedLength !== Math.ceil((expected!.at + expected!.length) / 512) * 512) fail('wrong sector count');
        for (let c = Math.floor(mapping.hostOffset / clusterSize); c <= Math.floor((mapping.hostOffset + mapping.compressedLength - 1) / clusterSize); c++) {
          if (owner[c] === -2) fail(`compressed bytes over metadata cluster ${c}`);
          references[c]!++;
        }
      }
    }
  }
  expect(mapped).toBe(placed.data.length);
  // Refcount table → blocks.
  const table = new DataView(placed.refcountTable.buffer);
  const counts = new Uint32Array(clusters);
  const blocks = Math.ceil(clusters / refcountsPerBlock);
  for (let k = 0; k < placed.refcountTable.length / 8; k++) {
    const offset = table.getUint32(k * 8) * 2 ** 32 + table.getUint32(k * 8 + 4);
    if (k >= blocks) {
      expect(offset, `refcount table entry ${k}`).toBe(0);
      continue;
    }
    expect(offset, `refcount table entry ${k}`).toBeGreaterThan(0);
    claimMetadata(offset);
    const block = new DataView(tableAt.get(offset)!.buffer);
    for (let i = 0; i < refcountsPerBlock; i++) {
      const cluster = k * refcountsPerBlock + i;
      const count = block.getUint16(i * 2);
      if (cluster < clusters) counts[cluster] = count;
      else if (count !== 0) expect(`cluster ${cluster} past the end has refcount ${count}`).toBe('');
    }
  }
  for (let c = 0; c < clusters; c++) {
    if (counts[c] !== references[c]) expect(`cluster ${c}: refcount ${counts[c]}`).toBe(`cluster ${c}: refcount ${references[c]}`);
  }
  // No cluster of the file is left unreferenced (a leak).
  expect(references.every((r) => r > 0)).toBe(true);
}

describe('qcow2 appender: data in guest order, L2 tables and refcount blocks as they become final', () => {
  it('an empty disk and a disk with nothing stored: header, tables, one refcount block', () => {
    for (const size of [0, 3 * 2 ** 20]) {
      const prefix = planQcow2Prefix(size);
      const placed = place(prefix, []);
      expect(placed.size).toBe(prefix.appendOffset + 65536);
      checkLayout(prefix, placed);
    }
  });

  it('uncompressed: sizes follow header + tables + data + one L2 per L1 entry used + blocks', () => {
    const prefix = planQcow2Prefix(64 * 2 ** 20, SMALL); // 2048 L1 entries of 32 KiB
    const sequence = Array.from({ length: 3000 }, (_, i) => ({ guest: i * 7, length: STORED_RAW }));
    const placed = place(prefix, sequence);
    const l2Tables = new Set(sequence.map((s) => Math.floor(s.guest / 64))).size;
    const withoutBlocks = prefix.appendOffset / 512 + 3000 + l2Tables;
    const blocks = Math.ceil(placed.size / 512 / 256);
    expect(placed.size / 512).toBe(withoutBlocks + blocks);
    expect(blocks).toBeGreaterThan(10);
    checkLayout(prefix, placed);
  });

  it('random sequences of raw and packed compressed clusters, small clusters: every reference counted', () => {
    const next = random(7);
    for (let round = 0; round < 200; round++) {
      const guestClusters = 1 + Math.floor(next() * 4000);
      const prefix = planQcow2Prefix(guestClusters * 512 - Math.floor(next() * 511), SMALL);
      const density = next();
      const compressedShare = round % 3 === 0 ? 0 : next();
      const sequence: { guest: number; length: number }[] = [];
      for (let guest = 0; guest < guestClusters; guest++) {
        if (next() > density) continue;
        const edge = [1, 2, 255, 256, 257, 510, 511][Math.floor(next() * 7)]!;
        const length = next() < compressedShare ? (next() < 0.3 ? edge : 1 + Math.floor(next() * 511)) : STORED_RAW;
        sequence.push({ guest, length });
      }
      checkLayout(prefix, place(prefix, sequence));
    }
  });

  it('refuses clusters out of order and compressed lengths of a whole cluster', () => {
    const appender = new Qcow2Appender(planQcow2Prefix(2 ** 20));
    appender.place(3, STORED_RAW);
    expect(() => appender.place(3, STORED_RAW)).toThrow(/out of order/);
    expect(() => appender.place(4, 65536)).toThrow(/compressed length/);
    expect(() => appender.place(16, STORED_RAW)).toThrow(/out of order/);
  });
});
