/**
 * Recently opened appliances (Chromium): a file opened through the open picker is remembered with its handle in
 * IndexedDB, listed again after a reload, reopened with one click, and forgotten on request. The picker is
 * answered with a handle from the origin private file system (Playwright cannot drive the real one).
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTools } from '../support/tools';
import { DIST, ensureBuilt } from './support/build';
import { launchChromium } from './support/chromium';
import { makeFixtures, type Fixtures } from './support/fixtures';
import { serveStatic, type StaticServer } from './support/static-server';

describeWithTools(['chromium', 'qemu-img', 'tar', 'sha256sum'], 'recently opened', () => {
  let fixtures: Fixtures;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    fixtures = makeFixtures();
    await ensureBuilt();
    server = await serveStatic(DIST);
    // The fixture reaches OPFS through the page: fetched from the test server, written with createWritable.
    server.overrides.set('/test-fixture/vm.ova', readFileSync(fixtures.ova));
    browser = await launchChromium();
    page = await browser.newPage();
    await page.addInitScript(() => {
      (window as unknown as { showOpenFilePicker: () => Promise<FileSystemFileHandle[]> }).showOpenFilePicker = async () => [
        await (await navigator.storage.getDirectory()).getFileHandle('vm.ova'),
      ];
    });
    await page.goto(server.origin);
    await page.evaluate(async () => {
      const bytes = await (await fetch('/test-fixture/vm.ova')).arrayBuffer();
      const writable = await (await (await navigator.storage.getDirectory()).getFileHandle('vm.ova', { create: true })).createWritable();
      await writable.write(bytes);
      await writable.close();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fixtures?.cleanup();
  });

  it('remembers a file opened with the picker, lists it after a reload, reopens it, and forgets it', async () => {
    expect(await page.getByRole('heading', { name: 'Recently opened' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Open file(s)…' }).click();
    await page.locator('h1.input-name', { hasText: 'vm.ova' }).waitFor();

    await page.reload();
    await page.getByRole('heading', { name: 'Recently opened' }).waitFor();
    await page.getByRole('button', { name: 'vm.ova', exact: true }).click();
    await page.locator('h1.input-name', { hasText: 'vm.ova' }).waitFor();
    expect(await page.locator('[data-field="kind"]').textContent()).toBe('OVA archive');

    await page.getByRole('button', { name: 'Open another…' }).click();
    await page.getByRole('button', { name: 'Forget vm.ova' }).click();
    await page.getByRole('heading', { name: 'Recently opened' }).waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('heading', { name: 'Open a virtual appliance' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Recently opened' }).count()).toBe(0);
  });
});
