/**
 * An update never lands in the middle of a conversion: while a conversion runs, a new version is announced but
 * "Reload" is not offered (P5); it appears once the job is done, and the output is complete.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTools } from '../support/tools';
import { DIST, ensureBuilt } from './support/build';
import { ARTIFACTS, launchChromium } from './support/chromium';
import { makeConvertFixtures, type ConvertFixtures } from './support/convert-fixtures';
import { choose, openFile, review } from './support/drive';
import { listOpfs, stubPickersWithOpfs } from './support/opfs';
import { serveStatic, type StaticServer } from './support/static-server';

describeWithTools(['chromium', 'qemu-img', 'tar', 'sha256sum'], 'updates during a conversion', () => {
  let fixtures: ConvertFixtures;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    fixtures = makeConvertFixtures();
    await ensureBuilt();
    server = await serveStatic(DIST);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await stubPickersWithOpfs(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fixtures?.cleanup();
  });

  it('holds the Reload button back until the running conversion has finished', async () => {
    await page.goto(server.origin);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await openFile(page, fixtures.slowOva(), 'slow.ova');
    await choose(page, 'vmware');
    await review(page);
    await page.getByRole('button', { name: 'Convert and save…' }).click();
    await page.locator('.file-progress[data-file]').first().waitFor();

    server.overrides.set('/sw.js', Buffer.concat([readFileSync(join(DIST, 'sw.js')), Buffer.from('\n// next version\n')]));
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await page.getByText('A new version of VM Ferry is ready.').waitFor();
    expect(await page.getByText('Reload when the current job has finished.').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Reload' }).count()).toBe(0);
    // Still converting: the page was not reloaded.
    expect(await page.getByRole('heading', { name: /^Converting to/ }).isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'update-during-job.png') });

    await page.getByRole('heading', { name: /^Done/ }).waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Reload' }).waitFor();
    expect(Object.keys(await listOpfs(page))).toEqual(['slow-vmware.ova']);
  });
});
