/**
 * The built app in Debian's Chromium: open an OVA made by GNU tar + qemu-img + sha256sum and see its real
 * hardware; check its manifest; open a folder; keyboard use; open errors; and no request ever leaves the origin.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTools } from '../support/tools';
import { DIST, ensureBuilt } from './support/build';
import { ARTIFACTS, launchChromium } from './support/chromium';
import { makeFixtures, type Fixtures } from './support/fixtures';
import { readFacts, readTable } from './support/read-page';
import { serveStatic, type StaticServer } from './support/static-server';

describeWithTools(['chromium', 'qemu-img', 'tar', 'sha256sum'], 'the app in Chromium', () => {
  let fixtures: Fixtures;
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const failed: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    fixtures = makeFixtures();
    await ensureBuilt();
    server = await serveStatic(DIST);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    // Every request of every page, worker and service worker in this context, for the whole suite.
    context.on('request', (request) => requests.push(request.url()));
    context.on('requestfailed', (request) => {
      // A navigation cancels what the previous page was still loading (ERR_ABORTED); anything else is a failure.
      if (request.failure()?.errorText !== 'net::ERR_ABORTED') failed.push(`${request.url()} ${request.failure()?.errorText}`);
    });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') console.log(`[page ${message.type()}] ${message.text()}`);
    });
    await page.goto(server.origin);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fixtures?.cleanup();
  });

  const openScreen = async () => {
    await page.goto(server.origin);
    await page.getByRole('heading', { name: 'Open a virtual appliance' }).waitFor();
  };

  it('shows the open screen with both pickers and what can be opened', async () => {
    await openScreen();
    await expect(page.getByRole('button', { name: 'Open file(s)…' }).isEnabled()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Open folder…' }).isEnabled()).resolves.toBe(true);
    const hint = await page.locator('.hint').textContent();
    for (const extension of ['.ova', '.ovf', '.xva', '.vmdk', '.vhd', '.vhdx', '.qcow2', '.vdi', '.img']) {
      expect(hint).toContain(extension);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'open-screen.png') });
    await page.setViewportSize({ width: 360, height: 740 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(ARTIFACTS, 'open-screen-360-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it('opens an OVA through the file input and shows its real hardware', async () => {
    await openScreen();
    await page.setInputFiles('input[data-picker="files"]', fixtures.ova);
    await page.locator('h1.input-name', { hasText: 'vm.ova' }).waitFor();

    expect(await page.locator('[data-field="kind"]').textContent()).toBe('OVA archive');
    expect(await page.locator('[data-field="ovf-version"]').textContent()).toMatch(/^1\./);
    expect(await page.locator('[data-field="system-name"]').allTextContents()).toEqual(['vmw']);

    const hardware = await readFacts(page, 'Hardware');
    expect(hardware['CPUs']?.text).toBe('2');
    expect(hardware['Cores per socket']?.text).toBe('2');
    expect(hardware['Memory']?.text).toBe('1.5 GiB');
    expect(hardware['Memory']?.title).toBe('1,610,612,736 bytes');
    expect(hardware['Firmware']?.text).toBe('BIOS');
    expect(hardware['Operating system']?.text).toContain('Red Hat Enterprise Linux 6 (64-bit)');
    expect(hardware['Operating system']?.text).toContain('CIM id 80');
    expect(hardware['Operating system']?.text).toContain('rhel6_64Guest');
    expect(hardware['Virtual system type']?.text).toBe('vmx-08');

    const disks = await readTable(page, 'Disks');
    expect(disks).toHaveLength(1);
    expect(disks[0]).toMatchObject({ Capacity: '1 GiB', File: 'input.vmdk' });
    expect(await page.locator('td data[value="1073741824"]').first().getAttribute('title')).toBe('1,073,741,824 bytes');

    const nics = await readTable(page, 'Network adapters');
    expect(nics.map((nic) => [nic['Type'], nic['Network']])).toEqual(Array(4).fill(['E1000', 'lanethernet0']));
    const networks = await readTable(page, 'Networks');
    expect(networks.map((network) => network['Name'])).toEqual(['lanethernet0']);
    const files = await readTable(page, 'Files');
    expect(files.map((file) => file['Name']?.split('/').pop()).sort()).toEqual(['input.vmdk', 'vm.mf', 'vm.ovf']);
    expect(files.every((file) => file['Present'] === 'present')).toBe(true);

    await page.screenshot({ path: join(ARTIFACTS, 'appliance-view.png'), fullPage: true });
    await page.setViewportSize({ width: 360, height: 740 });
    // Nothing but the tables' own scroll areas may be wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.screenshot({ path: join(ARTIFACTS, 'appliance-view-360.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(ARTIFACTS, 'appliance-view-360-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it('checks the manifest: OK for the good OVA, the mismatching file named for a tampered one', async () => {
    await openScreen();
    await page.setInputFiles('input[data-picker="files"]', fixtures.ova);
    await page.getByRole('button', { name: 'Check manifest' }).click();
    const status = page.locator('[data-field="manifest-status"]');
    await status.waitFor();
    expect(await status.textContent()).toContain('OK');
    await page.locator('#manifest-title').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'manifest-ok.png') });

    await page.getByRole('button', { name: 'Open another…' }).click();
    await page.setInputFiles('input[data-picker="files"]', fixtures.tamperedOva);
    await page.locator('h1.input-name', { hasText: 'tampered.ova' }).waitFor();
    await page.getByRole('button', { name: 'Check manifest' }).click();
    await status.waitFor();
    expect(await status.textContent()).toContain('1 file does not match');
    const mismatches = await readTable(page, 'Mismatches');
    expect(mismatches.map((row) => row['File'])).toEqual(['input.vmdk']);
    expect(mismatches[0]?.['Expected']).toBe('0'.repeat(64));
    await page.locator('#manifest-title').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'manifest-mismatch.png') });
  });

  it('opens an OVF folder through "Open folder…", with the files found by relative path', async () => {
    await openScreen();
    // In Chromium the button uses showDirectoryPicker, which no test driver can answer (playwright#8850); the
    // folder input beside it is what other browsers use.
    await page.setInputFiles('input[data-picker="folder"]', fixtures.ovfFolder);
    await page.locator('h1.input-name', { hasText: 'vm.ovf' }).waitFor();
    expect(await page.locator('[data-field="kind"]').textContent()).toBe('OVF package');
    const files = await readTable(page, 'Files');
    expect(files.find((file) => file['Name']?.endsWith('input.vmdk'))?.['Present']).toBe('present');
  });

  it('is keyboard operable where the browser has no File System Access pickers', async () => {
    const plain = await context.newPage();
    await plain.addInitScript(() => {
      delete (window as { showOpenFilePicker?: unknown }).showOpenFilePicker;
      delete (window as { showDirectoryPicker?: unknown }).showDirectoryPicker;
    });
    await plain.goto(server.origin);
    await plain.getByRole('heading', { name: 'Open a virtual appliance' }).waitFor();
    // Listen before anything else: Playwright turns file-chooser interception on asynchronously, and a chooser
    // opened before that goes to the (headless, so cancelled) native dialog.
    const chooserOpened = plain.waitForEvent('filechooser');
    let focused = '';
    for (let i = 0; i < 6 && focused !== 'Open file(s)…'; i++) {
      await plain.keyboard.press('Tab');
      focused = await plain.evaluate(() => document.activeElement?.textContent ?? '');
    }
    expect(focused).toBe('Open file(s)…');
    await plain.keyboard.press('Enter');
    const chooser = await chooserOpened;
    expect(chooser.isMultiple()).toBe(true);
    await chooser.setFiles(fixtures.ova);
    await plain.locator('h1.input-name', { hasText: 'vm.ova' }).waitFor();
    await plain.close();
  });

  it('shows the engine message naming the file when an open fails', async () => {
    await openScreen();
    await page.setInputFiles('input[data-picker="files"]', fixtures.truncatedOva);
    const alert = page.locator('.error[role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('truncated.ova');
    await page.screenshot({ path: join(ARTIFACTS, 'open-error-truncated.png') });

    await page.setInputFiles('input[data-picker="files"]', fixtures.textFile);
    await alert.filter({ hasText: 'notes.txt' }).waitFor();
    expect(await alert.textContent()).not.toContain('truncated.ova');
    await page.screenshot({ path: join(ARTIFACTS, 'open-error-text.png') });
  });

  it('made no request outside its own origin, and none failed', () => {
    // The recorder saw the app and its engine worker load (so an empty list cannot pass by accident).
    expect(requests.some((url) => /\/assets\/engine\.worker-[\w-]+\.js$/.test(url))).toBe(true);
    expect(requests.filter((url) => new URL(url).origin !== server.origin)).toEqual([]);
    expect(failed).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
