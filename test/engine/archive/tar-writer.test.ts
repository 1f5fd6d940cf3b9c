import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTar } from '../../../src/engine/archive/tar-reader';
import { TarWriter } from '../../../src/engine/archive/tar-writer';
import { MemorySink, type ByteSink } from '../../../src/engine/io/byte-sink';
import { MemorySource } from '../../../src/engine/io/memory-source';
import { describeWithTools } from '../../support/tools';
import { expectVmferryError, makeTempDir, pseudoRandomBytes, run, SparseFileSink } from './support';

const MTIME = 1_650_000_000;

const entries: { name: string; content: Uint8Array }[] = [
  { name: 'appliance.ovf', content: new TextEncoder().encode('<Envelope/>\n') },
  { name: 'empty.bin', content: new Uint8Array(0) },
  { name: 'one.bin', content: pseudoRandomBytes(1, 1) },
  { name: 'block.bin', content: pseudoRandomBytes(512, 2) },
  { name: 'block-plus.bin', content: pseudoRandomBytes(513, 3) },
  { name: 'disk1.vmdk', content: pseudoRandomBytes(300_000, 4) },
  { name: `${'p'.repeat(90)}/${'n'.repeat(90)}.txt`, content: pseudoRandomBytes(77, 5) }, // ustar prefix + name
  { name: `${'x'.repeat(150)}.txt`, content: pseudoRandomBytes(78, 6) }, // one component over 100: pax path
  { name: `deep/${Array.from({ length: 8 }, (_, i) => `level${i}-${'z'.repeat(40)}`).join('/')}/f.bin`, content: pseudoRandomBytes(79, 7) },
  { name: 'données/ä.txt', content: pseudoRandomBytes(80, 8) }, // not ASCII: pax path
];

/** Yields `bytes` in uneven pieces, so the writer must not assume anything about chunk sizes. */
async function* pieces(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  let at = 0;
  let step = 1;
  while (at < bytes.length) {
    yield bytes.subarray(at, at + step);
    at += step;
    step = step * 3 + 1;
  }
}

async function writeArchive(sink: ByteSink): Promise<void> {
  const writer = new TarWriter(sink);
  for (const entry of entries) await writer.addFile(entry.name, entry.content.length, pieces(entry.content), { mtime: MTIME });
  await writer.addDirectory('folder', { mtime: MTIME });
  await writer.finish();
}

let temp: ReturnType<typeof makeTempDir>;

describeWithTools(['tar'], 'TarWriter output read by GNU tar', () => {
  let archivePath: string;

  beforeAll(async () => {
    temp = makeTempDir('tar-writer');
    archivePath = join(temp.dir, 'out.tar');
    await writeArchive(new SparseFileSink(archivePath));
  });

  afterAll(() => temp?.cleanup());

  it('is listed by tar -tvf with the right names, sizes and times', () => {
    const listing = run('tar', ['--utc', '--full-time', '-tvf', archivePath]).trim().split('\n');
    expect(listing).toHaveLength(entries.length + 1);
    for (const [index, entry] of entries.entries()) {
      const line = listing[index]!;
      // "-rw-r--r-- 0/0  513 2022-04-15 05:20:00 name"
      const match = /^-rw-r--r-- \S+\s+(\d+) (\S+ \S+) (.*)$/.exec(line);
      expect(match, line).not.toBeNull();
      expect(Number(match![1])).toBe(entry.content.length);
      expect(match![2]).toBe('2022-04-15 05:20:00');
      expect(match![3]).toBe(entry.name);
    }
    expect(listing[entries.length]).toMatch(/^drwxr-xr-x .* folder\/$/);
  });

  it('is extracted by GNU tar byte-exact', () => {
    const out = join(temp.dir, 'extracted');
    mkdirSync(out);
    run('tar', ['-xf', archivePath, '-C', out]);
    for (const entry of entries) {
      expect(Buffer.from(readFileSync(join(out, entry.name))).equals(Buffer.from(entry.content)), entry.name).toBe(true);
    }
  });

  it('passes GNU tar --compare (names, sizes, times, contents)', () => {
    const out = join(temp.dir, 'extracted');
    expect(() => run('tar', ['--compare', '-f', archivePath, '-C', out])).not.toThrow();
  });
});

