import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The CLI tests run the built command exactly as a user would (`node dist-cli/vmferry.mjs`), so they also test
 * the bundle. `npm test` builds first; when run alone, the bundle is rebuilt here if any source is newer.
 */
const ROOT = resolve(__dirname, '../..');
export const VMFERRY = join(ROOT, 'dist-cli/vmferry.mjs');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function ensureCliBuilt(): void {
  const stale =
    !existsSync(VMFERRY) ||
    statSync(VMFERRY).mtimeMs < Math.max(newestSource(join(ROOT, 'src/engine')), newestSource(join(ROOT, 'src/cli')));
  if (stale) execFileSync('npx', ['vite', 'build', '--mode', 'cli', '--logLevel', 'error'], { cwd: ROOT, stdio: 'inherit' });
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function vmferry(...args: string[]): RunResult {
  const result = spawnSync('node', [VMFERRY, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
