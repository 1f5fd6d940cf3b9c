import type {
  ControllerReport,
  DeviceReport,
  NicReport,
  VirtualDiskReport,
} from '../../engine/appliance/report';
import { Bytes } from '../components/bytes';
import { Table } from '../components/table';
import { orDash } from '../format';

/** The device lists of one virtual machine: controllers, disks, network adapters, everything else. */
export function ControllersTable({ controllers }: { controllers: ControllerReport[] }) {
  return (
    <Table
      caption="Controllers"
      empty="none"
      rows={controllers}
      columns={[
        { label: 'Type', cell: (c) => c.type.toUpperCase() },
        { label: 'Model', cell: (c) => orDash(c.subtype) },
        { label: 'Address', cell: (c) => orDash(c.address) },
        { label: 'Instance', cell: (c) => c.instanceId },
      ]}
    />
  );
}

export function DisksTable({ disks }: { disks: VirtualDiskReport[] }) {
  return (
    <Table
      caption="Disks"
      empty="none"
      rows={disks}
      columns={[
        { label: 'Disk', cell: (d) => d.diskId ?? d.instanceId },
        { label: 'Capacity', numeric: true, cell: (d) => <Bytes value={d.capacityBytes} /> },
        { label: 'Populated', numeric: true, cell: (d) => <Bytes value={d.populatedBytes} /> },
        { label: 'Format', cell: (d) => orDash(d.format) },
        { label: 'File', cell: (d) => orDash(d.fileName) },
        { label: 'Controller', cell: (d) => controllerLabel(d) },
      ]}
    />
  );
}

function controllerLabel(disk: VirtualDiskReport): string {
  if (!disk.controller) return '—';
  const { type, subtype } = disk.controller;
  const name = subtype ? `${type.toUpperCase()} (${subtype})` : type.toUpperCase();
  return disk.addressOnParent !== null ? `${name}, unit ${disk.addressOnParent}` : name;
}

export function NicsTable({ nics }: { nics: NicReport[] }) {
  return (
    <Table
      caption="Network adapters"
      empty="none"
      rows={nics}
      columns={[
        { label: 'Type', cell: (n) => orDash(n.type) },
        { label: 'Network', cell: (n) => orDash(n.network) },
        { label: 'MAC', cell: (n) => (n.mac ? <code>{n.mac}</code> : '—') },
        { label: 'Connected', cell: (n) => (n.connected === null ? '—' : n.connected ? 'yes' : 'no') },
      ]}
    />
  );
}

export function DevicesTable({ devices }: { devices: DeviceReport[] }) {
  return (
    <Table
      caption="Other devices"
      empty="none"
      rows={devices}
      columns={[
        { label: 'Kind', cell: (d) => d.kind },
        { label: 'Description', cell: (d) => d.description },
        { label: 'Resource type', cell: (d) => orDash(d.resourceType) },
      ]}
    />
  );
}
