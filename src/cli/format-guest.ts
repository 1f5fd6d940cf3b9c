import type { GuestReport } from '../engine/guest/inspect/guest-report';

/** The guest part of `vmferry inspect` without --json: what a person checks before a migration. */
export function formatGuest(guest: GuestReport): string[] {
  if (guest.os === null) return ['Guest: no Linux found', ...guest.warnings.map((w) => `  ! ${w}`)];
  const lines = [`Guest: ${guest.distro?.name ?? 'Linux (distribution unknown)'}${guest.arch ? `, ${guest.arch}` : ''}${guest.hostname ? `, host ${guest.hostname}` : ''}`];
  for (const fs of guest.filesystems) {
    const where = fs.mountpoint ? ` mounted at ${fs.mountpoint}` : '';
    const refusal = fs.writeRefusal ? ` (cannot be edited: ${fs.writeRefusal})` : '';
    lines.push(`  ${fs.id}: ${fs.type ?? 'unknown'}${fs.uuid ? ` UUID=${fs.uuid}` : ''}${where}, ${fs.role}${refusal}`);
  }
  for (const kernel of guest.kernels) {
    const drivers = kernel.storageDrivers.map((d) => `${d.driver} (${d.where})`).join(', ') || 'none found';
    const nics = kernel.networkDrivers.map((d) => `${d.driver} (${d.where})`).join(', ') || 'none found';
    lines.push(`  kernel ${kernel.version}${kernel.xen === 'only' ? ' (Xen PV only)' : ''}: initrd ${kernel.initrd ?? 'none'}; storage drivers ${drivers}; paravirtual NIC drivers ${nics}`);
    if (kernel.initrdProblem) lines.push(`    ! ${kernel.initrdProblem}`);
  }
  if (guest.bootloader) {
    for (const config of guest.bootloader.configs) {
      lines.push(`  bootloader ${config.kind}: ${config.path}${config.path !== config.realPath ? ` -> ${config.realPath}` : ''}, ${config.entries.length} entries, default ${config.defaultEntry ?? '?'}`);
    }
  }
  lines.push(`  device names: ${guest.naming.styles.join(', ') || 'none'}; ${guest.naming.generation} (${guest.naming.generationReason})`);
  lines.push(...guest.warnings.map((w) => `  ! ${w}`));
  return lines;
}
