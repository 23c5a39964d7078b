/**
 * Mermaid's own parser, run in Debian's Chromium from the npm package's bundle (no network):
 * a diagram the reports print is valid when `mermaid.parse` accepts it. Skips where Chromium
 * is absent (HAVE_CHROMIUM), like the HTML report test.
 */
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.js';

const require = createRequire(import.meta.url);
const BUNDLE = require.resolve('mermaid/dist/mermaid.min.js');

export interface MermaidParser {
  /** null when Mermaid accepts the text, else its error message. */
  parse(text: string): Promise<string | null>;
  close(): Promise<void>;
}

export async function mermaidParser(): Promise<MermaidParser> {
  const browser: Browser = await launchChromium();
  const page: Page = await browser.newPage();
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ path: BUNDLE });
  await page.evaluate(() => (window as unknown as { mermaid: { initialize(o: object): void } }).mermaid.initialize({ startOnLoad: false }));
  return {
    async parse(text) {
      return page.evaluate(async (t) => {
        try {
          await (window as unknown as { mermaid: { parse(t: string): Promise<unknown> } }).mermaid.parse(t);
          return null;
        } catch (e) {
          return String((e as Error)?.message ?? e);
        }
      }, text);
    },
    close: () => browser.close(),
  };
}
