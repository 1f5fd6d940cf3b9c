/**
 * More of what administrators open, read by the real engine in the built app: real vendor descriptors (OVF
 * 0.9 with EULA and annotation, deployment options, a two-VM vApp) opened alone so their disks are missing,
 * bare disk images made by qemu-img, and a drop of an OVA onto the page.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTools } from '../support/tools';
import { DIST, ensureBuilt } from './support/build';
import { ARTIFACTS, launchChromium } from './support/chromium';
import { DESCRIPTOR, makeFixtures, type Fixtures } from './support/fixtures';
import { readFacts, readTable } from './support/read-page';
import { serveStatic, type StaticServer } from './support/static-server';

const OVF_FIXTURES = join(DESCRIPTOR, '..');

describeWithTools(['chromium', 'qemu-img', 'tar', 'sha256sum'], 'real inputs in the app', () => {
  let fixtures: Fixtures;
  let disks: string;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    fixtures = makeFixtures();
    disks = mkdtempSync(join(tmpdir(), 'vmferry-disks-'));
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(disks, 'guest.qcow2'), '2G']);
    execFileSync('qemu-img', ['create', '-q', '-f', 'vpc', '-o', 'subformat=dynamic', join(disks, 'guest.vhd'), '1G']);
    await ensureBuilt();
    server = await serveStatic(DIST);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fixtures?.cleanup();
    if (disks) rmSync(disks, { recursive: true, force: true });
  });

  async function open(path: string, name: string): Promise<void> {
    await page.goto(server.origin);
    await page.setInputFiles('input[data-picker="files"]', path);
    await page.locator('h1.input-name', { hasText: name }).waitFor();
  }

  it('an OVF 0.9 descriptor alone: EULA in a scrollable block, annotation, missing disk warned and marked', async () => {
    await open(join(OVF_FIXTURES, 'cot-v0.9-vmx04.ovf'), 'cot-v0.9-vmx04.ovf');
    expect(await page.locator('[data-field="ovf-version"]').textContent()).toBe('0.9');
    const warnings = await page.locator('.warnings li').allTextContents();
    expect(warnings.length).toBeGreaterThan(0);
    const files = await readTable(page, 'Files');
    expect(files.some((file) => file['Present'] === 'missing')).toBe(true);
    const eula = page.locator('.eula-text').first();
    expect((await eula.textContent())?.length).toBeGreaterThan(0);
    expect(await eula.evaluate((element) => getComputedStyle(element).overflowY)).toBe('auto');
    expect(await page.locator('.annotation').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'ovf09-eula.png'), fullPage: true });
  });

  it('deployment options are listed with the default marked', async () => {
    await open(join(OVF_FIXTURES, 'cot-csr1000v-deploymentoptions.ovf'), 'cot-csr1000v-deploymentoptions.ovf');
    const options = await readTable(page, 'Deployment options');
    expect(options.length).toBeGreaterThan(1);
    expect(options.filter((option) => option['Default'] === 'yes')).toHaveLength(1);
    await page.screenshot({ path: join(ARTIFACTS, 'deployment-options.png'), fullPage: true });
  });

  it('a vApp with two virtual machines shows both', async () => {
    await open(join(OVF_FIXTURES, 'govmomi-vcenter-vapp-2vms-sas-pvscsi.ovf'), 'govmomi-vcenter-vapp-2vms-sas-pvscsi.ovf');
    expect(await page.locator('[data-field="system-name"]').count()).toBe(2);
    expect(await page.getByRole('heading', { name: 'Virtual machines' }).count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'vapp-two-vms.png'), fullPage: true });
  });

  it('bare disk images show the disk image table, with the format found by content', async () => {
    await open(join(disks, 'guest.qcow2'), 'guest.qcow2');
    expect(await page.locator('[data-field="kind"]').textContent()).toBe('Disk image');
    const qcow2 = await readTable(page, 'Disk images');
    expect(qcow2).toHaveLength(1);
    expect(qcow2[0]?.['Format']).toMatch(/^qcow2/);
    expect(qcow2[0]?.['Virtual size']).toBe('2 GiB');
    expect(await page.getByRole('button', { name: 'Check manifest' }).count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'disk-image-qcow2.png'), fullPage: true });

    await open(join(disks, 'guest.vhd'), 'guest.vhd');
    const vhd = await readTable(page, 'Disk images');
    expect(vhd[0]?.['Format']).toMatch(/^vhd/);
  });

  it('an OVA dropped on the page opens', async () => {
    await page.goto(server.origin);
    await page.getByRole('heading', { name: 'Open a virtual appliance' }).waitFor();
    const bytes = readFileSync(fixtures.ova).toString('base64');
    // A synthetic drop: the DataTransfer holds a File (no handle or entry, as from some apps), so collectDrop
    // falls back to the file itself.
    const transfer = await page.evaluateHandle((data) => {
      const binary = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dataTransfer = new DataTransfer();
      dataTransfer.items.add(new File([binary], 'dropped.ova'));
      return dataTransfer;
    }, bytes);
    await page.dispatchEvent('main', 'dragenter', { dataTransfer: transfer });
    await page.locator('.drop-overlay').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'drop-overlay.png') });
    await page.dispatchEvent('main', 'drop', { dataTransfer: transfer });
    await page.locator('h1.input-name', { hasText: 'dropped.ova' }).waitFor();
    expect((await readFacts(page, 'Hardware'))['CPUs']?.text).toBe('2');
    expect(await page.locator('.drop-overlay').count()).toBe(0);
  });

  it('a manifest check shows progress, can be cancelled, and runs again afterwards', async () => {
    const big = fixtures.bigOva();
    const workers: string[] = [];
    page.on('worker', (worker) => workers.push(worker.url()));
    await open(big, 'big.ova');
    const cdp = await page.context().newCDPSession(page);
    // Slow the renderer (workers included) so the hash of 256 MiB lasts long enough to be cancelled.
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 6 });
    await page.getByRole('button', { name: 'Check manifest' }).click();
    const progressText = page.locator('.progress-text');
    await progressText.filter({ hasText: ' of 256 MiB (' }).waitFor();
    expect(await page.locator('progress[max]').count()).toBe(1);
    await page.locator('#manifest-title').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'manifest-progress.png') });
    const workersBefore = workers.length;

    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Check manifest' }).waitFor();
    expect(await page.locator('.error').count()).toBe(0);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });

    // The cancelled worker was terminated; checking again starts a new one, which reopens the package.
    await page.getByRole('button', { name: 'Check manifest' }).click();
    const status = page.locator('[data-field="manifest-status"]');
    await status.waitFor({ timeout: 60_000 });
    expect(await status.textContent()).toContain('OK');
    expect(workers.length).toBe(workersBefore + 1);
  }, 120_000);
});
