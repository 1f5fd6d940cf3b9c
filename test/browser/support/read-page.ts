import type { Page } from 'playwright-core';

/** A table found by its caption, as one object per row keyed by column header. */
export function readTable(page: Page, caption: string): Promise<Record<string, string>[]> {
  return page.$$eval(
    'table',
    (tables, wanted) => {
      const table = tables.find((t) => t.querySelector('caption')?.textContent?.trim() === wanted);
      if (!table) throw new Error(`no table captioned "${wanted}"`);
      const headers = Array.from(table.querySelectorAll('thead th'), (th) => th.textContent?.trim() ?? '');
      return Array.from(table.querySelectorAll('tbody tr'), (row) =>
        Object.fromEntries(Array.from(row.querySelectorAll('td'), (td, i) => [headers[i] ?? String(i), td.textContent?.trim() ?? ''])),
      );
    },
    caption,
  );
}

/** A two-column facts table (row header → value text, plus the exact bytes from a `data` element's title). */
export function readFacts(page: Page, caption: string): Promise<Record<string, { text: string; title: string | null }>> {
  return page.$$eval(
    'table.facts',
    (tables, wanted) => {
      const table = tables.find((t) => t.querySelector('caption')?.textContent?.trim() === wanted);
      if (!table) throw new Error(`no facts table captioned "${wanted}"`);
      return Object.fromEntries(
        Array.from(table.querySelectorAll('tr'), (row) => [
          row.querySelector('th')?.textContent?.trim() ?? '',
          {
            text: row.querySelector('td')?.textContent?.trim() ?? '',
            title: row.querySelector('td [title]')?.getAttribute('title') ?? null,
          },
        ]),
      );
    },
    caption,
  );
}

/** The exact byte counts (`<data value>`) in a table's rows, one per row, in order. */
export function readByteValues(page: Page, caption: string): Promise<number[]> {
  return page.$$eval(
    'table',
    (tables, wanted) => {
      const table = tables.find((t) => t.querySelector('caption')?.textContent?.trim() === wanted);
      if (!table) throw new Error(`no table captioned "${wanted}"`);
      return Array.from(table.querySelectorAll('tbody tr'), (row) => Number(row.querySelector('data')?.getAttribute('value')));
    },
    caption,
  );
}
