import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every test run gets a temporary folder of its own, and every temporary file the tests, the tools they run
 * (qemu-img, mke2fs, ...) and the test workers create goes under it (TMPDIR is inherited): the whole folder is
 * removed when the run ends, so runs never pile up gigabytes of disk images in /tmp.
 * Keep it for a post-mortem with VMFERRY_KEEP_TEST_FILES=1.
 */
let folder: string | null = null;

export function setup(): void {
  folder = mkdtempSync(join(tmpdir(), 'vmferry-test-run-'));
  process.env.TMPDIR = folder;
}

export function teardown(): void {
  if (!folder) return;
  if (process.env.VMFERRY_KEEP_TEST_FILES) {
    console.info(`Test files kept in ${folder}`);
    return;
  }
  rmSync(folder, { recursive: true, force: true });
}
