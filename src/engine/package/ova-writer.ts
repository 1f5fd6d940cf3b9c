import { TarWriter } from '../archive/tar-writer';
import { VmferryError } from '../errors';
import type { ByteSink } from '../io/byte-sink';
import { createHash, type HashAlgorithm } from '../io/hash';
import { seededIdentity } from '../disk/identity';
import { formatManifest } from '../ovf/manifest';
import { DigestingSink } from './digesting-sink';
import { planPackageDisk, progressOf, type PlannedOutput } from './disk-output';
import type { PackageContent, PackageDisk, PackageWriteOptions, WrittenFile } from './package-content';
import { bytePipe } from './pipe';

/**
 * Writes an OVA (DSP0243 1.1 §5.3) onto one sink, in one pass of the output and without holding any file:
 *
 *   descriptor · manifest · disks and other files, in References order
 *
 * Every member's size must be in its tar header before its data, the descriptor (first) must state the disks'
 * sizes, and the manifest (second) their digests: so each disk is settled before anything is written
 * (`planPackageDisk`: a scan, then one pass that writes the disk into a sink that only counts and hashes). The
 * write pass must give the same bytes: every disk writer takes its identifiers (UUIDs, content IDs, timestamps)
 * from a seeded identity shared by both passes, and the writer checks size and digest again while streaming.
 * Without a manifest, only disks whose size depends on compression are measured. tar members of 8 GiB and more
 * get pax size records (TarWriter). Closes the sink; aborts it on failure.
 */
export async function writeOva(sink: ByteSink, content: PackageContent, options: PackageWriteOptions = {}): Promise<WrittenFile[]> {
  const tar = new TarWriter(sink);
  const written: WrittenFile[] = [];
  try {
    const algorithm = content.manifest?.algorithm ?? null;
    const disks = withSeededIdentity(content.disks);
    const outputs: PlannedOutput[] = [];
    for (const entry of disks) outputs.push(await planPackageDisk(entry, options, algorithm));
    const sizes = new Map(disks.map((entry, i) => [entry.href, outputs[i]!.size]));
    for (const extra of content.extras) sizes.set(extra.name, extra.size);

    const descriptor = content.descriptor(sizes);
    written.push(await addDigested(tar, content.descriptorName, descriptor.length, [descriptor], algorithm));
    if (content.manifest) {
      const listed = [
        written[0]!,
        ...disks.map((entry, i) => ({ name: entry.href, size: outputs[i]!.size, digest: outputs[i]!.digest })),
        ...(await Promise.all(content.extras.filter((extra) => extra.referenced).map(async (extra) => ({ name: extra.name, digest: await digestOf(extra.chunks(), algorithm!) })))),
      ];
      const text = new TextEncoder().encode(formatManifest(listed.map((file) => ({ algorithm: algorithm!, file: file.name, digest: file.digest! }))));
      await tar.addFile(content.manifest.name, text.length, [text]);
      written.push({ name: content.manifest.name, size: text.length, digest: null });
    }
    for (const [i, entry] of disks.entries()) written.push(await addDisk(tar, entry.href, outputs[i]!, algorithm, options));
    for (const extra of content.extras) written.push(await addDigested(tar, extra.name, extra.size, extra.chunks(), extra.referenced ? algorithm : null));
    await tar.finish();
    return written;
  } catch (error) {
    await tar.abort(error).catch(() => undefined);
    throw error;
  }
}

/**
 * Each disk gets an identity seeded from one random value per package and its name, so that its measuring and
 * writing passes agree while two packages (or two disks) still get different identifiers.
 */
function withSeededIdentity(disks: readonly PackageDisk[]): PackageDisk[] {
  const nonce = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  const now = new Date();
  return disks.map((entry) => (entry.options.identity ? entry : { ...entry, options: { ...entry.options, identity: seededIdentity(`${nonce}:${entry.href}`, now) } }));
}

async function addDigested(
  tar: TarWriter,
  name: string,
  size: number,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  algorithm: HashAlgorithm | null,
): Promise<WrittenFile> {
  const hash = new DigestingSink({ name, write: async () => {}, close: async () => {}, abort: async () => {} }, algorithm);
  async function* tapped() {
    for await (const chunk of chunks) {
      await hash.write(chunk);
      yield chunk;
    }
  }
  await tar.addFile(name, size, tapped());
  return { name, size, digest: hash.digestHex() };
}

async function addDisk(
  tar: TarWriter,
  name: string,
  output: PlannedOutput,
  algorithm: HashAlgorithm | null,
  options: PackageWriteOptions,
): Promise<WrittenFile> {
  const pipe = bytePipe(name);
  const digesting = new DigestingSink(pipe.sink, algorithm);
  const report = progressOf(name, options.onProgress);
  const producer = (async () => {
    try {
      await output.plan.write(digesting, { signal: options.signal, onProgress: (done) => report('write', done, output.plan.dataBytes) });
      const differs = digesting.bytes !== output.size || (output.digest !== null && digesting.digestHex() !== output.digest);
      if (differs) {
        throw new VmferryError(
          'io',
          `The ${output.measured ? 'measuring pass' : 'plan'} gave ${output.size} bytes${output.digest ? ` with digest ${output.digest}` : ''} but writing produced ${digesting.bytes} bytes${output.digest ? ` with digest ${digesting.digestHex()}` : ''}; the package would be inconsistent, so it is abandoned`,
          { file: name, hint: 'Please report this: the compressor did not give the same output twice.' },
        );
      }
      await pipe.sink.close();
    } catch (error) {
      await pipe.sink.abort(error);
      throw error;
    }
  })();
  producer.catch(() => undefined);
  try {
    await tar.addFile(name, output.size, pipe.chunks);
  } catch (error) {
    pipe.cancel(error);
    await producer.catch(() => undefined);
    throw error;
  }
  await producer;
  return { name, size: output.size, digest: digesting.digestHex() };
}

async function digestOf(chunks: AsyncIterable<Uint8Array>, algorithm: HashAlgorithm): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of chunks) hash.update(chunk);
  return hash.digestHex();
}
