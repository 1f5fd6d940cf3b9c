import { describe, expect, it } from 'vitest';
import { buildEntryHeaders } from '../../../src/engine/archive/tar-header-build';
import { writeChecksum } from '../../../src/engine/archive/tar-checksum';
import { listTar } from '../../../src/engine/archive/tar-reader';
import { MemorySource } from '../../../src/engine/io/memory-source';

const entry = (name: string, mtime: number) => buildEntryHeaders({ name, size: 0, mtime, mode: 0o644, typeflag: '0' });

describe('pax global headers', () => {
  it('apply to every later member, over the ustar fields, unless a per-file record says otherwise', async () => {
    // An entry with a negative mtime needs a pax record: turn its 'x' header into a 'g' header.
    const global = entry('ignored', -5).slice(0, 1024);
    global[156] = 'g'.charCodeAt(0);
    writeChecksum(global.subarray(0, 512));
    const perFile = entry('c', -9); // 'x' header with mtime=-9, then the ustar header
    const archive = new Uint8Array([...global, ...entry('a', 7), ...entry('b', 8), ...perFile, ...new Uint8Array(1024)]);
    const listing = await listTar(new MemorySource(archive, 'g.tar'));
    expect(listing.members.map((m) => [m.name, m.mtime])).toEqual([
      ['a', -5],
      ['b', -5],
      ['c', -9],
    ]);
  });
});
