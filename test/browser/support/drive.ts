import type { Page } from 'playwright-core';

/** Steps of the migration as a user takes them, by role and label (what a keyboard or screen reader user meets). */
export async function openFile(page: Page, path: string, name: string): Promise<void> {
  await page.setInputFiles('input[data-picker="files"]', path);
  await page.locator('h1.input-name', { hasText: name }).waitFor();
}

export interface ChooseOptions {
  container?: 'ova' | 'ovf' | 'xva' | 'disk';
  /** The disk format's value (`qcow2`, `vhd`, ...). */
  format?: string;
  fix?: boolean;
  names?: string;
  networks?: Record<string, string>;
  name?: string;
}

/** From the Look screen: Convert…, pick the target card and the options. */
export async function choose(page: Page, target: string, options: ChooseOptions = {}): Promise<void> {
  await page.getByRole('button', { name: 'Convert…' }).click();
  await page.getByRole('heading', { name: /^Convert / }).waitFor();
  await page.locator(`input[name="target"][value="${target}"]`).check();
  if (options.container) await page.locator(`input[name="container"][value="${options.container}"]`).check();
  if (options.format) await page.getByLabel('Disk format', { exact: true }).selectOption(options.format);
  if (options.names) await page.getByLabel('Guest disk names', { exact: true }).selectOption(options.names);
  if (options.fix !== undefined) await page.locator('input[name="fix"]').setChecked(options.fix);
  for (const [source, target] of Object.entries(options.networks ?? {})) await page.getByLabel(`Target network for ${source}`).fill(target);
  if (options.name) {
    await page.getByLabel('Name', { exact: true }).fill(options.name);
    await page.getByLabel('Name', { exact: true }).blur();
  }
}

export async function review(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Review the plan' }).click();
  await page.getByRole('heading', { name: 'Review the plan' }).waitFor({ timeout: 60_000 });
}

/** Starts the run; resolves when the Done screen shows (or throws with the error the Review screen shows). */
export async function convertAndWait(page: Page, timeout = 90_000): Promise<void> {
  await page.getByRole('button', { name: 'Convert and save…' }).click();
  const done = page.getByRole('heading', { name: /^Done/ });
  const failed = page.locator('.error[role="alert"]');
  await Promise.race([done.waitFor({ timeout }), failed.waitFor({ timeout })]);
  if (await failed.isVisible()) throw new Error(`The conversion failed: ${await failed.textContent()}`);
}
