/**
 * `npm run docs:screenshot`: rewrites docs/report-html.png, the picture the README shows,
 * from the sample incident by the README's own command (investigate … --format html), in
 * Debian's Chromium. Tests render the same page into a temp folder and never touch docs/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..'); // compiled to dist/scripts/
const chromium = process.env.ORDERLINE_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  process.stderr.write(`docs:screenshot: ${chromium} not found (apt-get install chromium)\n`);
  process.exit(1);
}
const out = mkdtempSync(join(tmpdir(), 'orderline-docs-'));
try {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'src', 'cli.js'), 'investigate', 'samples/incident/logs',
    '--replicas', 'samples/incident/replicas', '--format', 'html', '--out', out], {
    cwd: root, encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: String(Date.UTC(2026, 10, 27, 15, 0, 0) / 1000) },
  });
  if (r.status !== 0) throw new Error(`investigate failed: ${r.stderr}`);
  const { chromium: browserType } = await import('playwright-core');
  const browser = await browserType.launch({
    executablePath: chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(pathToFileURL(join(out, 'report.html')).href, { waitUntil: 'load' });
    const bottom = await page.locator('#evidence-1').evaluate((el) => el.getBoundingClientRect().bottom + (globalThis as unknown as { scrollY: number }).scrollY);
    const target = join(root, 'docs', 'report-html.png');
    await page.screenshot({ path: target, fullPage: true, clip: { x: 0, y: 0, width: 1200, height: Math.ceil(bottom) + 8 } });
    process.stdout.write(`wrote docs/report-html.png\n`);
  } finally {
    await browser.close();
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
