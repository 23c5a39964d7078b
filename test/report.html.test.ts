import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../src/report/html.js';
import { cleanModel, incidentModel } from './fixtures/incidentModel.js';
import { HAVE_CHROMIUM, CHROMIUM, launchChromium } from './helpers/browser.js';
import { orderline, tempDir } from './helpers/cli.js';

const html = renderHtml(incidentModel());

describe('report.html is self-contained', () => {
  it('loads nothing from anywhere: no links, no src, no imports, a CSP that forbids fetching', () => {
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\bsrc\s*=/i);
    expect(html).not.toMatch(/@import|@font-face/i);
    const urls = [...html.matchAll(/https?:\/\/[^\s"')]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"`);
  });

  it('draws one swimlane per node, the break, the pending step and the two hops, each with its evidence line', () => {
    expect(html.match(/<rect class="lane/g)).toHaveLength(3);
    expect(html).toMatch(/<circle class="mark break phase-started"[^>]*data-evidence="node-b · 14:30:01\.200 · WriteDerived started · logs\/node-b\/app\.log:4791/);
    expect(html).toMatch(/<circle class="mark pending phase-queued"[^>]*data-evidence="node-b · 14:30:00\.900 · LoadMetadata queued · logs\/node-b\/app\.log:4790/);
    expect(html).toContain('LoadMetadata queued pending, ran 1.8 s after the break');
    expect(html.match(/<g class="hop"/g)).toHaveLength(2);
    expect(html).toContain('data-evidence="hop node-b → node-a · v8 · 14:30:05.000 · logs/node-a/app.log:4830"');
  });

  it('escapes data: a message with markup stays text', () => {
    const m = incidentModel();
    m.details[0].keyEvents[0] = { ...m.details[0].keyEvents[0], message: '<script>alert(1)</script> "q"' };
    const page = renderHtml(m);
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot;');
  });

  it('with nothing found, says so and draws no swimlane', () => {
    const page = renderHtml(cleanModel());
    expect(page).toContain('<h1>No ordering break found</h1>');
    expect(page).not.toContain('<svg');
  });
});

if (!HAVE_CHROMIUM) {
  console.warn(`report.html browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`);
}

describe.skipIf(!HAVE_CHROMIUM)('report.html in headless Chromium', () => {
  const tmp = tempDir();
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    const file = join(tmp.dir, 'report.html');
    writeFileSync(file, html);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  });
  afterAll(async () => {
    await browser?.close();
    tmp.cleanup();
  });

  it('loads with no console errors and fetches nothing but itself', () => {
    expect(consoleErrors).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(/^file:\/\/.*report\.html$/);
  });

  it('shows the break mark, on top of everything at its place', async () => {
    const mark = page.locator('#finding-1 circle.mark.break');
    await expect(mark.count()).resolves.toBe(1);
    expect(await mark.isVisible()).toBe(true);
    const box = await mark.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.width).toBeGreaterThan(8);
    expect(box!.height).toBeGreaterThan(8);
    const onTop = await page.evaluate(([x, y]) => {
      const el = document.elementFromPoint(x, y);
      return el?.getAttribute('class') ?? null;
    }, [box!.x + box!.width / 2, box!.y + box!.height / 2]);
    expect(onTop).toBe('mark break phase-started');
  });

  it('hovering a mark shows its evidence line; clicking one keeps it', async () => {
    const panel = page.locator('#evidence-1');
    expect(await panel.textContent()).toBe('Hover or click a mark to see its evidence line.');
    await page.locator('#finding-1 g.hop .hop-hit').first().hover();
    expect(await panel.textContent()).toBe('hop node-b → node-a · v8 · 14:30:05.000 · logs/node-a/app.log:4830');
    await page.locator('#finding-1 circle.mark.pending').click();
    expect(await panel.textContent()).toBe('node-b · 14:30:00.900 · LoadMetadata queued · logs/node-b/app.log:4790 · queued op=LoadMetadata key=tenant-7');
    await page.mouse.move(5, 5);
    expect(await panel.textContent()).toContain('logs/node-b/app.log:4790');
  });

  it('renders to a screenshot of the summary and the first finding', async () => {
    const bottom = await page.locator('#evidence-1').evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
    const png = await page.screenshot({ path: join(tmp.dir, 'fixture.png'), fullPage: true, clip: { x: 0, y: 0, width: 1200, height: Math.ceil(bottom) + 8 } });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});

describe.skipIf(!HAVE_CHROMIUM)('the sample incident\'s report.html (what a newcomer gets from the README command)', () => {
  const tmp = tempDir();
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const out = join(tmp.dir, 'report');
    // A fixed report time (SOURCE_DATE_EPOCH) keeps the screenshot the same from run to run.
    const r = orderline(['investigate', 'samples/incident/logs', '--replicas', 'samples/incident/replicas', '--out', out, '--format', 'html'],
      { env: { SOURCE_DATE_EPOCH: String(Date.UTC(2026, 10, 27, 15, 0, 0) / 1000) } });
    expect(r.status, r.stderr).toBe(0);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(pathToFileURL(join(out, 'report.html')).href, { waitUntil: 'load' });
  });
  afterAll(async () => {
    await browser?.close();
    tmp.cleanup();
  });

  it('loads with no console errors and shows the planted break on node-b', async () => {
    expect(consoleErrors).toEqual([]);
    const mark = page.locator('#finding-1 circle.mark.break');
    expect(await mark.isVisible()).toBe(true);
    expect(await page.locator('h1').textContent()).toContain('node-b');
  });

  it('renders the screenshot the README shows (npm run docs:screenshot writes docs/report-html.png the same way)', async () => {
    const bottom = await page.locator('#evidence-1').evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
    const png = await page.screenshot({ path: join(tmp.dir, 'report-html.png'), fullPage: true, clip: { x: 0, y: 0, width: 1200, height: Math.ceil(bottom) + 8 } });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});
