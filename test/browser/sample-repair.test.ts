/**
 * The issue's main test: open the built-in sample appliance (a CentOS 5 OVA whose fstab and grub.conf name
 * /dev/sda), choose XenServer PV with guest repair, switch one edit off, download the XVA, and check it outside
 * the browser: `vmferry verify`; the disk rebuilt from the XVA's chunks by dd (no VM Ferry code) differs from
 * the source only in the edited files' blocks and filesystem metadata (debugfs icheck/ncheck); fstab and
 * grub.conf read back with debugfs as repaired, menu.lst still the symlink to grub.conf, the switched-off
 * device.map untouched; e2fsck -fn clean on both filesystems.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { qemuCompare } from '../support/disks';
import { ensureCliBuilt, vmferry } from '../support/cli';
import { tempDir } from '../support/packages';
import { describeWithTools } from '../support/tools';
import { DIST, ensureBuilt } from './support/build';
import { ARTIFACTS, launchChromium } from './support/chromium';
import { choose, convertAndWait, review } from './support/drive';
import { changedFiles, debugfs, expectCleanFsck, extractPartition, partitionsOf } from './support/guest-check';
import { rawFromXva, untar } from './support/outputs';
import { readTable } from './support/read-page';
import { serveStatic, type StaticServer } from './support/static-server';

const SAMPLE = join(DIST, 'sample', 'centos5-sample.ova');
const XEN_KERNEL = '2.6.18-398.el5xen';

describeWithTools(['chromium', 'qemu-img', 'tar', 'sfdisk', 'dd', 'e2fsck', 'debugfs'], 'the sample appliance, repaired for XenServer PV', () => {
  let dir: string;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  let sourceRaw: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dir = tempDir('browser-sample');
    ensureCliBuilt();
    await ensureBuilt();
    server = await serveStatic(DIST);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
    // Firefox's and Safari's save path: no pickers, the download streamed through the service worker.
    await page.addInitScript(() => {
      delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
      delete (window as { showDirectoryPicker?: unknown }).showDirectoryPicker;
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is in the build, and its disk is the source to compare with', () => {
    expect(existsSync(SAMPLE)).toBe(true);
    const members = untar(SAMPLE, join(dir, 'sample'));
    sourceRaw = join(dir, 'source.raw');
    execFileSync('qemu-img', ['convert', '-q', '-f', 'vmdk', '-O', 'raw', join(members, 'centos5-sample-disk1.vmdk'), sourceRaw]);
  });

  it('opens with one click and shows the guest: CentOS 5.11, GRUB legacy, disks named sd', async () => {
    await page.goto(server.origin);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.getByRole('button', { name: 'Try the sample appliance' }).click();
    await page.locator('h1.input-name', { hasText: 'centos5-sample.ova' }).waitFor();
    await page.locator('[data-field="guest-report"]').waitFor({ timeout: 30_000 });
    const guest = await page.locator('[data-field="guest-report"]').textContent();
    expect(guest).toContain('CentOS release 5.11 (Final)');
    expect(guest).toContain('GRUB legacy: /boot/grub/menu.lst → /boot/grub/grub.conf');
    expect(guest).toContain(XEN_KERNEL);
    expect(guest).toMatch(/Disk names used\s*disk:sd/);
    const partitions = await readTable(page, 'Partitions of centos5-sample-disk1.vmdk (MBR)');
    expect(partitions.map((p) => [p['#'], p['Filesystem'], p['Mounted at']])).toEqual([
      ['1', 'ext2', '/boot'],
      ['2', 'ext3', '/'],
      ['3', 'swap', 'swap'],
    ]);
    await page.locator('[data-field="allocation-map"]').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'sample-look.png'), fullPage: true });
  });

  it('plans xenserver-pv with repair: fstab, grub.conf and device.map edits, each as a diff that can be switched off', async () => {
    await choose(page, 'xenserver-pv', { fix: true });
    expect(await page.locator('input[name="container"]:checked').getAttribute('value')).toBe('xva');
    expect(await page.locator('input[name="pv"]').isChecked()).toBe(true);
    await review(page);
    const edits = await page.locator('[data-edit]').evaluateAll((items) => items.map((item) => item.getAttribute('data-edit')));
    expect(edits).toEqual(['/etc/fstab', '/boot/grub/grub.conf', '/boot/grub/device.map']);
    const fstabDiff = await page.locator('[data-edit="/etc/fstab"] .diff').textContent();
    expect(fstabDiff).toMatch(/^-\/dev\/sda2\s+\/\s/m);
    expect(fstabDiff).toMatch(/^\+\/dev\/xvda2\s+\/\s/m);
    await page.locator('[data-edit="/boot/grub/device.map"] input[type="checkbox"]').uncheck();
    await page.screenshot({ path: join(ARTIFACTS, 'sample-review.png'), fullPage: true });
    // Readable on a phone: only the diffs and tables scroll sideways, inside their own boxes.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.screenshot({ path: join(ARTIFACTS, 'sample-review-360-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it('downloads an XVA that verifies, whose disk differs from the source only in the repaired files', async () => {
    const downloading = page.waitForEvent('download');
    await convertAndWait(page);
    await page.screenshot({ path: join(ARTIFACTS, 'sample-done.png'), fullPage: true });
    const download = await downloading;
    const xva = join(dir, download.suggestedFilename());
    expect(download.suggestedFilename()).toBe('centos5-sample-xenserver-pv.xva');
    await download.saveAs(xva);
    expect(vmferry('verify', xva)).toMatchObject({ status: 0 });

    const output = rawFromXva(xva, join(dir, 'out'), 64 * 1024 * 1024);
    expect(qemuCompare(sourceRaw, 'raw', output, 'raw').status).toBe(1);
    const [boot, root] = partitionsOf(sourceRaw);
    expect(partitionsOf(output)).toEqual(partitionsOf(sourceRaw));
    const part = (raw: string, which: typeof boot, name: string) => extractPartition(raw, which!, join(dir, name));
    const bootBefore = part(sourceRaw, boot, 'boot-before.img');
    const bootAfter = part(output, boot, 'boot-after.img');
    const rootBefore = part(sourceRaw, root, 'root-before.img');
    const rootAfter = part(output, root, 'root-after.img');
    // Everything outside the two filesystems (MBR, gaps, swap) is byte for byte the source's.
    const outside = join(dir, 'outside.raw');
    execFileSync('cp', [output, outside]);
    for (const which of [boot!, root!]) {
      execFileSync('dd', [`if=${sourceRaw}`, `of=${outside}`, 'bs=512', `skip=${which.start / 512}`, `seek=${which.start / 512}`, `count=${which.size / 512}`, 'conv=notrunc', 'status=none']);
    }
    expect(qemuCompare(sourceRaw, 'raw', outside, 'raw')).toMatchObject({ status: 0 });
    // Inside them, only the repaired files' blocks and metadata changed (device.map was switched off).
    expect(changedFiles(bootBefore, bootAfter, boot!.size)).toEqual(['/grub/grub.conf', 'metadata']);
    expect(changedFiles(rootBefore, rootAfter, root!.size)).toEqual(['/etc/fstab', 'metadata']);
    expectCleanFsck(bootAfter);
    expectCleanFsck(rootAfter);

    const fstab = debugfs(rootAfter, 'cat /etc/fstab');
    expect(fstab).toMatch(/^\/dev\/xvda2\s+\/\s+ext3/m);
    expect(fstab).toMatch(/^\/dev\/xvda1\s+\/boot\s+ext2/m);
    expect(fstab).not.toMatch(/\/dev\/sda/);
    const grub = debugfs(bootAfter, 'cat /grub/grub.conf');
    expect(grub).toMatch(/^default=0$/m);
    expect(grub).toContain(`kernel /vmlinuz-${XEN_KERNEL} ro root=/dev/xvda2`);
    expect(grub).toContain(`initrd /initrd-${XEN_KERNEL}.img`);
    expect(grub).not.toContain('kernel /xen.gz');
    // menu.lst is what pygrub reads: still the symlink to grub.conf, so it reads the repaired file.
    expect(debugfs(bootAfter, 'stat /grub/menu.lst')).toMatch(/Type: symlink[\s\S]*Fast link dest: "\.\/grub\.conf"/);
    expect(debugfs(bootAfter, 'cat /grub/device.map')).toBe(debugfs(bootBefore, 'cat /grub/device.map'));
    expect(debugfs(bootAfter, 'cat /grub/device.map')).toMatch(/\(hd0\)\s+\/dev\/sda/);
  });
});
