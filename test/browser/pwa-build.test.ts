/**
 * The PWA as built: the web manifest (file handlers, launch handler, icons) is served and valid for
 * Chromium, the app is installable, and every file the app needs is in the service worker's precache list
 * (P1, P2: worker chunks, CSS, icons). Reads dist/ as `npm run build` left it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTools } from '../support/tools';
import { DIST, ensureBuilt } from './support/build';
import { launchChromiumProfile } from './support/chromium';
import { serveStatic, type StaticServer } from './support/static-server';

interface Manifest {
  name: string;
  short_name: string;
  start_url: string;
  scope: string;
  display: string;
  theme_color: string;
  background_color: string;
  icons: { src: string; sizes: string; type: string; purpose?: string }[];
  file_handlers: { action: string; accept: Record<string, string[]> }[];
  launch_handler: { client_mode: string };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** The URLs workbox-build injected into dist/sw.js in place of self.__WB_MANIFEST. */
function precacheList(): string[] {
  const sw = readFileSync(join(DIST, 'sw.js'), 'utf8');
  return [...sw.matchAll(/"url":"([^"]+)"/g)].map((match) => match[1]!);
}

describeWithTools(['chromium'], 'the PWA build', () => {
  let server: StaticServer;

  beforeAll(async () => {
    await ensureBuilt();
    server = await serveStatic(DIST);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('serves the web manifest with file handlers for every input type and a focus-existing launch handler', async () => {
    const html = await (await fetch(server.origin)).text();
    expect(html).toMatch(/<link rel="manifest" href="\/manifest\.webmanifest">/);
    const response = await fetch(`${server.origin}/manifest.webmanifest`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/manifest+json');
    const manifest = (await response.json()) as Manifest;

    expect(manifest).toMatchObject({ name: 'VM Ferry', start_url: '/', scope: '/', display: 'standalone' });
    expect(manifest.short_name.length).toBeGreaterThan(0);
    expect(manifest.launch_handler).toEqual({ client_mode: 'focus-existing' });
    const extensions = new Set(manifest.file_handlers.flatMap((handler) => Object.values(handler.accept).flat()));
    for (const extension of ['.ova', '.ovf', '.xva', '.vmdk', '.vhd', '.vhdx', '.qcow2', '.vdi']) {
      expect(extensions).toContain(extension);
    }
    expect(manifest.file_handlers.every((handler) => handler.action === '/')).toBe(true);

    for (const icon of manifest.icons) {
      const image = await fetch(server.origin + icon.src);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe(icon.type);
      const bytes = new Uint8Array(await image.arrayBuffer());
      if (icon.type === 'image/png') {
        // PNG signature, then IHDR width and height (big-endian) must match the declared size.
        expect(Array.from(bytes.subarray(1, 4), (b) => String.fromCharCode(b)).join('')).toBe('PNG');
        const view = new DataView(bytes.buffer);
        expect(`${view.getUint32(16)}x${view.getUint32(20)}`).toBe(icon.sizes);
      } else {
        expect(new TextDecoder().decode(bytes)).toMatch(/^<svg /);
      }
    }
    expect(manifest.icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  });

  it('is parsed by Chromium without errors and is installable', async () => {
    // A real profile: in an incognito context (Playwright's default) Chromium reports "in-incognito".
    const profile = mkdtempSync(join(tmpdir(), 'vmferry-profile-'));
    const context = await launchChromiumProfile(profile);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(server.origin);
    // Installability needs an active service worker controlling the start URL's scope.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    const cdp = await page.context().newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: { message: string }[] };
    expect(manifest.url).toBe(`${server.origin}/manifest.webmanifest`);
    expect(manifest.errors).toEqual([]);
    const installability = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: { errorId: string }[];
    };
    expect(installability.installabilityErrors).toEqual([]);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('precaches every script, stylesheet, worker chunk, icon and the manifest', () => {
    const precached = new Set(precacheList());
    const built = filesUnder(DIST)
      .map((file) => relative(DIST, file))
      .filter((file) => /\.(js|css|html|svg|png|webmanifest|wasm)$/.test(file) && file !== 'sw.js');
    expect(built.length).toBeGreaterThan(5);
    expect(built.filter((file) => !precached.has(file))).toEqual([]);

    // The engine worker is bundled as its own chunk (P8: not inlined as a data: or blob: URL) and precached.
    const workers = built.filter((file) => /^assets\/engine\.worker-[\w-]+\.js$/.test(file));
    expect(workers).toHaveLength(1);
    const entry = built.find((file) => /^assets\/index-[\w-]+\.js$/.test(file))!;
    expect(readFileSync(join(DIST, entry), 'utf8')).toContain(workers[0]!.slice('assets/'.length));
    // And every chunk the worker imports is precached too (code splitting in workers: P7).
    const workerCode = readFileSync(join(DIST, workers[0]!), 'utf8');
    for (const [, imported] of workerCode.matchAll(/from\s*["']\.\/([\w.-]+\.js)["']|import\(\s*["']\.\/([\w.-]+\.js)["']\)/g)) {
      if (imported) expect(precached).toContain(`assets/${imported}`);
    }
  });

  it('service worker: skipWaiting only on request, navigations served from index.html, classic script', () => {
    const sw = readFileSync(join(DIST, 'sw.js'), 'utf8');
    // skipWaiting() is called in exactly one place, the SKIP_WAITING message handler (update.test.ts checks the
    // behaviour: a new version waits until the user clicks Reload).
    const calls = [...sw.matchAll(/skipWaiting\(\)/g)];
    expect(calls).toHaveLength(1);
    expect(sw.slice(Math.max(0, calls[0]!.index - 120), calls[0]!.index)).toContain('SKIP_WAITING');
    expect(sw).toContain('index.html');
    // Registered as a classic script: it must not contain module syntax (P4).
    expect(sw).not.toMatch(/^\s*(import|export)\s/m);
    expect(sw).not.toContain('import.meta');
  });

  it('index.html forbids requests to any other origin with a Content-Security-Policy', () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    const directives = new Map(csp.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name!, values];
    }));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('worker-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    // No external resource is referenced by the built page.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});
