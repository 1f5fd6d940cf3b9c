import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { expect } from 'vitest';

/** Helpers that ask e2fsprogs about a filesystem image file. */

export function writeImage(path: string, bytes: Uint8Array): string {
  writeFileSync(path, bytes);
  return path;
}

/**
 * `e2fsck -fn`, asserting CLEAN output: exit 0 and stdout exactly the five pass lines and the summary (a wrong
 * free count still exits 0, but prints a line; notes/guest-repair.md §3.6). Returns the summary line.
 */
export function expectClean(image: string): string {
  const run = spawnSync('e2fsck', ['-fn', image], { encoding: 'utf8' });
  const lines = run.stdout.trimEnd().split('\n');
  expect({ status: run.status, lines: lines.slice(0, 5) }).toEqual({
    status: 0,
    lines: [
      'Pass 1: Checking inodes, blocks, and sizes',
      'Pass 2: Checking directory structure',
      'Pass 3: Checking directory connectivity',
      'Pass 4: Checking reference counts',
      'Pass 5: Checking group summary information',
    ],
  });
  expect(lines).toHaveLength(6);
  expect(lines[5]).toMatch(/^\S+: \d+\/\d+ files \([\d.]+% non-contiguous\), \d+\/\d+ blocks$/);
  expect(run.stderr.trim()).toMatch(/^e2fsck [\d.]+ \(.*\)$/);
  return lines[5]!;
}

export function debugfs(image: string, request: string): string {
  return execFileSync('debugfs', ['-R', request, image], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function debugfsBytes(image: string, request: string): Buffer {
  return execFileSync('debugfs', ['-R', request, image], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/** dumpe2fs -h as a map of "Field name" → value. */
export function superblockFields(image: string): Map<string, string> {
  const text = execFileSync('dumpe2fs', ['-h', image], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([^:]+):\s*(.*)$/.exec(line);
    if (match) fields.set(match[1]!.trim(), match[2]!.trim());
  }
  return fields;
}

/** dumpe2fs's group section (what is where in each group, and free counts). */
export function groupSection(image: string): string {
  const text = execFileSync('dumpe2fs', [image], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return text.slice(text.indexOf('\nGroup 0:') + 1);
}
