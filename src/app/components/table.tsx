import type { ComponentChildren } from 'preact';

export interface Column<Row> {
  label: string;
  cell: (row: Row) => ComponentChildren;
  /** Right-align numbers. */
  numeric?: boolean;
}

/**
 * A captioned table that scrolls sideways on narrow screens instead of squeezing (360 px phones); the scroll
 * container is focusable and named so keyboard users can scroll it too.
 */
export function Table<Row>({
  caption,
  columns,
  rows,
  empty,
}: {
  caption: string;
  columns: Column<Row>[];
  rows: readonly Row[];
  empty?: string;
}) {
  if (rows.length === 0 && empty) {
    return (
      <p class="empty">
        <strong>{caption}:</strong> {empty}
      </p>
    );
  }
  return (
    <div class="table-scroll" role="region" aria-label={caption} tabIndex={0}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" class={column.numeric ? 'numeric' : undefined}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              {columns.map((column) => (
                <td class={column.numeric ? 'numeric' : undefined}>{column.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A two-column table of named values (a VM's hardware). */
export function FactTable({ caption, facts }: { caption: string; facts: [string, ComponentChildren][] }) {
  return (
    <div class="table-scroll" role="region" aria-label={caption} tabIndex={0}>
      <table class="facts">
        <caption>{caption}</caption>
        <tbody>
          {facts.map(([label, value]) => (
            <tr>
              <th scope="row">{label}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
