import type { OutputTarget } from '../appliance/output-target';
import type { HashAlgorithm } from '../io/hash';
import { formatManifest } from '../ovf/manifest';
import { DigestingSink } from './digesting-sink';
import { progressOf } from './disk-output';
import { copyDisk } from '../disk/copy';
import type { PackageContent, PackageWriteOptions, WrittenFile } from './package-content';

type Folder = Extract<OutputTarget, { kind: 'folder' }>;

/**
 * Writes an OVF package as a folder: the disks first (each hashed and counted as it streams, so their exact
 * sizes and digests are known without a second read), then the descriptor with those sizes, the other files,
 * and the manifest. Each file appears only when complete; on failure the caller discards the folder.
 */
export async function writeOvfFolder(folder: Folder, content: PackageContent, options: PackageWriteOptions = {}): Promise<WrittenFile[]> {
  const algorithm = content.manifest?.algorithm ?? null;
  const disks: WrittenFile[] = [];
  for (const entry of content.disks) {
    const sink = new DigestingSink(await folder.create(entry.href), algorithm);
    const report = progressOf(entry.href, options.onProgress);
    await copyDisk(entry.disk, entry.format, sink, {
      ...entry.options,
      signal: options.signal,
      onProgress: (p) => report(p.phase, p.done, p.total),
    });
    disks.push({ name: entry.href, size: sink.bytes, digest: sink.digestHex() });
  }
  const sizes = new Map(disks.map((file) => [file.name, file.size]));
  for (const extra of content.extras) sizes.set(extra.name, extra.size);
  const descriptor = await writeFile(folder, content.descriptorName, [content.descriptor(sizes)], algorithm);
  const extras: WrittenFile[] = [];
  for (const extra of content.extras) extras.push(await writeFile(folder, extra.name, extra.chunks(), extra.referenced ? algorithm : null));
  const written = [descriptor, ...disks, ...extras];
  if (content.manifest) {
    const listed = [descriptor, ...disks, ...extras.filter((file) => file.digest !== null)];
    const text = formatManifest(listed.map((file) => ({ algorithm: algorithm!, file: file.name, digest: file.digest! })));
    written.push({ ...(await writeFile(folder, content.manifest.name, [new TextEncoder().encode(text)], null)), digest: null });
  }
  return written;
}

async function writeFile(
  folder: Folder,
  name: string,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  algorithm: HashAlgorithm | null,
): Promise<WrittenFile> {
  const sink = new DigestingSink(await folder.create(name), algorithm);
  try {
    for await (const chunk of chunks) await sink.write(chunk);
    await sink.close();
  } catch (error) {
    await sink.abort(error).catch(() => undefined);
    throw error;
  }
  return { name, size: sink.bytes, digest: sink.digestHex() };
}
