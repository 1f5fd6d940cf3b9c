import { ForwardReader } from '../archive/gzip';
import { listTar, type TarMember } from '../archive/tar-reader';
import type { VirtualDisk } from '../disk/virtual-disk';
import { VmferryError, throwIfAborted } from '../errors';
import { readExact, type ByteSource } from '../io/byte-source';
import { buildChunkTables, XVA_CHUNK_SIZE, type ChunkTable } from '../xva/chunk-table';
import { readOvaXml, integerField } from '../xva/ova-xml';
import { verifyXvaChunks, type ChunkCheckOptions } from '../xva/verify-chunks';
import { XvaDisk } from '../xva/xva-disk';
import { describeXvaNetworks, describeXvaVm, xvaDiskFileName } from '../xva/xva-report';
import { interpretOvaXml, type XvaContents } from '../xva/xva-vm';
import { emptyReport, type Appliance } from './appliance';
import type { DiskImageReport } from './report';

/** What an opened XVA keeps beside the Appliance: the VM records and the chunk tables, for plan and verify. */
export interface XvaDetails {
  contents: XvaContents;
  tables: Map<string, ChunkTable>;
  /** `export_vsn` > 0: every chunk must be followed by a checksum member. */
  checksummed: boolean;
  /** The whole file is gzip or zstd: readable forward only (each backward step restarts decompression). */
  compressed: boolean;
}

const details = new WeakMap<Appliance, XvaDetails>();

/** The XVA behind an appliance opened by `openXva`, or undefined for any other input. */
export function xvaDetailsOf(appliance: Appliance): XvaDetails | undefined {
  return details.get(appliance);
}

/**
 * An XenServer/XCP-ng export (XVA): `ova.xml` (the VM's XML-RPC records) and, per disk, 1 MiB chunks
 * `Ref:N/00000000`, ... each followed by a `.checksum` or `.xxhash` member. The VMs become the same report as an
 * OVF's, and each disk a VirtualDisk over its chunks (missing chunks read as zeros).
 */
export async function openXva(input: ByteSource, members: readonly TarMember[], compression: 'gzip' | 'zstd' | null = null): Promise<Appliance> {
  const compressed = compression !== null;
  const report = emptyReport(input.name, 'xva');
  const files = new Map<string, ByteSource>();
  const disks = new Map<string, VirtualDisk>();
  const ovaXml = members.find((member) => member.name === 'ova.xml');
  if (!ovaXml) throw new VmferryError('corrupt', 'This XVA has no ova.xml member', { file: input.name });
  if (members[0] !== ovaXml) report.warnings.push('ova.xml is not the first member of the XVA; XenServer reads it first and may refuse the file');
  files.set('ova.xml', ovaXml.source);
  report.files.push({ name: 'ova.xml', size: ovaXml.size, declaredSize: null, role: 'descriptor', present: true, compression, chunks: 0 });

  const ova = readOvaXml(await readExact(ovaXml.source, 0, ovaXml.size, 'ova.xml'), `${input.name}/ova.xml`);
  const contents = interpretOvaXml(ova, input.name);
  report.virtualSystems = contents.vms.map(describeXvaVm);
  report.networks = describeXvaNetworks(contents.vms);
  report.warnings.push(...contents.warnings);
  const tables = buildChunkTables(members.filter((member) => member.type === 'file'), input.name);
  const vdis = new Map(ova.objects.filter((object) => object.cls === 'VDI').map((object) => [object.id, object.snapshot]));

  for (const [prefix, table] of tables) {
    const name = xvaDiskFileName(prefix);
    const chunkBytes = table.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    report.files.push({ name, size: chunkBytes, declaredSize: null, role: 'disk', present: true, compression, chunks: table.chunks.length });
    const vdi = vdis.get(prefix);
    const declared = vdi ? integerField(vdi, 'virtual_size') : null;
    const image = diskImageReport(name, table, declared, chunkBytes);
    report.diskImages.push(image);
    if (image.problem) report.warnings.push(image.problem);
    if (vdi === undefined && ova.objects.length > 0) report.warnings.push(`${name}: chunks of a disk that ova.xml does not describe (no VDI ${prefix})`);
    disks.set(name, new XvaDisk(`${input.name}/${name}`, table, image.virtualSizeBytes!));
  }
  for (const vm of contents.vms) {
    for (const disk of vm.disks) {
      if (disk.onIsoSr || disk.vdiId === null) continue;
      if (!tables.has(disk.vdiId)) {
        const missing = xvaDiskFileName(disk.vdiId);
        report.files.push({ name: missing, size: null, declaredSize: disk.virtualSize, role: 'disk', present: false, compression: null, chunks: 0 });
        report.warnings.push(`Missing disk ${missing}: VM "${vm.name}" has it at position ${disk.userdevice}, but the XVA holds none of its chunks`);
      }
    }
  }
  const appliance: Appliance = { kind: 'xva', input, files, disks, manifest: null, report };
  const checksummed = (integerField(ova.version, 'export_vsn') ?? 0) > 0;
  details.set(appliance, { contents, tables, checksummed, compressed });
  return appliance;
}

