import type { VirtualSystemReport } from '../../engine/appliance/report';
import { Section } from '../components/section';
import { ControllersTable, DevicesTable, DisksTable, NicsTable } from './device-tables';
import { HardwareTable } from './hardware-table';
import { ProductInfo } from './product-info';

/** One virtual machine of the appliance. */
export function VirtualSystem({ system }: { system: VirtualSystemReport }) {
  return (
    <Section id={`vs-${system.id}`} level={3} title={<span data-field="system-name">{system.name}</span>}>
      {system.info && <p class="muted">{system.info}</p>}
      <HardwareTable system={system} />
      <ControllersTable controllers={system.controllers} />
      <DisksTable disks={system.disks} />
      <NicsTable nics={system.nics} />
      <DevicesTable devices={system.otherDevices} />
      <ProductInfo system={system} />
    </Section>
  );
}
