import type { ComponentChildren } from 'preact';
import type { OsReport, VirtualSystemReport } from '../../engine/appliance/report';
import { Bytes } from '../components/bytes';
import { FactTable } from '../components/table';
import { orDash } from '../format';

/** One virtual machine's hardware at a glance. */
export function HardwareTable({ system }: { system: VirtualSystemReport }) {
  const facts: [string, ComponentChildren][] = [
    ['CPUs', orDash(system.cpus)],
    ['Cores per socket', orDash(system.coresPerSocket)],
    ['Memory', <Bytes value={system.memoryBytes} />],
    ['Firmware', system.firmware ? system.firmware.toUpperCase() : '—'],
    ['Operating system', <OsDescription os={system.os} />],
    ['Virtual system type', system.virtualSystemTypes.length ? system.virtualSystemTypes.join(', ') : '—'],
  ];
  return <FactTable caption="Hardware" facts={facts} />;
}

function OsDescription({ os }: { os: OsReport | null }) {
  if (!os) return <>—</>;
  const ids = [
    os.cimId !== null ? `CIM id ${os.cimId}` : null,
    os.vmwareOsType ? `VMware osType ${os.vmwareOsType}` : null,
  ].filter(Boolean);
  return (
    <>
      {os.description ?? 'Not described'}
      {ids.length > 0 && <span class="muted"> ({ids.join(', ')})</span>}
    </>
  );
}
