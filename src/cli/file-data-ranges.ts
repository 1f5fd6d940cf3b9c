import { execFile } from 'node:child_process';

export interface DataRange {
  offset: number;
  length: number;
}

/**
 * Where a sparse file holds data, from the file system itself (lseek SEEK_DATA/SEEK_HOLE), so that converting a
 * raw image skips its holes instead of reading gigabytes of zeros — what qemu-img does with block status. Node
 * has no lseek, so this asks `xfs_io` (xfsprogs; its `seek` command works on any Linux file system that reports
 * holes: ext4, XFS, Btrfs, tmpfs). Without it, or on any surprise, the answer is null and the file is simply read.
 */
export function fileDataRanges(path: string, size: number): Promise<DataRange[] | null> {
  return new Promise((resolve) => {
    execFile('xfs_io', ['-r', '-c', 'seek -a -r 0', path], { timeout: 10_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      resolve(error ? null : parseSeekOutput(stdout, size));
    });
  });
}

/**
 * `xfs_io`'s `seek -a -r` prints a "Whence Result" header, then one line per transition: `DATA <offset>` or
 * `HOLE <offset>`. Data runs from each DATA to the next HOLE (or to the end of the file).
 */
export function parseSeekOutput(text: string, size: number): DataRange[] | null {
  const lines = text.trim().split('\n');
  if (!/^Whence\s+Result$/.test(lines[0]?.trim() ?? '')) return null;
  const ranges: DataRange[] = [];
  let dataStart: number | null = null;
  for (const line of lines.slice(1)) {
    const match = /^(DATA|HOLE)\s+(\d+)$/.exec(line.trim());
    if (!match) return null;
    const offset = Number(match[2]);
    if (!Number.isSafeInteger(offset) || offset > size) return null;
    if (match[1] === 'DATA') {
      if (dataStart === null) dataStart = offset;
    } else if (dataStart !== null) {
      if (offset > dataStart) ranges.push({ offset: dataStart, length: offset - dataStart });
      dataStart = null;
    }
  }
  if (dataStart !== null && size > dataStart) ranges.push({ offset: dataStart, length: size - dataStart });
  return ranges;
}
