import type { OutputFormat } from '../../disk/disk-writer';
import { VmferryError } from '../../errors';
import { diskFormatName } from '../disk-format';
import type { DiskSection, Envelope, FileReference, VirtualDiskDescription } from '../model';
import { allSections, sectionsOfKind } from '../model-walk';
import type { DiskFile, ExtraFile, FileSize } from './translate-types';
import type { TranslationLog } from './translation-log';

/**
 * `ovf:format` for the formats VM Ferry writes: the URI each format's usual consumer recognises. XenCenter
 * matches VHD by the URI it writes itself (xenadmin winFileFormatURI); qcow2 and raw by oVirt's.
 */
export const FORMAT_URIS: Record<OutputFormat, string> = {
  vmdk: 'http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized',
  'vmdk-sparse': 'http://www.vmware.com/interfaces/specifications/vmdk.html#sparse',
  vhd: 'http://www.microsoft.com/technet/virtualserver/downloads/vhdspec.mspx',
  'vhd-fixed': 'http://www.microsoft.com/technet/virtualserver/downloads/vhdspec.mspx',
  vhdx: 'http://technet.microsoft.com/en-us/library/hh831446.aspx',
  qcow2: 'http://www.gnome.org/~markmc/qcow-image-format.html',
  vdi: 'http://www.virtualbox.org/manual/ch05.html#vdidetails',
  raw: 'http://en.wikipedia.org/wiki/Byte',
};

/**
 * References and DiskSection for the package being written: every disk that has a file gets the planned one
 * (href, format URI, capacity in bytes from the disk itself), chains are flattened (a parent only its child used
 * disappears), files carried unchanged (ISO images) keep their id with the new href, every other file reference
 * goes. Returns the ids of the files that remain, for the items that name files.
 */
export function rewriteFiles(
  envelope: Envelope,
  diskFiles: readonly DiskFile[],
  extraFiles: readonly ExtraFile[],
  log: TranslationLog,
): Set<string> {
  const sections = sectionsOfKind(allSections(envelope), 'DiskSection');
  const disks = sections.flatMap((s) => s.disks);
  const plannedByDisk = new Map<string, DiskFile>();
  for (const file of diskFiles) {
    // A disk is named by its diskId, or by the href of its file in the source package.
    const disk =
      disks.find((d) => d.diskId === file.diskId) ??
      disks.find((d) => d.fileRef !== null && envelope.references.find((f) => f.id === d.fileRef)?.href === file.diskId);
    if (!disk) throw new VmferryError('usage', `A disk file was planned for disk '${file.diskId}', which the descriptor does not declare`);
    if (plannedByDisk.has(disk.diskId)) throw new VmferryError('usage', `Two disk files were planned for disk '${disk.diskId}'`);
    checkSize(file.capacityBytes, `the capacity of disk '${disk.diskId}'`);
    plannedByDisk.set(disk.diskId, file);
  }
  const usedIds = new Set<string>();
  const references: FileReference[] = [];
  const parentsOfPlanned = parentsOf(disks, plannedByDisk);
  for (const section of sections) {
    section.disks = section.disks.filter((disk) => {
      const planned = plannedByDisk.get(disk.diskId);
      if (planned) {
        references.push(placeFile(envelope, disk, planned, usedIds, log));
        return true;
      }
      if (parentsOfPlanned.has(disk.diskId)) {
        log.decide(`Disk '${disk.diskId}' is merged into its child disk (the chain is written as one disk)`);
        return false;
      }
      if (disk.fileRef === null) return true;
      const href = envelope.references.find((f) => f.id === disk.fileRef)?.href ?? disk.fileRef;
      throw new VmferryError('usage', `No output file was planned for disk '${disk.diskId}' (file ${href})`);
    });
  }
  for (const extra of extraFiles) {
    const source = envelope.references.find((f) => f.id === extra.fileId);
    if (!source) throw new VmferryError('usage', `File '${extra.fileId}' to carry over is not in the descriptor's References`);
    if (extra.size !== null) checkSize(extra.size, `the size of ${extra.href}`);
    usedIds.add(source.id);
    references.push({ ...source, href: extra.href, size: extra.size, compression: null, chunkSize: null, attributes: [], unknown: [] });
  }
  const diskFileIds = new Set(disks.map((d) => d.fileRef));
  for (const file of envelope.references) {
    if (!usedIds.has(file.id) && !diskFileIds.has(file.id)) log.drop(`File ${file.href} (not part of the package written)`);
  }
  envelope.references = references;
  return usedIds;
}

