/**
 * The committed sample incidents reproduce from their generator byte for byte, and orderline's
 * answers on them equal their EXPECTED.json: samples/incident/ (free text, several cycles per key,
 * no definition and no option) and samples/structured/ (key/op/phase fields).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affectedDoc, divergeDoc, replicasDoc, timelineDoc } from '../src/analyses/shapes.js';
import type { RealisticExpected } from '../samples/realistic.js';
import { orderline, orderlineJson, ROOT, tempDir } from './helpers/cli.js';

const SAMPLE = join(ROOT, 'samples', 'structured');
const INCIDENT = join(ROOT, 'samples', 'incident');
const tmp = tempDir('orderline-samples-');
afterAll(() => tmp.cleanup());

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p); else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

const expected = JSON.parse(readFileSync(join(SAMPLE, 'EXPECTED.json'), 'utf8'));
const free: RealisticExpected = JSON.parse(readFileSync(join(INCIDENT, 'EXPECTED.json'), 'utf8'));
const db = join(tmp.dir, 'structured.duckdb');
const fdb = join(tmp.dir, 'incident.duckdb');

beforeAll(() => {
  for (const [dir, file] of [[SAMPLE, db], [INCIDENT, fdb]]) {
    const ing = orderline(['ingest', 'logs', '--db', file], { cwd: dir });
    if (ing.status !== 0) throw new Error(ing.stderr);
  }
});

describe('the samples', () => {
  it('reproduce from samples/generate.ts byte for byte', () => {
    const out = join(tmp.dir, 'regenerated');
    const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'samples', 'generate.js'), out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    for (const name of ['incident', 'structured']) {
      const dir = join(ROOT, 'samples', name);
      const files = listFiles(dir);
      expect(listFiles(join(out, name))).toEqual(files);
      for (const f of files) expect(readFileSync(join(out, name, f)).equals(readFileSync(join(dir, f))), `${name}/${f}`).toBe(true);
      const bytes = files.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
      expect(bytes).toBeLessThan(1_000_000);
    }
  });

  it('the README\'s main-job command runs on samples/incident from the project folder', () => {
    const main = join(tmp.dir, 'main.duckdb');
    expect(orderline(['ingest', 'samples/incident/logs', '--db', main]).status).toBe(0);
    const r = orderline(['diverge', '--db', main]);
    expect(r.status).toBe(0);
    for (const f of free.findings) {
      expect(r.stdout).toMatch(new RegExp(`${f.key.replace(/[/:]/g, '\\$&')}\\s+${f.node}\\s`));
      expect(r.stdout).toContain(`samples/incident/${f.first_break.source}:${f.first_break.line}`);
    }
  });
});

describe('samples/incident: free text, no definition, no option', () => {
  it('ingests its five envelopes, each line an event or a reject (the garbage lines)', () => {
    const rows = JSON.parse(orderline(['sql', 'SELECT node, lines, events, rejected FROM sources ORDER BY node', '--db', fdb, '--format', 'json']).stdout);
    expect(rows.map((r: { node: string }) => r.node)).toEqual(free.nodes);
    for (const r of rows) expect(r.events).toBeGreaterThan(r.lines * 0.9);
  });

  it('diverge reports exactly the planted races, each with its cycle, pending line and resolution', () => {
    const { status, doc } = orderlineJson(['diverge', '--db', fdb], { cwd: INCIDENT });
    expect(status).toBe(0);
    expect(divergeDoc.safeParse(doc).error).toBeUndefined();
    const got = doc.findings.map((f: any) => ({
      key: f.key, node: f.node, cycle: f.cycle, first_break: { source: f.first_break.source, line: f.first_break.line },
      pending: f.pending.map((p: any) => ({ source: p.source, line: p.line })), resolved: { source: f.resolved.source, line: f.resolved.line },
    }));
    const want = free.findings.map((f) => ({
      key: f.key, node: f.node, cycle: f.cycle, first_break: { source: f.first_break.source, line: f.first_break.line },
      pending: f.pending.map((p) => ({ source: p.source, line: p.line })), resolved: { source: f.resolved.source, line: f.resolved.line },
    }));
    const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : 1);
    expect(got.sort(byKey)).toEqual(want.sort(byKey));
  });

  it('anomalies reports exactly the planted lower counts, each below what the other nodes agreed on', () => {
    const { status, doc } = orderlineJson(['anomalies', '--db', fdb], { cwd: INCIDENT });
    expect(status).toBe(0);
    const got = doc.anomalies.map((a: any) => `${a.node} ${a.source}:${a.line} ${a.count} < ${a.consensus?.count}`).sort();
    expect(got).toEqual(free.anomalies.map((a) => `${a.node} ${a.source}:${a.line} ${a.count} < ${a.peer_count}`).sort());
  });

  it('propagation follows every repair hop of the raced versions, from free text', () => {
    for (const key of new Set(free.hops.map((h) => h.key))) {
      const { status, doc } = orderlineJson(['propagation', '--key', key, '--db', fdb], { cwd: INCIDENT });
      expect(status).toBe(0);
      expect(doc.hops.map((h: any) => `${h.from}→${h.to} v${h.version}`).sort())
        .toEqual(free.hops.filter((h) => h.key === key).map((h) => `${h.from}→${h.to} v${h.version}`).sort());
    }
  });

  it('replicas: the last good copy is the odd replica; the trap key agrees; affected keeps both on the list', () => {
    const dumps = readdirSync(join(INCIDENT, 'replicas')).map((f) => `replicas/${f}`);
    const { status, doc } = orderlineJson(['replicas', ...dumps, '--db', fdb], { cwd: INCIDENT });
    expect(status).toBe(0);
    expect(replicasDoc.safeParse(doc).error).toBeUndefined();
    expect(doc.summary).toEqual(free.replicas.summary);
    expect(doc.keys.map((k: any) => ({ key: k.key, class: k.class, odd_replica: k.odd_replica }))).toEqual(free.replicas.keys.map((k) => ({ key: k.key, class: k.class, odd_replica: k.odd_replica })));
    const aff = orderlineJson(['affected', '--db', fdb], { cwd: INCIDENT }).doc;
    expect(affectedDoc.safeParse(aff).error).toBeUndefined();
    for (const { key, replica } of free.lastGoodCopies) {
      expect(aff.affected.find((r: any) => r.key === key && r.node === replica)?.action, `last good copy ${replica} of ${key}`).toBe('keep');
    }
    for (const key of free.trapKeys) {
      expect(aff.affected.filter((r: any) => r.key === key).map((r: any) => r.node).sort(), `trap key ${key}`).toEqual([...free.nodes].sort());
    }
  });
});

describe('samples/structured: key, op and phase fields', () => {
  it('ingests every line of the four formats', () => {
    const rows = JSON.parse(orderline(['sql', 'SELECT format, node, lines, events, rejected FROM sources ORDER BY node', '--db', db, '--format', 'json']).stdout);
    expect(rows.map((r: any) => [r.format, r.node, r.rejected])).toEqual([
      ['jsonl', 'node-a', 0], ['logfmt', 'node-b', 0], ['json', 'node-c', 0], ['otlp', 'node-d', 0],
    ]);
    for (const r of rows) expect(r.events).toBe(r.lines);
  });

  it('diverge reports exactly the planted race', () => {
    const { status, doc } = orderlineJson(['diverge', '--db', db]);
    expect(status).toBe(0);
    expect(divergeDoc.safeParse(doc).error).toBeUndefined();
    const got = doc.findings.map((f: any) => ({
      key: f.key, node: f.node, first_break: f.first_break, missing: f.missing, pending: f.pending, window: f.window, healthy_node: f.healthy_node,
    }));
    expect(got).toEqual(expected.findings);
  });

  it('replicas name the odd replica of the raced key and nothing else', () => {
    const dumps = readdirSync(join(SAMPLE, 'replicas')).map((f) => `replicas/${f}`);
    const { status, doc } = orderlineJson(['replicas', ...dumps, '--db', db], { cwd: SAMPLE });
    expect(status).toBe(0);
    expect(replicasDoc.safeParse(doc).error).toBeUndefined();
    expect(doc.summary).toEqual(expected.replicas.summary);
    expect(doc.keys.map((k: any) => ({ key: k.key, class: k.class, odd_replica: k.odd_replica, values: k.values }))).toEqual(expected.replicas.keys);
  });

  it('affected, by default, gives the containment list EXPECTED.json plans: what to restore, and from which last good copy', () => {
    // replicas loaded by the test above; propagation of the findings' keys is traced by affected itself
    const { doc } = orderlineJson(['affected', '--db', db]);
    expect(affectedDoc.safeParse(doc).error).toBeUndefined();
    expect(doc.affected.map((r: any) => ({ key: r.key, node: r.node, action: r.action, restore_from: r.restore_from }))).toEqual(expected.affected);
    const f = expected.findings[0];
    expect(doc.affected.find((r: any) => r.node === f.node)).toMatchObject({ start: f.window.start, end: f.window.end });
  });

  it('anomalies reports exactly the planted lower count, with its peers and evidence line', () => {
    const { status, doc } = orderlineJson(['anomalies', '--db', db]);
    expect(status).toBe(0);
    expect(doc.anomalies.map((a: any) => ({
      node: a.node, template: a.template, phase_index: a.phase_index, count: a.count, peer_median: a.peer_median, peers: a.peers, source: a.source, line: a.line,
    }))).toEqual(expected.anomalies);
  });

  it('propagation follows the planted spread hop by hop, from its origin', () => {
    for (const p of expected.propagation) {
      const { status, doc } = orderlineJson(['propagation', '--key', p.key, '--db', db]);
      expect(status).toBe(0);
      expect(doc.origin).toEqual(p.origin);
      expect(doc.hops.map((h: any) => ({ from: h.from, to: h.to, version: h.version, ts: h.ts, source: h.source, line: h.line }))).toEqual(p.hops);
    }
  });

  it('the expected hops and lower count cite events that carry them (for propagation and anomalies)', () => {
    const at = (source: string, line: number) => JSON.parse(orderline(['sql',
      `SELECT e.node, e.key, e.peer, e.peer_direction, e.version, e.count, e.template FROM events e JOIN sources s USING (source_id) WHERE s.path = '${source}' AND e.line = ${line}`,
      '--db', db, '--format', 'json']).stdout);
    for (const p of expected.propagation) {
      for (const h of p.hops) {
        expect(at(h.source, h.line)).toEqual([expect.objectContaining({ node: h.to, key: p.key, peer: h.from, peer_direction: 'in', version: h.version })]);
      }
    }
    for (const a of expected.anomalies) {
      expect(at(a.source, a.line)).toEqual([expect.objectContaining({ node: a.node, count: a.count, template: a.template })]);
    }
  });

  it('timeline puts the racing node beside its healthy node', () => {
    const f = expected.findings[0];
    const { doc } = orderlineJson(['timeline', '--key', f.key, '--db', db]);
    expect(timelineDoc.safeParse(doc).error).toBeUndefined();
    expect([doc.node, doc.vs]).toEqual([f.node, f.healthy_node]);
    expect(doc.rows[1]).toMatchObject({ op: 'WriteDerived', phase: 'started', node_event: { line: f.first_break.line } });
  });
});
