/**
 * Updates never interrupt the user: a new service worker installs and waits, the page offers "Reload", and
 * only that click activates it and reloads (P5). The "new version" is the built sw.js with one byte changed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTools } from '../support/tools';
import { DIST, ensureBuilt } from './support/build';
import { ARTIFACTS, launchChromium } from './support/chromium';
import { serveStatic, type StaticServer } from './support/static-server';

describeWithTools(['chromium'], 'app updates', () => {
  let server: StaticServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await ensureBuilt();
    server = await serveStatic(DIST);
    browser = await launchChromium();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const registrationState = () =>
    page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return {
        waiting: registration?.waiting?.state ?? null,
        active: registration?.active?.state ?? null,
        controlled: navigator.serviceWorker.controller !== null,
        marker: (window as { marker?: string }).marker ?? null,
      };
    });

  it('a new version waits for the user, who activates it with Reload', async () => {
    await page.goto(server.origin);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    expect((await registrationState()).controlled).toBe(true);

    server.overrides.set('/sw.js', Buffer.concat([readFileSync(join(DIST, 'sw.js')), Buffer.from('\n// next version\n')]));
    await page.evaluate(() => {
      (window as { marker?: string }).marker = 'still the same page';
    });
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const reload = page.getByRole('button', { name: 'Reload' });
    await reload.waitFor();
    expect(await page.getByText('A new version of VM Ferry is ready.').isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'update-ready.png') });

    // Left alone, nothing happens: the new worker keeps waiting and the page is not reloaded.
    await page.waitForTimeout(1500);
    expect(await registrationState()).toEqual({ waiting: 'installed', active: 'activated', controlled: true, marker: 'still the same page' });

    await Promise.all([page.waitForEvent('load'), reload.click()]);
    await page.getByRole('heading', { name: 'Open a virtual appliance' }).waitFor();
    expect(await registrationState()).toEqual({ waiting: null, active: 'activated', controlled: true, marker: null });
  });
});
