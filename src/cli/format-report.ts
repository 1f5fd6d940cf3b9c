import { signatureText } from '../engine/ovf/signature/signature-text';
import type { ApplianceReport, VirtualSystemReport } from '../engine/appliance/report';
import { formatGuest } from './format-guest';
import { formatBytes } from './progress';

/** `vmferry inspect` without --json: the report as a person reads it. */
export function formatReport(report: ApplianceReport): string {
  const lines: string[] = [];
  const kind = { ova: 'OVA', ovf: 'OVF package', xva: 'XVA (XenServer export)', disk: 'Disk image' }[report.kind];
  lines.push(`${report.input}: ${kind}${report.ovfVersion ? `, OVF ${report.ovfVersion}` : ''}`);
  for (const system of report.virtualSystems) lines.push('', ...formatSystem(system));
  if (report.networks.length > 0) {
    lines.push('', 'Networks:');
    for (const network of report.networks) lines.push(`  ${network.name}${network.description ? ` — ${network.description}` : ''}`);
  }
  if (report.diskImages.length > 0) {
    lines.push('', 'Disk images:');
    for (const image of report.diskImages) {
      const size = image.virtualSizeBytes !== null ? `, virtual size ${sizeText(image.virtualSizeBytes)}` : '';
      const gz = image.compression ? ', gzip-compressed' : '';
      const data = image.allocatedBytes !== null ? `, holds data ${sizeText(image.allocatedBytes)}` : '';
      lines.push(`  ${image.file}: ${image.format}${image.subformat ? ` ${image.subformat}` : ''}${size}${data}, file ${sizeText(image.fileSizeBytes)}${gz}`);
      if (image.chain.length > 1) {
        for (const [depth, layer] of image.chain.entries()) {
          lines.push(`    ${depth === 0 ? 'top ' : 'over'} ${layer.file}: ${layer.format}${layer.subformat ? ` ${layer.subformat}` : ''}, ${sizeText(layer.storedBytes)} on disk`);
        }
      }
      if (image.problem) lines.push(`    cannot be read: ${image.problem}`);
    }
  }
  lines.push('', 'Files:');
  for (const file of report.files) {
    const size = file.present ? sizeText(file.size!) : 'MISSING';
    const declared = file.declaredSize !== null && file.declaredSize !== file.size ? ` (declared ${file.declaredSize} bytes)` : '';
    lines.push(`  ${file.name}  ${file.role}  ${size}${declared}${file.chunks ? `  ${file.chunks} parts` : ''}`);
  }
  if (report.manifest) {
    const m = report.manifest;
    const state = m.ok === null ? 'not checked' : m.ok ? 'all digests match' : `${m.mismatches.length} problem(s)`;
    lines.push('', `Manifest: ${m.file} (${m.algorithm}): ${state}${m.certificate ? `; ${signatureText(m.certificate, m.signature)}` : ''}`);
    for (const mismatch of m.mismatches) lines.push(`  ${mismatch.file}: ${mismatch.problem}`);
  }
  if (report.guest) lines.push('', ...formatGuest(report.guest));
  if (report.warnings.length > 0) lines.push('', 'Warnings:', ...report.warnings.map((w) => `  ! ${w}`));
  if (report.notes.length > 0) lines.push('', 'Notes:', ...report.notes.map((n) => `  - ${n}`));
  return lines.join('\n') + '\n';
}

function formatSystem(system: VirtualSystemReport): string[] {
  const lines = [`Virtual system "${system.name}"${system.virtualSystemTypes.length ? ` (${system.virtualSystemTypes.join(' ')})` : ''}`];
  const os = system.os ? [system.os.description, system.os.vmwareOsType, system.os.cimId !== null ? `CIM ${system.os.cimId}` : null].filter(Boolean).join(', ') : 'unknown';
  lines.push(`  OS: ${os}`);
  lines.push(`  CPUs: ${system.cpus ?? '?'}${system.coresPerSocket ? ` (${system.coresPerSocket} per socket)` : ''}   Memory: ${system.memoryBytes !== null ? sizeText(system.memoryBytes) : '?'}   Firmware: ${system.firmware ?? 'not stated'}`);
  for (const controller of system.controllers) lines.push(`  Controller ${controller.instanceId}: ${controller.type}${controller.subtype ? ` ${controller.subtype}` : ''}`);
  for (const disk of system.disks) {
    const capacity = disk.capacityBytes !== null ? sizeText(disk.capacityBytes) : 'capacity unknown';
    const on = disk.controller ? ` on ${disk.controller.type}${disk.controller.subtype ? ` ${disk.controller.subtype}` : ''}` : '';
    lines.push(`  Disk ${disk.diskId ?? disk.instanceId}: ${capacity}${on}, file ${disk.fileName ?? 'none'}${disk.format ? ` (${disk.format})` : ''}`);
  }
  for (const nic of system.nics) lines.push(`  NIC ${nic.instanceId}: ${nic.type ?? 'unspecified'} on ${nic.network ?? 'no network'}${nic.mac ? `, MAC ${nic.mac}` : ''}`);
  for (const device of system.otherDevices) lines.push(`  ${device.kind}: ${device.description}`);
  for (const product of system.product) {
    const name = [product.vendor, product.product, product.fullVersion ?? product.version].filter(Boolean).join(' ');
    if (name) lines.push(`  Product: ${name}`);
  }
  if (system.annotation) lines.push(`  Annotation: ${system.annotation}`);
  if (system.eula.length > 0) lines.push(`  EULA: ${system.eula.length} license text(s)`);
  return lines;
}

function sizeText(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${formatBytes(bytes)} (${bytes} bytes)`;
}
