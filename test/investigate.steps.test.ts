/**
 * The wiring of `investigate` with analyses plugged in: steps built from the fixture incident's
 * documents stand in for the real analyses, while ingest and keyEvents run for real on logs
 * written from the same incident. Checks the order of the calls, what each receives, and
 * that the reports carry the findings with evidence from the real files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { defaultSteps, healthiestPeer, investigate, type InvestigationSteps } from '../src/investigate.js';
import { propagationKeys } from '../src/analyses/affected.js';
import { loadFormats } from '../src/formats.js';
import { TimeZone } from '../src/normalize/timestamp.js';
import { SECTION_TITLES } from '../src/report/markdown.js';
import { incidentModel, KEY_EVENTS } from './fixtures/incidentModel.js';
import { writeIncidentLogs } from './fixtures/incidentLogs.js';
import { tempDir } from './helpers/cli.js';
import { checkSequenceDiagram, mermaidBlocks } from './helpers/mermaidSequence.js';
import { sections } from './helpers/markdownSections.js';
import { schemaErrors } from './helpers/reportSchema.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const { logs, files } = writeIncidentLogs(tmp.dir);
const dump = join(tmp.dir, 'node-b.csv');
writeFileSync(dump, 'key,value\ntenant-7,derived=9580\n');

/** Fixture documents, recording every call. */
function recordingSteps(calls: string[], overrides: Partial<InvestigationSteps> = {}): InvestigationSteps {
  const fx = incidentModel();
  const finding = { ...fx.doc.findings[0], healthy_node: null };
  return {
    async replicas(_c, dumps) { calls.push(`replicas ${dumps.join(',')}`); return fx.doc.replicas; },
    async diverge() { calls.push('diverge'); return { invariants: fx.doc.invariants, findings: [finding] }; },
    async anomalies() { calls.push('anomalies'); return { anomalies: fx.doc.anomalies }; },
    async propagation(_c, keys) { calls.push(`propagation ${keys.join(',')}`); return fx.doc.propagation; },
    async affected(docs) {
      calls.push(`affected ${docs.diverge.findings.length} finding(s), ${docs.propagation.length} propagation doc(s)`);
      return { affected: fx.doc.affected, verdicts: [] };
    },
    async timeline(_c, key, node, vs) { calls.push(`timeline ${key} ${node} vs ${vs}`); return fx.details[0].timeline; },
    async keyEvents(c: DuckDBConnection, key, around) {
      calls.push(`keyEvents ${key} ${around?.start}..${around?.end}`);
      return defaultSteps.keyEvents(c, key, around);
    },
    ...overrides,
  };
}

async function run(out: string, steps: InvestigationSteps, formats: ('md' | 'json' | 'html')[] = ['md', 'json', 'html']) {
  return investigate({
    paths: [logs], replicas: [dump], out, formats, steps,
    ingest: { formats: await loadFormats(), zone: TimeZone.parse('UTC')!, maxLineBytes: 1 << 20 },
    now: () => new Date('2026-11-28T02:14:00.000Z'),
  });
}

describe('investigate with the analyses plugged in', async () => {
  const calls: string[] = [];
  const out = join(tmp.dir, 'out');
  const result = await run(out, recordingSteps(calls));

  it('runs the steps in the order of the method, each with what it needs', () => {
    expect(calls).toEqual([
      `replicas ${dump}`,
      'diverge',
      'anomalies',
      'propagation tenant-7',
      'affected 1 finding(s), 1 propagation doc(s)',
      'keyEvents tenant-7 2026-11-27T14:30:00.900Z..2026-11-27T14:30:03.000Z',
      // diverge named no healthy node: the peer with the most events of the key is taken.
      'timeline tenant-7 node-b vs node-a',
    ]);
  });

  it('reads the key\'s events on every node from incident.duckdb, with real file:line evidence', () => {
    const events = result.model.details[0].keyEvents;
    expect(events).toHaveLength(KEY_EVENTS.length);
    expect(new Set(events.map((e) => e.node))).toEqual(new Set(['node-a', 'node-b', 'node-c']));
    const brk = events.find((e) => e.node === 'node-b' && e.op === 'WriteDerived' && e.phase === 'started');
    expect(brk).toEqual({
      node: 'node-b', ts: '2026-11-27T14:30:01.200Z', op: 'WriteDerived', phase: 'started', seq: null,
      message: 'started op=WriteDerived key=tenant-7', source: files['node-b'], line: 2,
    });
    expect(events.map((e) => e.ts)).toEqual([...events.map((e) => e.ts)].sort());
  });

  it('writes report.json valid against the shipped schema, with meta naming the replica dumps', () => {
    const doc = JSON.parse(readFileSync(result.files.json, 'utf8'));
    expect(schemaErrors(doc)).toEqual([]);
    expect(doc.findings[0]).toMatchObject({ key: 'tenant-7', node: 'node-b' });
    expect(doc.meta).toMatchObject({ generated_at: '2026-11-28T02:14:00.000Z', replica_dumps: { 'node-b': dump }, sources: 3 });
  });

  it('writes report.md with the finding in every section, a valid diagram, and report.html with its swimlanes', () => {
    const md = readFileSync(result.files.md, 'utf8');
    expect(md.split('\n')[0]).toBe('# Incident report: ordering break on node-b, key `tenant-7`');
    const s = sections(md);
    expect(s.get(SECTION_TITLES[3])).toContain('held on 14,997 of 15,000 instances');
    const blocks = mermaidBlocks(md);
    expect(blocks).toHaveLength(1);
    expect(checkSequenceDiagram(blocks[0]).errors).toEqual([]);
    const html = readFileSync(result.files.html!, 'utf8');
    expect(html.match(/<rect class="lane/g)).toHaveLength(3);
    expect(html).toContain(`data-evidence="node-b · 14:30:01.200 · WriteDerived started · ${files['node-b']}:2`);
  });

  it('refuses a document that does not match its shape, naming where', async () => {
    const bad = recordingSteps([], { async anomalies() { return { anomalies: [{ node: 'x' }] } as never; } });
    await expect(run(join(tmp.dir, 'bad'), bad)).rejects.toThrow(/does not match its shape at anomalies\.0\.template/);
  });
});

describe('investigate helpers', () => {
  it('traces the findings\' keys first, then the keys that differ on one replica, without repeats, up to a limit', () => {
    const fx = incidentModel();
    const replicas = { ...fx.doc.replicas, keys: [...fx.doc.replicas.keys, { key: 'tenant-9', class: 'one_differs' as const, odd_replica: 'a', values: {} }] };
    expect(propagationKeys(fx.doc.findings, replicas, 10)).toEqual(['tenant-7', 'tenant-9']);
    expect(propagationKeys(fx.doc.findings, replicas, 1)).toEqual(['tenant-7']);
  });

  it('picks as healthy peer the other node with most events of the key (ties by name)', () => {
    expect(healthiestPeer(KEY_EVENTS, 'node-b')).toBe('node-a');
    expect(healthiestPeer(KEY_EVENTS.filter((e) => e.node === 'node-b'), 'node-b')).toBeNull();
  });
});
