import type { AllocationMap } from '../../engine/appliance/engine-api';
import { formatBytes } from '../format';

/**
 * Where a disk's data is: one column per slice of the virtual size, filled from the bottom with the share that
 * holds data, then the share the format records as zeros; the rest holds nothing. Drawn as SVG (no inline
 * styles: the CSP forbids them), described in words for assistive technology.
 */
export function AllocationPicture({ map }: { map: AllocationMap }) {
  const buckets = map.data.length;
  const { data, zero, unallocated } = map.totals;
  const summary = `${formatBytes(data)} of data, ${formatBytes(zero)} recorded as zeros, ${formatBytes(unallocated)} empty, of ${formatBytes(map.virtualSize)}`;
  return (
    <figure class="allocation">
      <svg
        viewBox={`0 0 ${buckets} 100`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Allocation map of ${map.disk}: ${summary}`}
        data-field="allocation-map"
      >
        <rect class="alloc-empty" x={0} y={0} width={buckets} height={100} />
        {map.data.map((fraction, i) => {
          const dataHeight = fraction * 100;
          const zeroHeight = (map.zero[i] ?? 0) * 100;
          return (
            <>
              {dataHeight > 0 && <rect class="alloc-data" x={i} y={100 - dataHeight} width={1.02} height={dataHeight} />}
              {zeroHeight > 0 && <rect class="alloc-zero" x={i} y={100 - dataHeight - zeroHeight} width={1.02} height={zeroHeight} />}
            </>
          );
        })}
      </svg>
      <figcaption>
        <span class="swatch alloc-data" aria-hidden="true" /> data {percent(data, map.virtualSize)}
        <span class="swatch alloc-zero" aria-hidden="true" /> zeros {percent(zero, map.virtualSize)}
        <span class="swatch alloc-empty" aria-hidden="true" /> empty {percent(unallocated, map.virtualSize)}
        <span class="muted"> — start of the disk on the left, end on the right</span>
      </figcaption>
    </figure>
  );
}

function percent(part: number, whole: number): string {
  if (whole <= 0) return '0 %';
  const value = (part / whole) * 100;
  return `${value > 0 && value < 1 ? '<1' : Math.round(value)} %`;
}
