import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (installed by the test setup), or CHROMIUM_PATH. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Writes full-page screenshots to test-output/screenshots (kept after the run), for people to look at. */
export function screenshots(): { dir: string; take: (page: Page, name: string) => Promise<string> } {
  const dir = path.join(__dirname, '..', '..', 'test-output', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return {
    dir,
    take: async (page, name) => {
      const file = path.join(dir, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
  };
}

/**
 * True when nothing on the page is wider than `width` CSS pixels (no sideways scrolling on a
 * phone). Compared with the width asked for, because a mobile viewport widens itself to fit content.
 */
export async function fitsViewport(page: Page, width = 375): Promise<{ fits: boolean; scrollWidth: number; width: number }> {
  const scrollWidth = (await page.evaluate('Math.max(document.documentElement.scrollWidth, window.innerWidth)')) as number;
  return { fits: scrollWidth <= width, scrollWidth, width };
}
