/**
 * "Copy link with these settings": the recipe goes into the URL fragment, and a colleague opening that link
 * starts the Choose screen with it; a value the app does not know is named, not silently dropped. And the
 * Choose screen works from the keyboard alone.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTools } from '../support/tools';
import { DIST, ensureBuilt } from './support/build';
import { ARTIFACTS, launchChromium } from './support/chromium';
import { choose, openFile } from './support/drive';
import { makeFixtures, type Fixtures } from './support/fixtures';
import { serveStatic, type StaticServer } from './support/static-server';

describeWithTools(['chromium', 'qemu-img', 'tar', 'sha256sum'], 'settings in a link', () => {
  let fixtures: Fixtures;
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let link: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    fixtures = makeFixtures();
    await ensureBuilt();
    server = await serveStatic(DIST);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fixtures?.cleanup();
  });

  const chosen = (page: Page) =>
    page.evaluate(() => ({
      target: document.querySelector<HTMLInputElement>('input[name="target"]:checked')?.value,
      container: document.querySelector<HTMLInputElement>('input[name="container"]:checked')?.value,
      format: document.querySelector<HTMLSelectElement>('#format')?.value,
      manifest: document.querySelector<HTMLSelectElement>('#manifest')?.value,
      names: document.querySelector<HTMLSelectElement>('#names')?.value,
      fix: document.querySelector<HTMLInputElement>('input[name="fix"]')?.checked,
      network: document.querySelector<HTMLInputElement>('input[aria-label="Target network for lanethernet0"]')?.value,
    }));

  it('copies a link that carries the target and every option', async () => {
    const page = await context.newPage();
    await page.goto(server.origin);
    await openFile(page, fixtures.ova, 'vm.ova');
    await choose(page, 'xenserver', { container: 'ova', format: 'vhd-fixed', names: 'uuid', fix: false, networks: { lanethernet0: 'xenbr1' } });
    await page.getByLabel('Manifest', { exact: true }).selectOption('sha1');
    const expected = { target: 'xenserver', container: 'ova', format: 'vhd-fixed', manifest: 'sha1', names: 'uuid', fix: false, network: 'xenbr1' };
    expect(await chosen(page)).toEqual(expected);
    await page.getByRole('button', { name: 'Copy link with these settings' }).click();
    await page.getByText('Copied.').waitFor();
    link = await page.evaluate(() => navigator.clipboard.readText());
    const url = new URL(link);
    expect(url.origin + url.pathname).toBe(`${server.origin}/`);
    expect(Object.fromEntries(new URLSearchParams(url.hash.slice(1)))).toEqual({
      target: 'xenserver',
      container: 'ova',
      format: 'vhd-fixed',
      names: 'uuid',
      pv: '0',
      manifest: 'sha1',
      fix: '0',
      'net.lanethernet0': 'xenbr1',
    });
    await page.close();
  });

  it('opening the link pre-selects those settings for the next appliance', async () => {
    const page = await context.newPage();
    await page.goto(link);
    expect(await page.locator('[data-field="recipe"]').textContent()).toContain('XenServer / XCP-ng (HVM)');
    await openFile(page, fixtures.ova, 'vm.ova');
    await page.getByRole('button', { name: 'Convert…' }).click();
    await page.getByText('Settings from the link you opened').waitFor();
    expect(await chosen(page)).toEqual({ target: 'xenserver', container: 'ova', format: 'vhd-fixed', manifest: 'sha1', names: 'uuid', fix: false, network: 'xenbr1' });
    await page.screenshot({ path: join(ARTIFACTS, 'choose-from-link.png'), fullPage: true });
    await page.close();
  });

  it('names what it does not understand in a link, and keeps the rest', async () => {
    const page = await context.newPage();
    await page.goto(`${server.origin}/#target=kvm&format=vhdx&names=sdz&colour=blue`);
    await openFile(page, fixtures.ova, 'vm.ova');
    await page.getByRole('button', { name: 'Convert…' }).click();
    await page.getByText('Ignored in the link').waitFor();
    expect(await page.getByText('Ignored in the link').textContent()).toContain('names=sdz, colour');
    // vhdx is not a KVM format: the profile's default stays.
    expect(await chosen(page)).toMatchObject({ target: 'kvm', format: 'qcow2', names: 'auto' });
    await page.close();
  });

  it('Choose works from the keyboard alone: arrows change the target, Enter on the button reviews', async () => {
    const page = await context.newPage();
    await page.goto(server.origin);
    await openFile(page, fixtures.ova, 'vm.ova');
    await page.getByRole('button', { name: 'Convert…' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^Convert / }).waitFor();
    const focused = () => page.evaluate(() => ({ name: (document.activeElement as HTMLInputElement | null)?.name, text: document.activeElement?.textContent ?? '' }));
    for (let i = 0; i < 20 && (await focused()).name !== 'target'; i++) await page.keyboard.press('Tab');
    expect((await focused()).name).toBe('target');
    await page.keyboard.press('ArrowDown');
    expect((await chosen(page)).target).toBe('virtualbox');
    for (let i = 0; i < 40 && (await focused()).text !== 'Review the plan'; i++) await page.keyboard.press('Tab');
    expect((await focused()).text).toBe('Review the plan');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Review the plan' }).waitFor({ timeout: 30_000 });
    await page.close();
  });
});
