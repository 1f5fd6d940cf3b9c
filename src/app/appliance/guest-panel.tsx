import type { ComponentChildren } from 'preact';
import type { GuestReport, KernelReport } from '../../engine/guest/inspect/guest-report';
import { FactTable, Table } from '../components/table';

const XEN: Record<KernelReport['xen'], string> = {
  only: 'Xen PV only (kernel-xen)',
  capable: 'boots on Xen PV too',
  no: 'no Xen PV support',
  unknown: 'Xen support unknown',
};

/** The Linux guest as inspection found it: what it is, how it boots, and how it names its disks. */
export function GuestPanel({ report }: { report: GuestReport }) {
  if (report.os === null) {
    return (
      <div data-field="guest-none">
        <p>No Linux guest was found on the disks, so nothing inside them can be repaired.</p>
        <ul class="muted">
          {report.warnings.map((warning) => (
            <li>{warning}</li>
          ))}
        </ul>
      </div>
    );
  }
  const boot = report.bootloader;
  const config = boot?.configs[0];
  const facts: [string, ComponentChildren][] = [
    ['Distribution', report.distro ? report.distro.name : 'not identified'],
    ['Host name', report.hostname ?? '—'],
    ['Architecture', report.arch ?? '—'],
    ['Root filesystem', report.root ?? '—'],
    ['Bootloader', boot ? `${boot.kind === 'grub2' ? 'GRUB 2' : 'GRUB legacy'}${config ? `: ${config.path}${config.realPath !== config.path ? ` → ${config.realPath}` : ''}` : ''}` : 'not found'],
    ['Boot entries', config ? `${config.entries.length}${config.defaultEntry !== null ? `, default ${config.defaultEntry} (“${config.entries[config.defaultEntry]?.title ?? '?'}”)` : ''}` : '—'],
    ['device.map', boot?.deviceMap ? boot.deviceMap.entries.map((e) => `${e.bios} ${e.device}`).join(', ') : '—'],
    ['Disk names used', report.naming.styles.join(', ') || '—'],
    ['Kernel generation', `${report.naming.generation === 'old-ide' ? 'old IDE driver (hdX)' : 'libata (sdX)'} — ${report.naming.generationReason}`],
  ];
  return (
    <div class="guest" data-field="guest-report">
      <FactTable caption="Guest" facts={facts} />
      <Table
        caption="Kernels"
        empty="none found"
        rows={report.kernels}
        columns={[
          { label: 'Version', cell: (k) => <code>{k.version}</code> },
          { label: 'Xen', cell: (k) => XEN[k.xen] },
          {
            label: 'Storage drivers',
            cell: (k) => (k.storageDrivers.length ? k.storageDrivers.map((d) => `${d.driver} (${d.where})`).join(', ') : k.initrdProblem ?? 'none found'),
          },
          { label: 'Paravirtual NIC drivers', cell: (k) => k.networkDrivers.map((d) => `${d.driver} (${d.where})`).join(', ') || 'none found' },
          { label: 'initrd', cell: (k) => (k.initrd ? <code>{k.initrd}</code> : '—') },
        ]}
      />
      <Table
        caption="Device names in boot files"
        empty="none"
        rows={report.naming.devices}
        columns={[
          { label: 'Name', cell: (d) => <code>{d.name}</code> },
          { label: 'Kind', cell: (d) => d.kind },
          { label: 'Where', cell: (d) => `${d.file}, line ${d.line}` },
        ]}
      />
      <Table
        caption="Filesystems"
        rows={report.filesystems}
        columns={[
          { label: 'Volume', cell: (f) => f.id },
          { label: 'Type', cell: (f) => f.type ?? '—' },
          { label: 'Role', cell: (f) => f.role },
          { label: 'Mounted at', cell: (f) => f.mountpoint ?? '—' },
          { label: 'Can be repaired', cell: (f) => (f.writeRefusal ? <span class="bad">no: {f.writeRefusal}</span> : 'yes') },
        ]}
      />
      {report.warnings.length > 0 && (
        <ul class="guest-warnings">
          {report.warnings.map((warning) => (
            <li>{warning}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
