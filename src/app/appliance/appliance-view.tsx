import type { ApplianceReport } from '../../engine/appliance/report';
import { Section } from '../components/section';
import { ApplianceHeader } from './header';
import { ManifestPanel, type ManifestCheck } from './manifest-panel';
import { Notes } from './notes';
import { DiskImagesTable, FilesTable, NetworksTable } from './package-tables';
import { VirtualSystem } from './virtual-system';
import { Warnings } from './warnings';

/** Everything known about an opened appliance (or bare disk image), read-only. */
export function ApplianceView({ report, busy, checkManifest, onBusyChange, onOpenAnother }: {
  report: ApplianceReport;
  busy: boolean;
  checkManifest: ManifestCheck;
  onBusyChange: (busy: boolean) => void;
  onOpenAnother: () => void;
}) {
  const isDisk = report.kind === 'disk';
  return (
    <main class="appliance-view">
      <ApplianceHeader report={report} busy={busy} onOpenAnother={onOpenAnother} />
      <Warnings warnings={report.warnings} />
      {report.virtualSystems.length > 0 && (
        <Section id="systems" title={report.virtualSystems.length === 1 ? 'Virtual machine' : 'Virtual machines'}>
          {report.virtualSystems.map((system) => (
            <VirtualSystem system={system} />
          ))}
        </Section>
      )}
      {(isDisk || report.diskImages.length > 0) && (
        <Section id="disk-images" title={isDisk ? 'Disk image' : 'Disk images'}>
          <DiskImagesTable images={report.diskImages} />
        </Section>
      )}
      {!isDisk && (
        <Section id="package" title="Package">
          <NetworksTable networks={report.networks} />
          <FilesTable files={report.files} />
        </Section>
      )}
      {!isDisk && <ManifestPanel manifest={report.manifest} check={checkManifest} onBusyChange={onBusyChange} />}
      <Notes notes={report.notes} />
    </main>
  );
}
