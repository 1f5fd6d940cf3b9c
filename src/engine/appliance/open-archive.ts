import { VmferryError } from '../errors';
import { listTar, type TarMember } from '../archive/tar-reader';
import type { ByteSource } from '../io/byte-source';
import { resolveRelative } from '../io/file-set';
import type { Appliance } from './appliance';
import { openOvfPackage, type NamedFile } from './open-ovf';
import { openXva } from './open-xva';

/**
 * A tar archive: an OVA (DSP0243 §5.3: the descriptor is the first member, then the manifest and certificate,
 * then the files in References order) or an XenServer XVA (`ova.xml` first, then `Ref:N/` chunks).
 */
export async function openTarArchive(input: ByteSource): Promise<Appliance> {
  const listing = await listTar(input);
  const members = listing.members.filter((member) => member.type === 'file');
  if (members.some((member) => member.name === 'ova.xml')) return openXva(input, members);

  const descriptors = members.filter((member) => /\.ovf$/i.test(member.name));
  const descriptor = descriptors[0];
  if (!descriptor) {
    const names = members.slice(0, 5).map((m) => m.name).join(', ');
    throw new VmferryError('unknown-format', `This tar archive holds no OVF descriptor (.ovf) and no XVA ova.xml (members: ${names || 'none'})`, {
      file: input.name,
      hint: 'An OVA is a tar archive whose first member is the .ovf descriptor.',
    });
  }
  const warnings: string[] = [];
  if (members[0] !== descriptor) warnings.push(`The descriptor ${descriptor.name} is not the first member of the OVA, as DSP0243 requires; some importers refuse such files`);
  if (descriptors.length > 1) warnings.push(`The OVA holds ${descriptors.length} descriptors; VM Ferry reads the first, ${descriptor.name}`);
  if (listing.skipped.length > 0) warnings.push(`Ignored ${listing.skipped.length} macOS metadata member(s) (${listing.skipped.slice(0, 3).join(', ')})`);

  const byName = new Map(members.map((member) => [member.name, member]));
  const base = descriptor.name.replace(/\.ovf$/i, '');
  const companion = (extension: string) => byName.get(base + extension) ?? onlyOne(members, extension);
  return openOvfPackage({
    kind: 'ova',
    input,
    descriptor: descriptor.source,
    descriptorName: descriptor.name,
    manifest: named(companion('.mf')),
    certificate: named(companion('.cert')),
    find: async (href) => byName.get(resolveRelative(href, descriptor.name))?.source ?? null,
    warnings,
  });
}

function named(member: TarMember | undefined): NamedFile | null {
  return member ? { name: member.name, source: member.source } : null;
}

function onlyOne(members: readonly TarMember[], extension: string): TarMember | undefined {
  const matching = members.filter((member) => member.name.toLowerCase().endsWith(extension));
  return matching.length === 1 ? matching[0] : undefined;
}
