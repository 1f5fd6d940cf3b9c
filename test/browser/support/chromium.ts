import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, headless, with everything that phones home switched off. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Where screenshots go (gitignored). */
export const ARTIFACTS = new URL('../../../test-artifacts/', import.meta.url).pathname;
