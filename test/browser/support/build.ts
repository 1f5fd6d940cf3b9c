import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The browser tests run against the production build in dist/ (offline behaviour exists only there: P3).
 *
 * Rule: dist/ is reused when dist/index.html and dist/sw.js exist and are newer than every input of the app
 * build (index.html, vite.config.ts, package.json, package-lock.json, and every file under src/, workers/ and
 * public/). `npm test` runs `npm run build` first, so there it is always reused; after editing a source,
 * `npx vitest run test/browser` rebuilds once. Test files run in parallel, so the build takes a lock (an atomic
 * mkdir) and the others wait for it and then re-check.
 */
export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const DIST = join(ROOT, 'dist');
const LOCK = join(ROOT, 'node_modules', '.vmferry-browser-build.lock');
const INPUTS = ['index.html', 'vite.config.ts', 'package.json', 'package-lock.json', 'src', 'workers', 'public'];

export async function ensureBuilt(): Promise<void> {
  for (;;) {
    if (isFresh()) return;
    try {
      mkdirSync(LOCK);
    } catch {
      // Another test file is building; wait for it, then look again. A lock older than 5 minutes is stale.
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs > 300_000) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    try {
      // vitest sets NODE_ENV=test, and Vite honours an inherited NODE_ENV: without this the build would be a
      // development build (import.meta.env.PROD false: no service worker registered, workbox debug logs).
      const env = { ...process.env, NODE_ENV: 'production' };
      if (!isFresh()) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit', env });
      return;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}

function isFresh(): boolean {
  const outputs = ['index.html', 'sw.js'].map((name) => join(DIST, name));
  if (!outputs.every((file) => existsSync(file))) return false;
  const builtAt = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  return INPUTS.every((input) => newestUnder(join(ROOT, input)) < builtAt);
}

function newestUnder(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestUnder(join(path, entry)));
  return newest;
}
