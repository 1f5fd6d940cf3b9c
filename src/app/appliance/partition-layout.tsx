import type { DiskLayout, PartitionLayout } from '../../engine/appliance/engine-api';
import { Bytes } from '../components/bytes';
import { Table } from '../components/table';

/**
 * A disk's partitions drawn to scale (a bar as wide as the disk, each partition as wide as its share), with a
 * table of the same facts beside it. Logical partitions are drawn inside their extended partition.
 */
export function PartitionLayoutView({ layout }: { layout: DiskLayout }) {
  const { virtualSize } = layout;
  const drawn = layout.partitions.filter((p) => !p.extended);
  const extended = layout.partitions.filter((p) => p.extended);
  return (
    <div class="partition-layout">
      {layout.scheme === 'none' && drawn.length === 0 ? (
        <p class="muted">No partition table.</p>
      ) : (
        <svg
          viewBox="0 0 1000 44"
          preserveAspectRatio="none"
          role="img"
          aria-label={`Partitions of ${layout.disk}, drawn to scale: ${drawn.map(describe).join('; ') || 'none'}`}
          data-field="partition-map"
        >
          <rect class="part-free" x={0} y={4} width={1000} height={36} />
          {extended.map((p) => (
            <rect class="part-extended" x={scale(p.start, virtualSize)} y={1} width={scale(p.size, virtualSize)} height={42} />
          ))}
          {drawn.map((p, i) => (
            <g>
              <rect class={`part part-${i % 4}`} x={scale(p.start, virtualSize)} y={6} width={Math.max(1, scale(p.size, virtualSize))} height={32}>
                <title>{describe(p)}</title>
              </rect>
            </g>
          ))}
        </svg>
      )}
      <Table
        caption={`Partitions of ${layout.disk} (${layout.scheme === 'none' ? 'no table' : layout.scheme.toUpperCase()})`}
        empty="none"
        rows={layout.partitions}
        columns={[
          { label: '#', cell: (p) => (p.number === 0 ? '—' : p.number) },
          { label: 'Start', numeric: true, cell: (p) => <Bytes value={p.start} /> },
          { label: 'Size', numeric: true, cell: (p) => <Bytes value={p.size} /> },
          { label: 'Type', cell: (p) => `${p.typeName}${p.bootable ? ' (boot)' : ''}` },
          { label: 'Filesystem', cell: (p) => p.filesystem ?? '—' },
          { label: 'Mounted at', cell: (p) => p.mountpoint ?? '—' },
          { label: 'Label', cell: (p) => p.label ?? '—' },
        ]}
      />
      {layout.warnings.map((warning) => (
        <p class="bad">{warning}</p>
      ))}
    </div>
  );
}

function scale(bytes: number, total: number): number {
  return total > 0 ? (bytes / total) * 1000 : 0;
}

function describe(p: PartitionLayout): string {
  const what = [p.filesystem, p.mountpoint].filter(Boolean).join(' ');
  return `${p.number === 0 ? 'whole disk' : `partition ${p.number}`}: ${p.typeName}${what ? `, ${what}` : ''}`;
}
