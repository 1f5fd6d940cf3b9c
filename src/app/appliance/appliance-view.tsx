import type { ApplianceReport } from '../../engine/appliance/report';
import { Section } from '../components/section';
import { StepNav } from '../components/step-nav';
import type { LookData } from '../use-look-data';
import { DiskPictures } from './disk-pictures';
import { GuestPanel } from './guest-panel';
import { ApplianceHeader } from './header';
import { ManifestPanel, type ManifestCheck } from './manifest-panel';
import { Notes } from './notes';
import { DiskImagesTable, FilesTable, NetworksTable } from './package-tables';
import { VirtualSystem } from './virtual-system';
import { Warnings } from './warnings';

/** Everything known about an opened appliance (or bare disk image), read-only; the way on to converting it. */
export function ApplianceView({ report, look, busy, checkManifest, onBusyChange, onOpenAnother, onConvert }: {
  report: ApplianceReport;
  look: LookData;
  busy: boolean;
  checkManifest: ManifestCheck;
  onBusyChange: (busy: boolean) => void;
  onOpenAnother: () => void;
  onConvert: () => void;
}) {
  const isDisk = report.kind === 'disk';
  const convertible = report.diskImages.some((image) => image.problem === null);
  const { guest } = look;
  return (
    <main class="appliance-view">
      <StepNav current="Look" />
      <ApplianceHeader report={report} busy={busy} onOpenAnother={onOpenAnother} />
      <Warnings warnings={report.warnings} />
      <div class="actions">
        <button type="button" class="primary" disabled={busy || !convertible} onClick={onConvert}>
          Convert…
        </button>
        {!convertible && <span class="muted">No readable disk: there is nothing to convert.</span>}
      </div>
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
      <DiskPictures
        images={report.diskImages}
        maps={look.maps}
        layouts={guest.state === 'ready' ? { state: 'ready', value: guest.value.layouts } : guest}
      />
      {convertible && (
        <Section id="guest" title="Guest operating system">
          {guest.state === 'loading' && (
            <p class="muted" aria-busy="true">
              Looking inside the disks…
            </p>
          )}
          {guest.state === 'failed' && <p class="bad">{guest.message}</p>}
          {guest.state === 'ready' && guest.value.report && <GuestPanel report={guest.value.report} />}
          {guest.state === 'ready' && !guest.value.report && <p class="bad">{guest.value.problem}</p>}
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
