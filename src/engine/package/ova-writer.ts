import { TarWriter } from '../archive/tar-writer';
import { VmferryError } from '../errors';
import type { ByteSink } from '../io/byte-sink';
import type { HashAlgorithm } from '../io/hash';
import { formatManifest } from '../ovf/manifest';
import { DigestingSink } from './digesting-sink';
import { planPackageDisk, progressOf, type PlannedOutput } from './disk-output';
import type { PackageContent, PackageWriteOptions, WrittenFile } from './package-content';
import { bytePipe } from './pipe';

/**
 * Writes an OVA (DSP0243 1.1 §5.3) onto one sink, in one pass of the output and without holding any file:
 *
 *   descriptor · disks and other files, in References order · manifest
 *
 * Every member's size must be in its tar header before its data, and the descriptor (first) must state the
 * disks' sizes: sizes are therefore settled before anything is written (`planPackageDisk`: a scan, and for a
 * streamOptimized VMDK one compressing pass that only counts). Digests are taken while the members stream out,
 * so the manifest goes at the end of the archive, which DSP0243 §5.3 allows ("either both be placed after the
 * OVF descriptor file, or both be placed at the end") and which VirtualBox writes too. Placing it second would
 * need every disk written twice with identical bytes; the disk writers put fresh random identifiers (VMDK CID,
 * VHD/VHDX/VDI UUIDs) into each output, so the digests of a measuring pass would not match.
 * tar members of 8 GiB and more get pax size records (TarWriter). Closes the sink; aborts it on failure.
 */
export async function writeOva(sink: ByteSink, content: PackageContent, options: PackageWriteOptions = {}): Promise<WrittenFile[]> {
  const tar = new TarWriter(sink);
  const written: WrittenFile[] = [];
  try {
    const outputs: PlannedOutput[] = [];
    for (const entry of content.disks) outputs.push(await planPackageDisk(entry, options));
    const sizes = new Map(content.disks.map((entry, i) => [entry.href, outputs[i]!.size]));
    for (const extra of content.extras) sizes.set(extra.name, extra.size);
    const algorithm = content.manifest?.algorithm ?? null;

    const descriptor = content.descriptor(sizes);
    written.push(await addDigested(tar, content.descriptorName, descriptor.length, [descriptor], algorithm));
    for (const [i, entry] of content.disks.entries()) {
      written.push(await addDisk(tar, entry.href, outputs[i]!, algorithm, options));
    }
    for (const extra of content.extras) written.push(await addDigested(tar, extra.name, extra.size, extra.chunks(), algorithm));
    if (content.manifest) {
      const text = new TextEncoder().encode(formatManifest(written.map((file) => ({ algorithm: algorithm!, file: file.name, digest: file.digest! }))));
      await tar.addFile(content.manifest.name, text.length, [text]);
      written.push({ name: content.manifest.name, size: text.length, digest: null });
    }
    await tar.finish();
    return written;
  } catch (error) {
    await tar.abort(error).catch(() => undefined);
    throw error;
  }
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
      if (digesting.bytes !== output.size) {
        throw new VmferryError(
          'io',
          `The ${output.measured ? 'measuring pass' : 'plan'} gave ${output.size} bytes but writing produced ${digesting.bytes}; the package would be inconsistent, so it is abandoned`,
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
