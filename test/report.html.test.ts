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
    expect(html.match(/<g class="hop at"/g)).toHaveLength(2);
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
    // the hops are later than the finding's window it opens on: out to the whole incident first
    await page.locator('#finding-1 .zoom button[data-zoom="all"]').click();
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
    const r = orderline(['investigate', 'samples/structured/logs', '--replicas', 'samples/structured/replicas', '--out', out, '--format', 'html'],
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

  it('opens zoomed on the finding: the pending span, the break and the resolution at least 50 px apart', async () => {
    const at = async (sel: string, edge: 'left' | 'center') => {
      const box = await page.locator(sel).first().boundingBox();
      expect(box, sel).not.toBeNull();
      return edge === 'left' ? box!.x : box!.x + box!.width / 2;
    };
    const pending = await at('#finding-1 .pending-span rect', 'left');
    const brk = await at('#finding-1 circle.mark.break', 'center');
    const resolved = await at('#finding-1 circle.mark.resolved', 'center');
    expect(brk - pending).toBeGreaterThanOrEqual(50);
    expect(resolved - brk).toBeGreaterThanOrEqual(50);
    // the hops (seconds later, stretched by the repair) are counted at the edge, not squeezed in
    expect(await page.locator('#finding-1 .offview.after').textContent()).toMatch(/^\d+ later ▶$/);
  });

  it('zooms in and out (buttons, wheel), pans by dragging, and resets to the finding', async () => {
    const svg = page.locator('#finding-1 svg.swimlanes');
    const view = async () => svg.evaluate((el: SVGSVGElement) => [Number(el.dataset.v0), Number(el.dataset.v1)]);
    const range = await svg.evaluate((el: SVGSVGElement) => [Number(el.dataset.t0), Number(el.dataset.t1)]);
    const start = await view();
    await page.locator('#finding-1 .zoom button[data-zoom="in"]').click();
    const zoomed = await view();
    expect(zoomed[1] - zoomed[0]).toBeCloseTo((start[1] - start[0]) / 2, 3);
    await svg.scrollIntoViewIfNeeded();
    const box = (await svg.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    await page.mouse.wheel(0, 400);
    const out = await view();
    expect(out[1] - out[0]).toBeGreaterThan(zoomed[1] - zoomed[0]);
    // drag to the left: later times (the repair hops) come into view
    await page.mouse.move(box.x + box.width * 0.7, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + 20, { steps: 5 });
    await page.mouse.up();
    const panned = await view();
    expect(panned[0]).toBeGreaterThan(out[0]);
    expect(panned[1] - panned[0]).toBeCloseTo(out[1] - out[0], 3);
    await page.locator('#finding-1 .zoom button[data-zoom="all"]').click();
    expect(await view()).toEqual(range);
    expect(await page.locator('#finding-1 .offview.after').textContent()).toBe('');
    await page.locator('#finding-1 .zoom button[data-zoom="reset"]').click();
    expect(await view()).toEqual(start);
  });

  it.each([1280, 1920])('reads at %i px wide: no table wider than the page; screenshot', async (width) => {
    await page.setViewportSize({ width, height: 900 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const png = await page.screenshot({ path: join(tmp.dir, `report-${width}.png`), fullPage: true });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it('renders the screenshot the README shows (npm run docs:screenshot writes docs/report-html.png the same way)', async () => {
    const bottom = await page.locator('#evidence-1').evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
    const png = await page.screenshot({ path: join(tmp.dir, 'report-html.png'), fullPage: true, clip: { x: 0, y: 0, width: 1200, height: Math.ceil(bottom) + 8 } });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});
