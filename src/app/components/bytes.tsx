import { formatBytes, formatExactBytes } from '../format';

/** A size in human units; the exact byte count is in the tooltip and in the machine-readable value. */
export function Bytes({ value }: { value: number | null | undefined }) {
  if (value === null || value === undefined) return <span class="muted">—</span>;
  return (
    <data value={String(value)} title={formatExactBytes(value)}>
      {formatBytes(value)}
    </data>
  );
}
