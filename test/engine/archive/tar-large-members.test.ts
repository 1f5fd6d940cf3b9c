import { closeSync, openSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listTar } from '../../../src/engine/archive/tar-reader';
import { TarWriter } from '../../../src/engine/archive/tar-writer';
import { describeWithTools } from '../../support/tools';
import { FileSource, makeTempDir, run, runAsync, SparseFileSink } from './support';

/**
 * Members over 8 GiB, the ustar limit (disk-formats notes c22), both ways: archives GNU tar writes in GNU format
 * (base-256 size) and pax format (`size=` record), read by listTar; and TarWriter output read by GNU tar.
 *
 * Keeping it light: the 8 GiB file is a hole made by `truncate` (no disk), with short markers at both ends so
 * that a wrong data offset or size shows. GNU tar writes its archive to a pipe (with 1 MiB records, -b 2048) and
 * `dd conv=sparse` stores it, turning zero blocks back into holes, so each archive costs a few MB of disk. The
 * pipe is the slow part, about 1 GB/s here: the two archives are made at the same time, roughly 10 s in all.
 * TarWriter writes to SparseFileSink, which skips zero chunks. Checking its big member byte-exact pipes 8 GiB
 * is done by `tar --compare` against the sparse original, in-process (no pipe): about a second.
 */
const BIG = 8 * 1024 ** 3 + 12_345; // over 8 GiB, and not a multiple of 512
const BEGIN = 'BEGIN-OF-BIG-MEMBER';
const END = 'END-OF-BIG-MEMBER';
const AFTER = 'the member after the big one\n';

let temp: ReturnType<typeof makeTempDir>;
const path = (name: string) => join(temp.dir, name);

function makeBigFile(file: string): void {
  run('truncate', ['-s', String(BIG), file]);
  const fd = openSync(file, 'r+');
  writeSync(fd, BEGIN, 0);
  writeSync(fd, END, BIG - END.length);
  closeSync(fd);
}

describeWithTools(['tar', 'truncate', 'dd'], 'tar members over 8 GiB', () => {
  beforeAll(async () => {
    temp = makeTempDir('tar-large');
    makeBigFile(path('big.bin'));
    writeFileSync(path('after.txt'), AFTER);
    const started = Date.now();
    await Promise.all(
      ['gnu', 'pax'].map((format) =>
        runAsync(
          'sh',
          ['-c', `tar -b 2048 --format=${format} -cf - big.bin after.txt | dd of=${format}.tar bs=1M iflag=fullblock conv=sparse status=none`],
          { cwd: temp.dir },
        ),
      ),
    );
    console.log(`tar-large: GNU tar wrote two ${BIG}-byte members in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 180_000);

  afterAll(() => temp?.cleanup());

  for (const format of ['gnu', 'pax']) {
    it(`reads the size of a GNU tar --format=${format} member over 8 GiB and finds the data after it`, async () => {
      const source = new FileSource(path(`${format}.tar`));
      const listing = await listTar(source);
      expect(listing.files.map((m) => [m.name, m.size])).toEqual([
        ['big.bin', BIG],
        ['after.txt', AFTER.length],
      ]);
      const big = listing.files[0]!;
      const text = async (offset: number, length: number) => new TextDecoder().decode(await big.source.read(offset, length));
      expect(await text(0, BEGIN.length)).toBe(BEGIN);
      expect(await text(BIG - END.length, 100)).toBe(END);
      expect(new TextDecoder().decode(await listing.files[1]!.source.read(0, 100))).toBe(AFTER);
      // The feature under test really is there: a base-256 size field, or a pax header before the member.
      const header = await source.read(0, 512);
      if (format === 'gnu') expect(header[124]).toBe(0x80);
      else expect(String.fromCharCode(header[156]!)).toBe('x');
      expect(source.bytesRead).toBeLessThan(64 * 1024 + 512);
      source.close();
    });
  }

  it('writes a member over 8 GiB that GNU tar lists and extracts byte-exact', async () => {
    const started = Date.now();
    const out = path('written.tar');
    const writer = new TarWriter(new SparseFileSink(out));
    await writer.addFile('big.bin', BIG, bigMemberChunks(), { mtime: 1_700_000_000 });
    await writer.addFile('after.txt', AFTER.length, [new TextEncoder().encode(AFTER)], { mtime: 1_700_000_000 });
    await writer.finish();
    const wrote = Date.now();

    const listing = run('tar', ['-tvf', out]).trim().split('\n');
    expect(listing).toHaveLength(2);
    expect(listing[0]).toMatch(new RegExp(`^-rw-r--r-- \\S+\\s+${BIG} .* big\\.bin$`));
    expect(listing[1]).toMatch(new RegExp(`^-rw-r--r-- \\S+\\s+${AFTER.length} .* after\\.txt$`));
    // GNU tar seeks over the big member to reach the one after it.
    expect(run('tar', ['-b', '2048', '-xOf', out, 'after.txt'])).toBe(AFTER);
    // GNU tar --compare reads each member's data as extraction does and compares it with the file on disk: size,
    // mode, time and every byte, without pushing 8 GiB through a pipe. 1 MiB records (-b 2048) make it read the
    // holes in large pieces: about 1 s instead of 12 s with the default 10 KiB records (`tar -xO | cmp`: 12 s).
    utimesSync(path('big.bin'), 1_700_000_000, 1_700_000_000);
    utimesSync(path('after.txt'), 1_700_000_000, 1_700_000_000);
    run('chmod', ['0644', path('big.bin'), path('after.txt')]);
    await runAsync('tar', ['-b', '2048', '--compare', '-f', 'written.tar', 'big.bin', 'after.txt'], { cwd: temp.dir });
    console.log(
      `tar-large: TarWriter wrote ${BIG} bytes in ${((wrote - started) / 1000).toFixed(1)} s; GNU tar checked them in ${((Date.now() - wrote) / 1000).toFixed(1)} s`,
    );
  }, 180_000);
});

/** The same content as big.bin: zeros with the two markers, in 1 MiB chunks (the zero chunk is reused). */
async function* bigMemberChunks(): AsyncGenerator<Uint8Array> {
  const chunkSize = 1024 * 1024;
  const zeros = new Uint8Array(chunkSize);
  for (let offset = 0; offset < BIG; offset += chunkSize) {
    const length = Math.min(chunkSize, BIG - offset);
    const isFirst = offset === 0;
    const isLast = offset + length === BIG;
    if (!isFirst && !isLast) {
      yield zeros;
      continue;
    }
    const chunk = new Uint8Array(length);
    if (isFirst) chunk.set(new TextEncoder().encode(BEGIN), 0);
    if (isLast) chunk.set(new TextEncoder().encode(END), length - END.length);
    yield chunk;
  }
}
