import type { VirtualDisk } from '../disk/virtual-disk';
import { VmferryError } from '../errors';
import { readExact, type ByteSource } from '../io/byte-source';
import { manifestAlgorithm, parseManifest } from '../ovf/manifest';
import { checkManifestSignature, type SignatureReport } from '../ovf/signature/manifest-signature';
import { MAX_DESCRIPTOR_BYTES, readOvf } from '../ovf/read-ovf';
import { declaredFiles, describeNetworks, describeVirtualSystems } from '../ovf/report';
import { emptyReport, type Appliance } from './appliance';
import { describeDiskImage } from './describe-disk-image';
import type { ApplianceReport, InputKind } from './report';
import { resolveReferences, type FindFile } from './resolve-references';

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface NamedFile {
  name: string;
  source: ByteSource;
}

export interface OvfPackage {
  kind: Extract<InputKind, 'ova' | 'ovf'>;
  /** The OVA, or the descriptor itself for an OVF folder. */
  input: ByteSource;
  descriptor: ByteSource;
  /** The name the package (and its manifest) uses for the descriptor. */
  descriptorName: string;
  /** The manifest and certificate with the names the package uses for them. */
  manifest: NamedFile | null;
  certificate: NamedFile | null;
  find: FindFile;
  /** Problems the container noticed (member order, AppleDouble entries...). */
  warnings: string[];
}

/** Reads the descriptor, resolves every file it references, and describes what is there. */
export async function openOvfPackage(pkg: OvfPackage): Promise<Appliance> {
  if (pkg.descriptor.size > MAX_DESCRIPTOR_BYTES) {
    throw new VmferryError('unsupported', `The descriptor is ${pkg.descriptor.size} bytes; OVF descriptors are small XML files`, {
      file: pkg.descriptor.name,
    });
  }
  const xml = await readExact(pkg.descriptor, 0, pkg.descriptor.size, 'descriptor');
  const ovf = readOvf(xml, pkg.descriptor.name);
  const report = emptyReport(pkg.input.name, pkg.kind);
  report.ovfVersion = ovf.envelope.version;
  report.virtualSystems = describeVirtualSystems(ovf.envelope);
  report.networks = describeNetworks(ovf.envelope);
  report.warnings.push(...pkg.warnings, ...ovf.warnings);
  report.notes.push(...ovf.notes);

  const files = new Map<string, ByteSource>([[pkg.descriptorName, pkg.descriptor]]);
  const disks = new Map<string, VirtualDisk>();
  report.files.push(containerFileReport(pkg.descriptorName, pkg.descriptor, 'descriptor'));
  for (const resolved of await resolveReferences(declaredFiles(ovf.envelope), pkg.find)) {
    report.files.push(resolved.report);
    report.warnings.push(...resolved.warnings);
    if (!resolved.source) continue;
    files.set(resolved.declared.href, resolved.source);
    if (resolved.declared.role !== 'disk') continue;
    const { href } = resolved.declared;
    // Parents and extents of a disk are looked up next to the descriptor, like the disk itself.
    const context = { find: (relativePath: string) => pkg.find(relativePath) };
    const described = await describeDiskImage(resolved.source, resolved.declared.compression === 'gzip', href, context);
    report.diskImages.push(described.report);
    if (described.disk) disks.set(href, described.disk);
    else if (described.report.problem) report.warnings.push(described.report.problem);
  }

  const appliance: Appliance = { kind: pkg.kind, input: pkg.input, files, disks, manifest: null, report };
  if (pkg.manifest) await attachManifest(appliance, pkg.manifest, pkg.certificate, pkg.find);
  else if (pkg.certificate) report.warnings.push(`${pkg.certificate.name} is present but there is no manifest for it to sign`);
  return appliance;
}

async function attachManifest(appliance: Appliance, manifest: NamedFile, certificate: NamedFile | null, find: FindFile): Promise<void> {
  const { report } = appliance;
  report.files.push(containerFileReport(manifest.name, manifest.source, 'manifest'));
  if (certificate) report.files.push(containerFileReport(certificate.name, certificate.source, 'certificate'));
  const { source } = manifest;
  if (source.size > MAX_MANIFEST_BYTES) {
    throw new VmferryError('corrupt', `The manifest is ${source.size} bytes, far more than a list of digests`, { file: source.name });
  }
  const manifestBytes = await readExact(source, 0, source.size, 'manifest');
  const text = new TextDecoder().decode(manifestBytes);
  const entries = parseManifest(text, source.name);
  // Some tools also list files the descriptor does not reference (an import script): check those that are there.
  for (const entry of entries) {
    if (appliance.files.has(entry.file)) continue;
    const extra = await find(entry.file);
    if (!extra) continue;
    appliance.files.set(entry.file, extra);
    report.files.push({ name: entry.file, size: extra.size, declaredSize: null, role: 'other', present: true, compression: null, chunks: 0 });
    report.notes.push(`${manifest.name} also lists ${entry.file}, which the descriptor does not reference; its digest is checked too`);
  }
  const mustCover = report.files.filter((f) => f.role !== 'manifest' && f.role !== 'certificate').map((f) => f.name);
  appliance.manifest = { entries, mustCover };
  report.manifest = {
    file: manifest.name,
    algorithm: manifestAlgorithm(entries),
    ok: null,
    mismatches: [],
    certificate: certificate?.name ?? null,
    signature: certificate ? await signatureOf(certificate, manifest.name, manifestBytes, report) : null,
  };
}

/** Checks the certificate file's signature over the manifest and says what it proves (or why not) in the report. */
async function signatureOf(certificate: NamedFile, manifestName: string, manifestBytes: Uint8Array, report: ApplianceReport): Promise<SignatureReport> {
  const { source } = certificate;
  const signature =
    source.size > MAX_MANIFEST_BYTES
      ? unchecked(`it is ${source.size} bytes, far more than a signature and a certificate`)
      : await checkManifestSignature(new TextDecoder().decode(await readExact(source, 0, source.size, 'certificate')), manifestName, manifestBytes);
  if (signature.valid) {
    report.notes.push(
      `${manifestName} is signed by ${signature.signer || 'an unnamed subject'}${signature.selfSigned ? ' (self-signed)' : `, certificate issued by ${signature.issuer}`}, ` +
        `valid ${signature.notBefore?.slice(0, 10)} to ${signature.notAfter?.slice(0, 10)}: the signature matches; whether to trust that certificate is yours to decide`,
    );
  } else if (signature.valid === false) {
    report.warnings.push(`${certificate.name}: ${signature.problem}`);
  } else {
    report.warnings.push(`${certificate.name}: the signature could not be checked: ${signature.problem}`);
  }
  return signature;
}

function unchecked(problem: string): SignatureReport {
  return { valid: null, algorithm: null, signer: null, issuer: null, notBefore: null, notAfter: null, selfSigned: null, problem };
}

function containerFileReport(name: string, source: ByteSource, role: 'descriptor' | 'manifest' | 'certificate') {
  return { name, size: source.size, declaredSize: null, role, present: true, compression: null, chunks: 0 };
}
