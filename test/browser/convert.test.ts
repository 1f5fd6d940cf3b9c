/**
 * Conversions through the built app in Debian's Chromium, checked outside the browser with real tools:
 * an OVA (qemu-img + GNU tar + sha256sum) converted for VirtualBox through the save picker (an OPFS-backed handle:
 * Playwright cannot answer the real picker, and the worker's write path is the same for any file handle), for KVM
 * as a download streamed by the service worker, and as an OVF folder (picked folder, or several downloads);
 * `vmferry verify`, GNU tar's member order, `qemu-img compare` with the source and `qemu-img check`. Cancel leaves
 * nothing; no request leaves the origin.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { qemuCheck, qemuCompare } from '../support/disks';
import { ensureCliBuilt, vmferry } from '../support/cli';
import { sha256File } from '../support/packages';
import { describeWithTools } from '../support/tools';
import { DIST, ensureBuilt } from './support/build';
import { ARTIFACTS, launchChromium } from './support/chromium';
import { makeConvertFixtures, type ConvertFixtures } from './support/convert-fixtures';
import { choose, convertAndWait, openFile, review } from './support/drive';
import { clearOpfs, listOpfs, readOpfsFile, stubPickersWithOpfs } from './support/opfs';
import { tarMembers, tarSizes, untar } from './support/outputs';
import { readByteValues, readTable } from './support/read-page';
import { serveStatic, type StaticServer } from './support/static-server';

describeWithTools(['chromium', 'qemu-img', 'tar', 'sha256sum'], 'converting in the app', () => {
  let fixtures: ConvertFixtures;
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  const requests: string[] = [];
  const failed: string[] = [];
  const pageErrors: string[] = [];

  let inputDigest: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    fixtures = makeConvertFixtures();
    inputDigest = sha256File(fixtures.ova);
    ensureCliBuilt();
    await ensureBuilt();
    server = await serveStatic(DIST);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    context.on('request', (request) => requests.push(request.url()));
    context.on('requestfailed', (request) => {
      const error = request.failure()?.errorText;
      // A navigation cancels what the previous page still loaded; a cancelled download fails its request on purpose.
      if (error !== 'net::ERR_ABORTED' && !new URL(request.url()).pathname.startsWith('/__download/')) failed.push(`${request.url()} ${error}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fixtures?.cleanup();
  });

  /** A page with the pickers answered from OPFS (Chromium's path), or with no pickers (Firefox's and Safari's). */
  async function newPage(pickers: 'opfs' | 'none'): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') console.log(`[page error] ${message.text()}`);
    });
    if (pickers === 'opfs') await stubPickersWithOpfs(page);
    else {
      await page.addInitScript(() => {
        delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
        delete (window as { showDirectoryPicker?: unknown }).showDirectoryPicker;
      });
    }
    await page.goto(server.origin);
    // Streamed downloads need the service worker active (not controlling: the download is a new navigation).
    await page.evaluate(() => navigator.serviceWorker.ready);
    if (pickers === 'opfs') await clearOpfs(page);
    return page;
  }

  const work = (name: string) => {
    const dir = join(fixtures.dir, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  };

  async function shoot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  it('converts an OVA for VirtualBox into the file the save picker gave; checked by tar, vmferry verify and qemu-img', async () => {
    const page = await newPage('opfs');
    await openFile(page, fixtures.ova, 'vm.ova');
    await page.locator('[data-field="allocation-map"]').waitFor();
    await shoot(page, 'look-allocation-map');
    await choose(page, 'virtualbox', { networks: { lanethernet0: 'NAT Network' } });
    expect(await page.locator('[data-field="output-file"]').textContent()).toBe('vm-virtualbox.ova');
    await shoot(page, 'choose');
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await shoot(page, 'choose-360');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shoot(page, 'choose-360-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1200, height: 900 });

    await review(page);
    const planned = await readTable(page, 'Output files, in write order');
    const order = planned.map((row) => row['Name']!);
    expect([...order].sort()).toEqual(['vm-virtualbox-disk1.vmdk', 'vm-virtualbox.mf', 'vm-virtualbox.ovf']);
    // DSP0243 §5.3: the descriptor first; the manifest right after it or last.
    expect(order[0]).toBe('vm-virtualbox.ovf');
    expect([1, 2]).toContain(order.indexOf('vm-virtualbox.mf'));
    // A compressed VMDK's size is known only once written.
    expect(planned.find((row) => row['Name'] === 'vm-virtualbox-disk1.vmdk')?.['Size']).toBe('known when written');
    expect((await readTable(page, 'Networks')).map((row) => [row['Source'], row['Target']])).toEqual([['lanethernet0', 'NAT Network']]);
    await shoot(page, 'review');

    await convertAndWait(page);
    await shoot(page, 'done');
    const written = await readTable(page, 'Written files');
    expect(written.map((row) => row['Name'])).toEqual(order);

    expect(Object.keys(await listOpfs(page))).toEqual(['vm-virtualbox.ova']);
    const dir = work('virtualbox');
    const ova = join(dir, 'vm-virtualbox.ova');
    writeFileSync(ova, await readOpfsFile(page, 'vm-virtualbox.ova'));
    // GNU tar reads the members in the order the plan announced.
    expect(tarMembers(ova)).toEqual(order);
    // The exact sizes on the Done screen are the members' sizes.
    expect(await readByteValues(page, 'Written files')).toEqual(tarSizes(ova));
    const verify = vmferry('verify', ova);
    expect(verify.stderr).not.toMatch(/^(FAIL|fail)/m);
    expect(verify.status).toBe(0);
    untar(ova, join(dir, 'x'));
    const disk = join(dir, 'x', 'vm-virtualbox-disk1.vmdk');
    expect(qemuCheck(disk, 'vmdk').status).toBe(0);
    expect(qemuCompare(fixtures.raw, 'raw', disk, 'vmdk')).toMatchObject({ status: 0 });
    // The manifest shown on the Done screen is the one in the package.
    expect(await page.locator('[data-field="manifest-text"]').textContent()).toBe(readFileSync(join(dir, 'x', 'vm-virtualbox.mf'), 'utf8'));
    expect(readFileSync(join(dir, 'x', 'vm-virtualbox.ovf'), 'utf8')).toContain('NAT Network');
    await page.close();
  });

  it('streams a KVM OVA as a download through the service worker where there is no save picker', async () => {
    const page = await newPage('none');
    await openFile(page, fixtures.ova, 'vm.ova');
    await choose(page, 'kvm', { container: 'ova' });
    expect(await page.locator('[data-field="save-note"]').textContent()).toContain('downloaded as it is written');
    await review(page);
    const order = (await readTable(page, 'Output files, in write order')).map((row) => row['Name']!);
    expect(order[0]).toBe('vm-kvm.ovf');
    const downloading = page.waitForEvent('download');
    await convertAndWait(page);
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('vm-kvm.ova');
    expect(new URL(download.url()).pathname).toMatch(/^\/__download\/[\w-]+\/vm-kvm\.ova$/);
    const dir = work('kvm-ova');
    const ova = join(dir, 'vm-kvm.ova');
    await download.saveAs(ova);
    expect(await download.failure()).toBeNull();
    expect(tarMembers(ova)).toEqual(order);
    expect([...order].sort()).toEqual(['vm-kvm-disk1.qcow2', 'vm-kvm.mf', 'vm-kvm.ovf']);
    expect(vmferry('verify', ova).status).toBe(0);
    untar(ova, join(dir, 'x'));
    const disk = join(dir, 'x', 'vm-kvm-disk1.qcow2');
    expect(qemuCheck(disk, 'qcow2').status).toBe(0);
    expect(qemuCompare(fixtures.raw, 'raw', disk, 'qcow2')).toMatchObject({ status: 0 });
    await page.close();
  });

  it('writes a KVM OVF folder into a new folder inside the picked one, with the libvirt XML to copy', async () => {
    const page = await newPage('opfs');
    await openFile(page, fixtures.ova, 'vm.ova');
    await choose(page, 'kvm', { container: 'ovf', networks: { lanethernet0: 'br0' } });
    await review(page);
    await convertAndWait(page);
    await shoot(page, 'done-folder');
    const files = await listOpfs(page);
    expect(Object.keys(files).sort()).toEqual(['vm-kvm/domain.xml', 'vm-kvm/vm-kvm-disk1.qcow2', 'vm-kvm/vm-kvm.mf', 'vm-kvm/vm-kvm.ovf']);
    const dir = work('kvm-folder');
    for (const path of Object.keys(files)) writeFileSync(join(dir, path.split('/')[1]!), await readOpfsFile(page, path));
    expect(vmferry('verify', join(dir, 'vm-kvm.ovf'))).toMatchObject({ status: 0 });
    expect(qemuCompare(fixtures.raw, 'raw', join(dir, 'vm-kvm-disk1.qcow2'), 'qcow2')).toMatchObject({ status: 0 });
    const domain = readFileSync(join(dir, 'domain.xml'), 'utf8');
    expect(domain).toContain('<source network="br0"/>');
    expect(await page.locator('[data-field="helper-text"]').textContent()).toBe(domain);
    await page.getByRole('button', { name: 'Copy domain.xml' }).click();
    await page.getByText('Copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(domain);
    await page.close();
  });

  it('a bare disk through the save picker is written in one pass, its tables patched in place (positional writes)', async () => {
    const page = await newPage('opfs');
    await openFile(page, fixtures.ova, 'vm.ova');
    await choose(page, 'kvm', { container: 'disk' });
    await review(page);
    await convertAndWait(page);
    const files = await listOpfs(page);
    expect(Object.keys(files)).toEqual(['vm-kvm.qcow2']);
    const dir = work('kvm-disk');
    const disk = join(dir, 'vm-kvm.qcow2');
    writeFileSync(disk, await readOpfsFile(page, 'vm-kvm.qcow2'));
    expect(qemuCheck(disk, 'qcow2').status).toBe(0);
    expect(qemuCompare(fixtures.raw, 'raw', disk, 'qcow2')).toMatchObject({ status: 0 });
    // The single pass leaves the refcount and L1 tables to be patched: had they stayed zero, check would fail.
    await page.close();
  });

  it('without a directory picker, an OVF folder comes as several downloads: disks streamed, small files whole', async () => {
    const page = await newPage('none');
    await openFile(page, fixtures.ova, 'vm.ova');
    await choose(page, 'kvm', { container: 'ovf' });
    expect(await page.locator('[data-field="save-note"]').textContent()).toContain('several downloads');
    await review(page);
    const order = (await readTable(page, 'Output files, in write order')).map((row) => row['Name']!);
    const downloads: Download[] = [];
    page.on('download', (download) => downloads.push(download));
    await convertAndWait(page);
    await expect.poll(() => downloads.length).toBe(4);
    const dir = work('kvm-downloads');
    for (const download of downloads) await download.saveAs(join(dir, download.suggestedFilename()));
    // In write order: the disk (streamed), then descriptor, script and manifest (ordinary downloads).
    expect(downloads.map((d) => d.suggestedFilename())).toEqual(order);
    expect(order[0]).toBe('vm-kvm-disk1.qcow2');
    expect(new URL(downloads[0]!.url()).pathname.startsWith('/__download/')).toBe(true);
    expect(downloads.slice(1).every((d) => d.url().startsWith('blob:'))).toBe(true);
    expect(vmferry('verify', join(dir, 'vm-kvm.ovf'))).toMatchObject({ status: 0 });
    expect(qemuCompare(fixtures.raw, 'raw', join(dir, 'vm-kvm-disk1.qcow2'), 'qcow2')).toMatchObject({ status: 0 });
    await page.close();
  });

  it('cancel during a conversion leaves no output: not in the picked file, not as a finished download', async () => {
    const slow = fixtures.slowOva();
    const page = await newPage('opfs');
    await openFile(page, slow, 'slow.ova');
    await choose(page, 'vmware');
    await review(page);
    await page.getByRole('button', { name: 'Convert and save…' }).click();
    await page.locator('.file-progress[data-file]').first().waitFor();
    await page.waitForTimeout(300);
    await shoot(page, 'run');
    // The page stays responsive while the worker converts.
    const started = Date.now();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    expect(Date.now() - started).toBeLessThan(1000);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('Cancelled: nothing was saved.').waitFor({ timeout: 20_000 });
    await shoot(page, 'cancelled');
    expect(await listOpfs(page)).toEqual({});
    await page.close();

    const plain = await newPage('none');
    await openFile(plain, slow, 'slow.ova');
    await choose(plain, 'vmware');
    await review(plain);
    const downloading = plain.waitForEvent('download');
    await plain.getByRole('button', { name: 'Convert and save…' }).click();
    const download = await downloading;
    await plain.locator('.file-progress[data-file]').first().waitFor();
    await plain.getByRole('button', { name: 'Cancel' }).click();
    await plain.getByText('Cancelled: nothing was saved.').waitFor({ timeout: 20_000 });
    expect(await download.failure()).not.toBeNull();
    expect(await download.path().catch(() => null)).toBeNull();
    await plain.close();
  });

  it('only ever read the input', () => {
    expect(sha256File(fixtures.ova)).toBe(inputDigest);
  });

  it('made no request outside its own origin, and none failed', () => {
    expect(requests.some((url) => url.includes('/__download/'))).toBe(true);
    expect(requests.filter((url) => !url.startsWith('blob:') && new URL(url).origin !== server.origin)).toEqual([]);
    expect(failed).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