/** The name open-archive.ts calls; kept while it does. */

/**
 * A whole-file gzip or zstd XVA (XenServer `xe vm-export compress=true` or `compress=zstd`). Such data reads
 * forward only, so this lists the archive in one decompressing pass (memory bounded by the reader's window), and
 * later reads of the disks work best in order: a conversion streams the chunks forward (one more pass per pass
 * the writer makes).
 */
export async function openCompressedXva(input: ByteSource, format: 'gzip' | 'zstd', { signal }: { signal?: AbortSignal } = {}): Promise<Appliance> {
  const reader = new ForwardReader(input, { keepBehind: 2 * XVA_CHUNK_SIZE, signal, format });
  // The uncompressed size is unknown until the end; the tar's own end blocks stop the listing.
  const stream: ByteSource = { name: input.name, size: Number.MAX_SAFE_INTEGER, read: (offset, length) => reader.read(offset, length) };
  const listing = await listTar(stream, { signal });
  throwIfAborted(signal);
  return openXva(input, listing.members, format);
}

/** Checks every chunk of an opened XVA against its `.checksum`/`.xxhash` member; one line per problem. */
export async function checkXvaChecksums(appliance: Appliance, options: ChunkCheckOptions = {}): Promise<string[]> {
  const xva = details.get(appliance);
  if (!xva) return [];
  const chunks = [...xva.tables.values()].flatMap((table) => table.chunks);
  return verifyXvaChunks(chunks, { requireChecksums: xva.checksummed, ...options });
}

function diskImageReport(name: string, table: ChunkTable, declared: number | null, chunkBytes: number): DiskImageReport {
  let problem: string | null = null;
  let virtualSize = declared;
  if (virtualSize === null) {
    virtualSize = Math.ceil(table.covered / 512) * 512;
    problem = `${name}: ova.xml gives no virtual_size for this disk; its size is taken from its chunks (${virtualSize} bytes)`;
  } else if (table.covered < virtualSize) {
    problem = `${name}: the chunks end at byte ${table.covered} of ${virtualSize}: the last chunk is missing (XenServer's import needs it); VM Ferry reads the rest as zeros`;
  } else if (table.covered > virtualSize) {
    problem = `${name}: the chunks run to byte ${table.covered}, past the disk's virtual_size ${virtualSize}; the excess is ignored`;
  }
  return {
    file: name,
    format: 'raw',
    subformat: 'xva-chunks',
    virtualSizeBytes: virtualSize,
    fileSizeBytes: chunkBytes,
    compression: null,
    allocatedBytes: chunkBytes,
    chain: [{ file: name, format: 'raw', subformat: 'xva-chunks', virtualSizeBytes: virtualSize, storedBytes: chunkBytes }],
    problem,
  };
}