function placeFile(
  envelope: Envelope,
  disk: VirtualDiskDescription,
  planned: DiskFile,
  usedIds: Set<string>,
  log: TranslationLog,
): FileReference {
  let id = disk.fileRef ?? `file-${disk.diskId}`;
  for (let n = 2; usedIds.has(id); n++) id = `${disk.fileRef ?? `file-${disk.diskId}`}-${n}`;
  usedIds.add(id);
  if (planned.size !== null && planned.size !== undefined) checkSize(planned.size, `the size of ${planned.href}`);
  if (disk.capacityBytes !== null && disk.capacityBytes !== planned.capacityBytes) {
    // Oracle VM OVAs state the file size as the capacity (notes c24); the disk itself is right.
    log.decide(`Disk '${disk.diskId}': capacity ${planned.capacityBytes} bytes from the disk image (the descriptor said ${disk.capacityBytes})`);
  }
  const previous = envelope.references.find((f) => f.id === disk.fileRef);
  if (previous && previous.href !== planned.href) log.decide(`Disk '${disk.diskId}': ${previous.href} → ${planned.href} (${planned.format})`);
  const populated =
    planned.populatedSize ?? (disk.populatedSize !== null && disk.populatedSize <= planned.capacityBytes ? disk.populatedSize : null);
  const formatUri = FORMAT_URIS[planned.format];
  Object.assign(disk, {
    fileRef: id,
    formatUri,
    format: diskFormatName(formatUri),
    capacityBytes: planned.capacityBytes,
    capacityRaw: String(planned.capacityBytes),
    capacityUnitsRaw: null,
    populatedSize: populated,
    parentRef: null,
  } satisfies Partial<VirtualDiskDescription>);
  return { id, href: planned.href, size: planned.size ?? null, compression: null, chunkSize: null, attributes: [], unknown: [] };
}

/** Disks that only serve as parents (backing files) of disks being written. */
function parentsOf(disks: readonly VirtualDiskDescription[], planned: ReadonlyMap<string, DiskFile>): Set<string> {
  const parents = new Set<string>();
  const byFile = new Map(disks.filter((d) => d.fileRef !== null).map((d) => [d.fileRef!, d] as const));
  for (const disk of disks) {
    if (!planned.has(disk.diskId)) continue;
    let parentRef = disk.parentRef;
    for (let depth = 0; parentRef !== null && depth < disks.length; depth++) {
      const parent = disks.find((d) => d.diskId === parentRef) ?? byFile.get(parentRef);
      if (!parent || planned.has(parent.diskId)) break;
      parents.add(parent.diskId);
      parentRef = parent.parentRef;
    }
  }
  return parents;
}

function checkSize(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new VmferryError('usage', `${what} must be a whole number of bytes, not ${value}`);
}

/**
 * A copy of `envelope` with the sizes of written files filled in: References `ovf:size` and, where given, the
 * `ovf:populatedSize` of the disks stored in that file. The package writer calls it once compressed disks are
 * written, then writes the descriptor again.
 */
export function setFileSizes(envelope: Envelope, sizes: readonly FileSize[]): Envelope {
  const copy = structuredClone(envelope);
  const diskSections: DiskSection[] = sectionsOfKind(allSections(copy), 'DiskSection');
  for (const { href, size, populatedSize } of sizes) {
    const file = copy.references.find((f) => f.href === href);
    if (!file) throw new VmferryError('usage', `No file named ${href} in the descriptor's References`);
    checkSize(size, `the size of ${href}`);
    file.size = size;
    if (populatedSize === null || populatedSize === undefined) continue;
    checkSize(populatedSize, `the populated size of ${href}`);
    for (const disk of diskSections.flatMap((s) => s.disks)) if (disk.fileRef === file.id) disk.populatedSize = populatedSize;
  }
  return copy;
}
