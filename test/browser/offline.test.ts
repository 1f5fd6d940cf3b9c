/**
 * Offline: once the service worker has installed and controls the page, the app loads and opens an OVA with
 * the network off and the server gone, and converts it (checked outside the browser with GNU tar and vmferry
 * verify); every request of that second visit is answered by the service worker.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureCliBuilt, vmferry } from '../support/cli';
import { describeWithTools } from '../support/tools';
import { DIST, ensureBuilt } from './support/build';
import { ARTIFACTS, launchChromium } from './support/chromium';
import { makeFixtures, type Fixtures } from './support/fixtures';
import { choose, convertAndWait, review } from './support/drive';
import { listOpfs, readOpfsFile, stubPickersWithOpfs } from './support/opfs';
import { tarMembers } from './support/outputs';
import { readFacts, readTable } from './support/read-page';
import { serveStatic, type StaticServer } from './support/static-server';

describeWithTools(['chromium', 'qemu-img', 'tar', 'sha256sum'], 'the app offline', () => {
  let fixtures: Fixtures;
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    fixtures = makeFixtures();
    ensureCliBuilt();
    await ensureBuilt();
    server = await serveStatic(DIST);
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
    // The save picker answered from the origin private file system (Playwright cannot drive the real one).
    await stubPickersWithOpfs(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fixtures?.cleanup();
  });

  it('installs the service worker, which precaches the app, and takes control after a reload', async () => {
    await page.goto(server.origin);
    // Wait for activation: the precache (engine worker chunk included) is complete once the worker is active.
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return registration.active?.state;
    });
    await page.getByText('now works offline').waitFor();
    // The banner floats: it appears while the user may be about to click, so it must not move the page.
    const pageTop = async () => (await page.locator('main').first().boundingBox())!.y;
    const withBanner = await pageTop();
    await page.getByRole('button', { name: 'OK' }).click();
    await page.getByText('now works offline').waitFor({ state: 'detached' });
    expect(await pageTop()).toBe(withBanner);
    expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
    await page.reload();
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.state)).toBe('activated');
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      }
      return urls;
    });
    expect(cached).toContain('/index.html');
    expect(cached.some((path) => /^\/assets\/engine\.worker-[\w-]+\.js$/.test(path))).toBe(true);
  });

  it('loads and opens an OVA with the network off and the server stopped', async () => {
    await context.setOffline(true);
    await server.close();
    const responses: Response[] = [];
    const failures: string[] = [];
    context.on('response', (response) => responses.push(response));
    context.on('requestfailed', (request) => failures.push(`${request.url()} ${request.failure()?.errorText}`));

    await page.reload();
    await page.getByRole('heading', { name: 'Open a virtual appliance' }).waitFor();
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    await page.setInputFiles('input[data-picker="files"]', fixtures.ova);
    await page.locator('h1.input-name', { hasText: 'vm.ova' }).waitFor();
    const hardware = await readFacts(page, 'Hardware');
    expect(hardware['CPUs']?.text).toBe('2');
    expect(hardware['Memory']?.text).toBe('1.5 GiB');
    await page.screenshot({ path: join(ARTIFACTS, 'offline-appliance-view.png'), fullPage: true });

    // The page, its script, its stylesheet and the engine worker all came out of the precache.
    const paths = responses.map((response) => new URL(response.url()).pathname);
    expect(paths).toContain('/');
    expect(paths.some((path) => /^\/assets\/index-[\w-]+\.js$/.test(path))).toBe(true);
    expect(paths.some((path) => /^\/assets\/engine\.worker-[\w-]+\.js$/.test(path))).toBe(true);
    expect(responses.filter((response) => !response.fromServiceWorker()).map((r) => r.url())).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('converts with the network still off: the engine, its worker chunks and the writers are all precached', async () => {
    const responses: Response[] = [];
    context.on('response', (response) => responses.push(response));
    await choose(page, 'virtualbox');
    await review(page);
    const order = (await readTable(page, 'Output files, in write order')).map((row) => row['Name']!);
    await convertAndWait(page);
    await page.screenshot({ path: join(ARTIFACTS, 'offline-done.png'), fullPage: true });
    expect(Object.keys(await listOpfs(page))).toEqual(['vm-virtualbox.ova']);
    const ova = join(fixtures.dir, 'offline-vm-virtualbox.ova');
    writeFileSync(ova, await readOpfsFile(page, 'vm-virtualbox.ova'));
    expect(tarMembers(ova)).toEqual(order);
    expect(vmferry('verify', ova)).toMatchObject({ status: 0 });
    expect(responses.filter((response) => !response.fromServiceWorker()).map((r) => r.url())).toEqual([]);
  });
});
