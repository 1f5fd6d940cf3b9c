import type { AllocationMap, DiskLayout } from '../../engine/appliance/engine-api';
import type { DiskImageReport } from '../../engine/appliance/report';
import { Section } from '../components/section';
import type { Loaded } from '../use-look-data';
import { AllocationPicture } from './allocation-map';
import { PartitionLayoutView } from './partition-layout';

/** Per disk: where its data is (allocation map) and how it is partitioned (to scale). */
export function DiskPictures({ images, maps, layouts }: {
  images: DiskImageReport[];
  maps: ReadonlyMap<string, Loaded<AllocationMap>>;
  layouts: Loaded<DiskLayout[]>;
}) {
  const readable = images.filter((image) => image.problem === null);
  if (readable.length === 0) return null;
  return (
    <Section id="disk-pictures" title="Inside the disks">
      {readable.map((image) => {
        const map = maps.get(image.file);
        const layout = layouts.state === 'ready' ? layouts.value.find((l) => sameDisk(l.disk, image.file)) : undefined;
        return (
          <Section id={`disk-${slug(image.file)}`} level={3} title={image.file}>
            <h4>Where the data is</h4>
            {!map || map.state === 'loading' ? (
              <p class="muted" aria-busy="true">Reading the allocation tables…</p>
            ) : map.state === 'failed' ? (
              <p class="bad">{map.message}</p>
            ) : (
              <AllocationPicture map={map.value} />
            )}
            <h4>Partitions</h4>
            {layouts.state === 'loading' ? (
              <p class="muted" aria-busy="true">Reading the partition table…</p>
            ) : layouts.state === 'failed' ? (
              <p class="bad">{layouts.message}</p>
            ) : layout ? (
              <PartitionLayoutView layout={layout} />
            ) : (
              <p class="muted">Not read.</p>
            )}
          </Section>
        );
      })}
    </Section>
  );
}

/** Layouts name disks as the package does, like the disk images. */
function sameDisk(layoutName: string, file: string): boolean {
  return layoutName === file;
}

function slug(text: string): string {
  return text.replace(/[^a-zA-Z0-9]+/g, '-');
}
