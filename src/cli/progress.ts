import type { Progress } from '../engine/appliance/engine-api';

/**
 * Progress on stderr (results go to stdout, so `--json` output stays clean). On a terminal one line is
 * redrawn; otherwise a line is printed at most every few seconds, so logs stay readable.
 */
export function stderrProgress(label: string): { update: (progress: Progress) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  const interval = tty ? 200 : 5000;
  let last = 0;
  let drawn = false;
  return {
    update({ done, total, file }) {
      const now = Date.now();
      if (now - last < interval && done < total) return;
      last = now;
      const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
      const line = `${label}: ${percent}% (${formatBytes(done)} of ${formatBytes(total)})${file ? ` ${file}` : ''}`;
      if (tty) {
        process.stderr.write(`\r\x1b[K${line}`);
        drawn = true;
      } else {
        process.stderr.write(`${line}\n`);
      }
    },
    done() {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
