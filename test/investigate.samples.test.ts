/**
 * `investigate` on the committed structured sample incident (samples/structured/: key, op and
 * phase fields; the README's main-job command on the free-text one is test/investigate.incident.test.ts).
 * The report is checked section by section against what samples/structured/EXPECTED.json says
 * the incident holds; its Mermaid blocks parse; report.json validates against the shipped schema.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SECTION_TITLES } from '../src/report/markdown.js';
import { spawnSync } from 'node:child_process';
import { CLI, orderline, ROOT, tempDir } from './helpers/cli.js';
import { sections, tableRows } from './helpers/markdownSections.js';
import { HAVE_CHROMIUM } from './helpers/browser.js';
import { mermaidParser } from './helpers/mermaidParse.js';
import { checkSequenceDiagram, mermaidBlocks } from './helpers/mermaidSequence.js';
import { schemaErrors } from './helpers/reportSchema.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const out = join(tmp.dir, 'report');
const expected = JSON.parse(readFileSync(join(ROOT, 'samples', 'structured', 'EXPECTED.json'), 'utf8'));
const run = orderline(['investigate', 'samples/structured/logs', '--replicas', 'samples/structured/replicas', '--out', out, '--format', 'html']);
const md = run.status === 0 ? readFileSync(join(out, 'report.md'), 'utf8') : '';
const byTitle = sections(md);
const section = (i: number) => byTitle.get(SECTION_TITLES[i]) ?? '';
const cite = (source: string, line: number) => `samples/structured/${source}:${line}`;

describe('orderline investigate on samples/structured (logs with key, op and phase fields)', () => {
  const f = expected.findings[0];

  it('exits 0 and names the planted break on stdout', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`node-b  key ${f.key}: WriteDerived started before LoadMetadata completed  (${cite(f.first_break.source, f.first_break.line)})`);
  });

  it('has the summary and the six sections of the method, in order', () => {
    expect([...md.matchAll(/^## (.+)$/gm)].map((m) => m[1])).toEqual(['Summary', ...SECTION_TITLES]);
    expect(md.split('\n')[0]).toBe(`# Incident report: ordering break on ${f.node}, key \`${f.key}\``);
  });

  it('1: the key that differs on one replica, and which replica', () => {
    const k = expected.replicas.keys[0];
    const row = tableRows(section(0))[0];
    expect(row.slice(0, 3)).toEqual([`\`${k.key}\``, 'one_differs', `**${k.odd_replica}**`]);
  });

  it('2: the narrowed node, key and window', () => {
    const row = tableRows(section(1))[0];
    expect(row.slice(1, 4)).toEqual([`**${f.node}**`, `\`${f.key}\``, '14:30:06.449']);
    expect(row).toContain(f.healthy_node);
    expect(row).toContain(`\`${cite(f.first_break.source, f.first_break.line)}\``);
  });

  it('3: the broken and the healthy timeline side by side, and a valid sequence diagram', () => {
    const rows = tableRows(section(2));
    const breakRow = rows.find((r) => r[0] === '`WriteDerived started`')!;
    expect(breakRow[1]).toContain('← first break');
    expect(breakRow[2]).toBe(`\`${cite(f.first_break.source, f.first_break.line)}\``);
    expect(breakRow[4]).toMatch(/^`samples\/structured\/logs\/node-a\//);
    const blocks = mermaidBlocks(section(2));
    expect(blocks.length).toBe(1);
    const check = checkSequenceDiagram(blocks[0]);
    expect(check.errors).toEqual([]);
    expect(check.ok).toBe(true);
  });

  it.skipIf(!HAVE_CHROMIUM)('3: Mermaid itself (its npm bundle, in Chromium) parses every diagram of the report', async () => {
    const mermaid = await mermaidParser();
    try {
      const blocks = mermaidBlocks(md);
      expect(blocks.length).toBeGreaterThan(0);
      for (const b of blocks) expect(await mermaid.parse(b), b).toBeNull();
    } finally {
      await mermaid.close();
    }
  });

  it('4: the first break, the invariant with its support, the pending step and how late it ran', () => {
    const s = section(3);
    expect(s).toContain(`**First break**: \`WriteDerived started\` at 14:30:06.471 (\`${cite(f.first_break.source, f.first_break.line)}\`)`);
    expect(s).toContain('**Missing step**: `LoadMetadata completed` had not happened yet on node-b.');
    expect(s).toMatch(/\*\*Invariant broken\*\*: The rule “LoadMetadata completed before WriteDerived started” held on \d+ of \d+ instances/);
    const p = f.pending[0];
    expect(s).toContain(`**Pending**: \`LoadMetadata queued\` at 14:30:06.449 (\`${cite(p.source, p.line)}\`) was still waiting; it ran at 14:30:06.514, **43 ms after the break**`);
  });

  it('5: the lower count, with the peers and the evidence line', () => {
    const a = expected.anomalies[0];
    const row = tableRows(section(4))[0];
    expect(row[0]).toBe(`**${a.node}**`);
    expect(row.join(' ')).toContain('4,790');
    expect(row.join(' ')).toContain('4,815');
    expect(row[row.length - 1]).toBe(`\`${cite(a.source, a.line)}\``);
  });

  it('6: the propagation hops and the containment list', () => {
    const s = section(5);
    expect(s).toContain('2 hops: node-b → node-c → node-d');
    const hops = tableRows(s);
    expect(hops.map((r) => [r[1], r[2], r[3]])).toEqual([['node-b', 'node-c', 'v8'], ['node-c', 'node-d', 'v8']]);
    expect(s).toContain('### Containment list');
    const containment = tableRows(s.slice(s.indexOf('### Containment list')));
    const action = (a: { action: string; restore_from: string | null }) =>
      a.action === 'keep' ? '**keep** (last good copy)' : a.action === 'restore' ? (a.restore_from ? `**restore** from ${a.restore_from}` : '**restore** (no good copy known)') : '**check**';
    expect(containment.map((r) => [r[0], r[1], r[2]])).toEqual(expected.affected.map((a: any) => [`\`${a.key}\``, a.node, action(a)]));
  });

  it('the summary names the last good copy and says what not to overwrite', () => {
    const keep = expected.affected.find((a: any) => a.action === 'keep');
    const summary = byTitle.get('Summary') ?? '';
    expect(summary).toContain(`and ${keep.node} is the last good copy`);
    expect(summary).toContain(`do not overwrite ${keep.node} with the majority`);
    expect(summary).not.toMatch(/race signal: `[^`]+` on node-a/);
  });

  it('every command the report prints runs as printed, from where investigate ran (--out absolute, and the default ./orderline-report/)', () => {
    const cwd = join(tmp.dir, 'cwd');
    mkdirSync(cwd, { recursive: true });
    const local = orderline(['investigate', join(ROOT, 'samples/structured/logs'), '--replicas', join(ROOT, 'samples/structured/replicas')], { cwd });
    expect(local.status, local.stderr).toBe(0);
    for (const [report, where] of [[md, ROOT], [readFileSync(join(cwd, 'orderline-report', 'report.md'), 'utf8'), cwd]] as const) {
      const printed = [...report.matchAll(/`(orderline [^`]+)`/g)].map((m) => m[1]);
      expect(printed.length).toBeGreaterThanOrEqual(2);
      for (const c of new Set(printed)) {
        const r = spawnSync('bash', ['-c', c.replace(/^orderline /, `"${process.execPath}" "${CLI}" `)], { cwd: where, encoding: 'utf8' });
        expect(r.status, `${c}\n${r.stderr}`).toBe(0);
        expect(r.stdout.trim().length, c).toBeGreaterThan(0);
      }
    }
    expect(existsSync(join(cwd, 'incident.duckdb'))).toBe(false);
  });

  it('report.json validates against the shipped schema and holds what EXPECTED.json lists', () => {
    const doc = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(schemaErrors(doc)).toEqual([]);
    expect(doc.findings).toHaveLength(1);
    expect(doc.findings[0]).toMatchObject({ key: f.key, node: f.node, missing: f.missing, healthy_node: f.healthy_node });
    expect(doc.findings[0].first_break).toMatchObject({ ...f.first_break, source: `samples/structured/${f.first_break.source}` });
    expect(doc.replicas.summary).toEqual(expected.replicas.summary);
    expect(doc.anomalies.map((a: any) => [a.node, a.count, a.peer_median])).toEqual(expected.anomalies.map((a: any) => [a.node, a.count, a.peer_median]));
  });
});
