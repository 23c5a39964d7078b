import { describe, expect, it } from 'vitest';
import { renderMarkdown, SECTION_TITLES } from '../src/report/markdown.js';
import { emptyReportDoc, MAX_DRAWN_FINDINGS, type ReportModel } from '../src/report/model.js';
import { cleanModel, incidentModel } from './fixtures/incidentModel.js';
import { sections, tableRows } from './helpers/markdownSections.js';

const md = renderMarkdown(incidentModel());
const byTitle = sections(md);
const section = (i: number) => {
  const s = byTitle.get(SECTION_TITLES[i]);
  if (s === undefined) throw new Error(`no section "${SECTION_TITLES[i]}" in:\n${md}`);
  return s;
};

describe('report.md of an incident', () => {
  it('has a title naming the broken node and key, then the summary and the six sections of the method in order', () => {
    expect(md.split('\n')[0]).toBe('# Incident report: ordering break on node-b, key `tenant-7`');
    const titles = [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(titles).toEqual(['Summary', ...SECTION_TITLES]);
  });

  it('says where the report came from and that times are UTC on the incident day', () => {
    expect(byTitle.get('')).toContain('from `samples/logs`: 3 files, 45,210 events, 0 rejected lines; nodes node-a, node-b, node-c. All times are UTC, on 2026-11-27.');
  });

  it('summary: what broke, while what was pending, how late it ran, the invariant with its support, with evidence', () => {
    const s = byTitle.get('Summary')!;
    expect(s).toContain('**1 ordering break found.**');
    expect(s).toContain('- On node-b, `WriteDerived started` for key `tenant-7` ran at 14:30:01.200 (`logs/node-b/app.log:4791`) ' +
      'before `LoadMetadata completed`: `LoadMetadata queued` at 14:30:00.900 (`logs/node-b/app.log:4790`) was still pending ' +
      'and ran 1.8 s after the break. The rule “LoadMetadata completed before WriteDerived started” held on 14,997 of 15,000 instances.');
    expect(s).toContain('- Raw state: 1 key differs on one replica only, the race signal: `tenant-7` on node-b (`samples/replicas/node-b.csv`).');
    expect(s).toContain('- Lower count: node-b logged 4,790 entities where 2 of 2 other nodes agreed on 4,815 (`logs/node-b/app.log:4796`).');
    expect(s).toContain('- Spread: version 8 of `tenant-7` went node-b → node-a → node-c (`logs/node-a/app.log:4830`, `logs/node-c/app.log:4911`).');
  });

  it('1. divergence: the counts per class and the odd replica first, with its dump as evidence', () => {
    const s = section(0);
    expect(s).toContain('Compared 2,000 keys across node-a, node-b, node-c: 1,998 agree, 1 differs on one replica only (the race signal), 1 differs on every replica.');
    const rows = tableRows(s);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual(['`tenant-7`', 'one_differs', '**node-b**',
      'node-a: `derived=9630`, node-b: `derived=9580`, node-c: `derived=9630`', '`samples/replicas/node-b.csv`']);
    expect(rows[1].slice(0, 3)).toEqual(['`tenant-12`', 'all_differ', '—']);
  });

  it('2. where: the node, key, window and its length, the healthy node, the first break', () => {
    expect(tableRows(section(1))).toEqual([
      ['1', '**node-b**', '`tenant-7`', '14:30:00.900', '14:30:03.000', '2.1 s', 'node-a', '`logs/node-b/app.log:4791`'],
    ]);
  });

  it('3. timelines: a table of both nodes with evidence and deltas, the break and the pending step marked, then a Mermaid diagram', () => {
    const s = section(2);
    expect(s).toContain('### Finding 1: `tenant-7` on node-b vs node-a');
    const rows = tableRows(s);
    expect(rows.map((r) => r[0])).toEqual(['`LoadMetadata queued`', '`WriteDerived started`', '`WriteDerived completed`', '`LoadMetadata started`', '`LoadMetadata completed`']);
    expect(rows[0]).toEqual(['`LoadMetadata queued`', '14:30:00.900 *(pending at the break)*', '`logs/node-b/app.log:4790`', '14:29:58.100', '`logs/node-a/app.log:4801`', '+2.8 s']);
    expect(rows[1]).toEqual(['`WriteDerived started`', '14:30:01.200 **← first break**', '`logs/node-b/app.log:4791`', '14:29:59.100', '`logs/node-a/app.log:4806`', '+2.1 s']);
    expect(s).toMatch(/```mermaid\nsequenceDiagram\n/);
    expect(s).toContain('`orderline timeline --key tenant-7 --node node-b --vs node-a --from 2026-11-27T14:29:58.800Z --to 2026-11-27T14:30:05.100Z --db incident.duckdb`');
  });

  it('4. the first break: the step, the missing step, the invariant "held on 14,997 of 15,000", the pending step and how late it ran', () => {
    const s = section(3);
    expect(s).toContain('- **First break**: `WriteDerived started` at 14:30:01.200 (`logs/node-b/app.log:4791`).');
    expect(s).toContain('- **Missing step**: `LoadMetadata completed` had not happened yet on node-b.');
    expect(s).toContain('- **Invariant broken**: The rule “LoadMetadata completed before WriteDerived started” held on 14,997 of 15,000 instances (99.98%, mined).');
    expect(s).toContain('- **Pending**: `LoadMetadata queued` at 14:30:00.900 (`logs/node-b/app.log:4790`) was still waiting; ' +
      'it ran at 14:30:03.000, **1.8 s after the break** (`logs/node-b/app.log:4796`).');
    expect(s).toContain('| `LoadMetadata queued` | `LoadMetadata started` | 15,000 of 15,000 | 100% |');
  });

  it('5. anomalies: count against the others\' consensus, the shortfall, the peers and the evidence', () => {
    expect(tableRows(section(4))).toEqual([[
      '**node-b**', '`initialized with metadata from <*> entities key=tenant-<*>`', '3rd', '4,790 entities', '4,815 (2 of 2 others)', '25',
      'node-a 4,815, node-c 4,815', 'its nodes agree in 100% of its 4 phases', '14:30:03.000', '`logs/node-b/app.log:4796`',
    ]]);
  });

  it('6. propagation hops with evidence, then the containment list', () => {
    const s = section(5);
    expect(s).toContain('Key `tenant-7`: origin node-b v8 at 14:30:01.650; 2 hops: node-b → node-a → node-c.');
    const [hops, containment] = s.split('### Containment list');
    expect(tableRows(hops)).toEqual([
      ['1', 'node-b', 'node-a', 'v8', '14:30:05.000', '`logs/node-a/app.log:4830`'],
      ['2', 'node-a', 'node-c', 'v8', '14:30:07.400', '`logs/node-c/app.log:4911`'],
    ]);
    expect(tableRows(containment).map((r) => [r[0], r[1], r[2], r[3], r[4]])).toEqual([
      ['`tenant-7`', 'node-b', '**restore** (no good copy known)', '14:30:00.900', '14:30:03.000'],
      ['`tenant-7`', 'node-a', '**restore** (no good copy known)', '14:30:05.000', '—'],
      ['`tenant-7`', 'node-c', '**restore** (no good copy known)', '14:30:07.400', '—'],
    ]);
  });

  it('cites file:line for every event it names: each evidence cell of each table is a file:line', () => {
    for (const i of [1, 2, 4]) {
      for (const row of tableRows(section(i))) {
        const cites = row.filter((c) => /^`[^`]+:\d+`$/.test(c));
        expect(cites.length, `row ${row.join(' | ')}`).toBeGreaterThan(0);
      }
    }
    const cited = new Set([...md.matchAll(/`([^`\s]+):(\d+)`/g)].map((m) => `${m[1]}:${m[2]}`));
    for (const line of ['4790', '4791', '4796', '4830', '4911']) expect(cited).toContain(`logs/${line === '4830' ? 'node-a' : line === '4911' ? 'node-c' : 'node-b'}/app.log:${line}`);
  });

  it('reads as plain text: no HTML tags, no line longer than a table row needs', () => {
    expect(md).not.toMatch(/<\/?[a-z][a-z0-9]*[ >]/i);
    expect(md.endsWith('\n')).toBe(true);
  });
});

describe('report.md with nothing found', () => {
  const clean = renderMarkdown(cleanModel());
  const s = sections(clean);

  it('says so in the title, the summary and section 4, and keeps all six sections', () => {
    expect(clean.split('\n')[0]).toBe('# Incident report: no ordering break found');
    expect(s.get('Summary')).toContain('**No ordering break found.** 2 ordering invariants held on every (key, node) of the logs.');
    expect(s.get(SECTION_TITLES[3])).toContain('No ordering break found: every (key, node) kept the 2 invariants below.');
    expect([...clean.matchAll(/^## (.+)$/gm)].map((m) => m[1])).toEqual(['Summary', ...SECTION_TITLES]);
    expect(clean).not.toContain('```mermaid');
  });

  it('explains each empty section instead of leaving it blank', () => {
    expect(s.get(SECTION_TITLES[0])).toContain('No replica dumps were given (`--replicas DUMP...`)');
    expect(s.get(SECTION_TITLES[1])).toContain('Nothing to narrow down');
    expect(s.get(SECTION_TITLES[4])).toContain('No node reported a lower count');
    expect(s.get(SECTION_TITLES[5])).toContain('Nothing to contain: no key was affected.');
  });

  it('with no invariant mined at all, says that too', () => {
    const m: ReportModel = { ...cleanModel(), doc: emptyReportDoc() };
    expect(renderMarkdown(m)).toContain('**No ordering break found.** No ordering invariant had enough support to be mined from these logs.');
  });
});

describe('report.md escaping', () => {
  it('keeps pipes, backticks and markup in data from breaking tables or formatting', () => {
    const m = incidentModel();
    m.doc.anomalies[0] = { ...m.doc.anomalies[0], node: 'node_b*', template: 'a | b `c` <*>' };
    const s = sections(renderMarkdown(m)).get(SECTION_TITLES[4])!;
    const rows = tableRows(s);
    expect(rows[0]).toHaveLength(10);
    expect(rows[0][0]).toBe('**node\\_b\\***');
    expect(rows[0][1]).toBe('``a \\| b `c` <*>``');
  });

  it('writes times with their date when the report spans several days', () => {
    const m = incidentModel();
    m.doc.affected[2] = { ...m.doc.affected[2], end: '2026-11-28T01:00:00.000Z' };
    const text = renderMarkdown(m);
    expect(text).toContain('All times are UTC.');
    expect(text).toContain('2026-11-27 14:30:01.200');
    expect(text).toContain('2026-11-28 01:00:00.000');
  });
});

describe('report.md with many findings', () => {
  it('lists every pair in section 2 but draws only the first findings in full, saying where the rest are', () => {
    const m = incidentModel();
    const f = m.doc.findings[0];
    m.doc.findings = Array.from({ length: MAX_DRAWN_FINDINGS + 5 }, (_, i) => ({ ...f, key: `tenant-${100 + i}` }));
    const text = renderMarkdown(m);
    const s = sections(text);
    expect(tableRows(s.get(SECTION_TITLES[1])!)).toHaveLength(MAX_DRAWN_FINDINGS + 5);
    expect(text.match(/^### Finding \d+: /gm)).toHaveLength(2 * MAX_DRAWN_FINDINGS);
    expect(s.get(SECTION_TITLES[2])).toContain('… 5 more findings (listed in section 2) are in report.json.');
    expect(text.match(/```mermaid/g)).toHaveLength(MAX_DRAWN_FINDINGS);
  });
});
