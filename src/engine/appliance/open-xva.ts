import type { TarMember } from '../archive/tar-reader';
import type { ByteSource } from '../io/byte-source';
import { emptyReport, type Appliance } from './appliance';

/**
 * An XenServer XVA: `ova.xml` (the VM's XML-RPC metadata) and, per disk, `Ref:N/00000000` 1 MiB chunks with
 * `.checksum` or `.xxhash` files. This lists what is there; reading the VM settings and disks comes with the
 * package readers.
 */
export async function openXvaListing(input: ByteSource, members: readonly TarMember[]): Promise<Appliance> {
  const report = emptyReport(input.name, 'xva');
  const files = new Map<string, ByteSource>();
  const ovaXml = members.find((member) => member.name === 'ova.xml');
  if (ovaXml) {
    files.set('ova.xml', ovaXml.source);
    report.files.push({ name: 'ova.xml', size: ovaXml.size, declaredSize: null, role: 'descriptor', present: true, compression: null, chunks: 0 });
  }
  const chunksByDisk = new Map<string, { chunks: number; bytes: number }>();
  for (const member of members) {
    const match = /^(Ref:[^/]+)\/(\d+)$/.exec(member.name);
    if (!match) continue;
    const disk = chunksByDisk.get(match[1]!) ?? { chunks: 0, bytes: 0 };
    disk.chunks++;
    disk.bytes += member.size;
    chunksByDisk.set(match[1]!, disk);
  }
  for (const [name, disk] of chunksByDisk) {
    report.files.push({ name: `${name}/`, size: disk.bytes, declaredSize: null, role: 'disk', present: true, compression: null, chunks: disk.chunks });
  }
  report.warnings.push(
    `${input.name} is an XenServer/XCP-ng export (XVA) with ${chunksByDisk.size} disk(s); VM Ferry lists its contents but cannot read its VM settings or disks yet`,
  );
  return { kind: 'xva', input, files, disks: new Map(), manifest: null, report };
}