describe('TarWriter', () => {
  it('writes ustar headers where ustar suffices and pax headers only where it does not', async () => {
    const sink = new MemorySink();
    await writeArchive(sink);
    const bytes = sink.bytes();
    expect(bytes.length % 512).toBe(0);
    expect([...bytes.subarray(bytes.length - 1024)].every((b) => b === 0)).toBe(true);
    const typeflags: string[] = [];
    for (let at = 0; at < bytes.length - 1024; ) {
      const header = bytes.subarray(at, at + 512);
      typeflags.push(String.fromCharCode(header[156]!));
      expect(String.fromCharCode(...header.subarray(257, 265))).toBe('ustar\u000000');
      const size = parseInt(String.fromCharCode(...header.subarray(124, 135)), 8);
      at += 512 + Math.ceil(size / 512) * 512;
    }
    // appliance .. disk1: plain; prefix split: plain; 150-char, deep and non-ASCII names: pax; then the folder.
    expect(typeflags.join('')).toBe('000000' + '0' + 'x0' + 'x0' + 'x0' + '5');
    const listing = await listTar(new MemorySource(bytes, 'mem.tar'));
    expect(listing.files.map((m) => m.name)).toEqual(entries.map((e) => e.name));
    for (const entry of entries) {
      const member = listing.files.find((m) => m.name === entry.name)!;
      expect(Buffer.from(await member.source.read(0, member.size)).equals(Buffer.from(entry.content))).toBe(true);
    }
  });

  it('passes each chunk straight to the sink, in order, without gathering a member', async () => {
    const log: string[] = [];
    const written: Uint8Array[] = [];
    const sink: ByteSink = {
      name: 'log',
      write: async (chunk) => {
        log.push(`write ${chunk.length}`);
        written.push(chunk);
      },
      close: async () => void log.push('close'),
      abort: async () => void log.push('abort'),
    };
    const chunks = [pseudoRandomBytes(1000, 1), pseudoRandomBytes(2000, 2)];
    async function* source() {
      for (const chunk of chunks) {
        log.push(`yield ${chunk.length}`);
        yield chunk;
      }
    }
    const writer = new TarWriter(sink);
    await writer.addFile('a.bin', 3000, source());
    await writer.finish();
    expect(log).toEqual(['write 512', 'yield 1000', 'write 1000', 'yield 2000', 'write 2000', 'write 72', 'write 1024', 'close']);
    expect(written[1]).toBe(chunks[0]);
    expect(written[2]).toBe(chunks[1]);
    expect(writer.offset).toBe(512 + 3072 + 1024);
  });

  it('fails and aborts the sink when the data is longer than declared', async () => {
    const sink = new MemorySink('long.tar');
    const writer = new TarWriter(sink);
    await expectVmferryError(writer.addFile('a.bin', 10, [new Uint8Array(6), new Uint8Array(6)]), 'size-mismatch', ['long.tar', '"a.bin"', 'longer', '10']);
    expect(sink.closed).toBe(false);
    expect(sink.bytes().length).toBe(0); // aborted: everything discarded
    await expectVmferryError(writer.finish(), 'usage', ['failed']);
  });

  it('fails and aborts the sink when the data is shorter than declared', async () => {
    let aborted = false;
    const sink = new MemorySink('short.tar');
    const original = sink.abort.bind(sink);
    sink.abort = async () => {
      aborted = true;
      await original();
    };
    const writer = new TarWriter(sink);
    await writer.addFile('ok.bin', 3, [new Uint8Array(3)]);
    await expectVmferryError(writer.addFile('a.bin', 10, [new Uint8Array(4)]), 'size-mismatch', ['short.tar', '"a.bin"', 'after 4 bytes', '10']);
    expect(aborted).toBe(true);
  });

  it('aborts the sink when the data source fails, and passes the error on', async () => {
    const sink = new MemorySink('src.tar');
    let aborted = false;
    sink.abort = async () => void (aborted = true);
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(5);
      throw new Error('disk went away');
    }
    const writer = new TarWriter(sink);
    await expect(writer.addFile('a.bin', 10, failing())).rejects.toThrow('disk went away');
    expect(aborted).toBe(true);
  });

  it('refuses unsafe names without spoiling the archive', async () => {
    const sink = new MemorySink('names.tar');
    const writer = new TarWriter(sink);
    await expectVmferryError(writer.addFile('../escape', 0, []), 'unsafe-name', ['names.tar', '"../escape"']);
    await expectVmferryError(writer.addFile('/etc/passwd', 0, []), 'unsafe-name', ['names.tar', '"/etc/passwd"']);
    await expectVmferryError(writer.addFile('', 0, []), 'usage', ['names.tar']);
    await writer.addFile('fine.txt', 2, [new Uint8Array([1, 2])]);
    await writer.finish();
    const listing = await listTar(new MemorySource(sink.bytes(), 'names.tar'));
    expect(listing.files.map((m) => m.name)).toEqual(['fine.txt']);
  });

  it('refuses a second entry while the first is still being written', async () => {
    const writer = new TarWriter(new MemorySink('busy.tar'));
    let release!: () => void;
    async function* slow() {
      await new Promise<void>((resolve) => (release = resolve));
      yield new Uint8Array(1);
    }
    const first = writer.addFile('a', 1, slow());
    await expectVmferryError(writer.addFile('b', 0, []), 'usage', ['busy.tar', 'still writing']);
    release();
    await first;
    await writer.finish();
  });
});
