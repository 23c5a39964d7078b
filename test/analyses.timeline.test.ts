/** timeline and affected on a hand-written race with known answers. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderline, orderlineJson, tempDir } from './helpers/cli.js';
import { at, incident, pipeline, RACED, type Ev } from './helpers/fixtures.js';

const tmp = tempDir('orderline-timeline-');
afterAll(() => tmp.cleanup());

const A = 'logs/node-a/app.jsonl';
const B = 'logs/node-b/app.jsonl';
const loose = ['--min-support', '8', '--min-confidence', '0.85'];
let db = '';

beforeAll(() => {
  const a: Ev[] = [0, 1, 2, 3].flatMap((i) => pipeline(`k${i + 1}`, i * 100));
  a.push({ key: 'k4', op: 'Audit', t: 335 }); // only node-a: line 21
  a.push(...pipeline('solo', 600)); // a key on node-a only: lines 22-26
  const b: Ev[] = [0, 1, 2].flatMap((i) => pipeline(`k${i + 1}`, 1000 + i * 100));
  b.push(...pipeline('k4', 1300, RACED)); // lines 16-20
  b.push({ key: 'k4', op: 'Retry', t: 1350 }); // only node-b: line 21
  db = incident(tmp.dir, 'tl', { 'node-a': a, 'node-b': b });
});

const ev = (node: string, source: string, line: number, t: number, op: string, phase: string | null) =>
  ({ node, ts: at(t), op, phase, seq: null, message: `${op}${phase ? ` ${phase}` : ''} k4`, source, line });

describe('timeline', () => {
  it('defaults to the finding\'s node against its healthy node, aligned by (op, phase), in the broken node\'s order', () => {
    const { status, doc } = orderlineJson(['timeline', '--key', 'k4', '--db', db, ...loose]);
    expect(status).toBe(0);
    expect(doc).toEqual({
      key: 'k4', node: 'node-b', vs: 'node-a',
      rows: [
        { op: 'L', phase: 'queued', k: 1, node_event: ev('node-b', B, 16, 1300, 'L', 'queued'), vs_event: ev('node-a', A, 16, 300, 'L', 'queued'), delta_ms: 1000 },
        { op: 'W', phase: 'started', k: 1, node_event: ev('node-b', B, 17, 1310, 'W', 'started'), vs_event: ev('node-a', A, 19, 330, 'W', 'started'), delta_ms: 980 },
        { op: 'W', phase: 'completed', k: 1, node_event: ev('node-b', B, 18, 1320, 'W', 'completed'), vs_event: ev('node-a', A, 20, 340, 'W', 'completed'), delta_ms: 980 },
        { op: 'L', phase: 'started', k: 1, node_event: ev('node-b', B, 19, 1330, 'L', 'started'), vs_event: ev('node-a', A, 17, 310, 'L', 'started'), delta_ms: 1020 },
        { op: 'L', phase: 'completed', k: 1, node_event: ev('node-b', B, 20, 1340, 'L', 'completed'), vs_event: ev('node-a', A, 18, 320, 'L', 'completed'), delta_ms: 1020 },
        // only on vs: placed after the node row that precedes it on vs (L:completed … W:started, then Audit)
        { op: 'Audit', phase: null, k: 1, node_event: null, vs_event: ev('node-a', A, 21, 335, 'Audit', null), delta_ms: null },
        { op: 'Retry', phase: null, k: 1, node_event: ev('node-b', B, 21, 1350, 'Retry', null), vs_event: null, delta_ms: null },
      ],
    });
  });

  it('--node and --vs choose the sides; md and table formats', () => {
    const { doc } = orderlineJson(['timeline', '--key', 'k4', '--node', 'node-a', '--vs', 'node-b', '--db', db, ...loose]);
    expect(doc.node).toBe('node-a');
    expect(doc.rows.map((r: any) => `${r.op}:${r.phase ?? ''}`)).toEqual(['L:queued', 'L:started', 'L:completed', 'W:started', 'Audit:', 'W:completed', 'Retry:']);
    expect(doc.rows[0].delta_ms).toBe(-1000);
    const md = orderline(['timeline', '--key', 'k4', '--db', db, '--format', 'md', ...loose]);
    expect(md.status).toBe(0);
    expect(md.stdout).toContain('| step | # | node-b ts | node-a ts | Δ ms | node-b evidence | node-a evidence |');
    expect(md.stdout).toContain(`| W:started | 1 | ${at(1310)} | ${at(330)} | 980 | ${B}:17 | ${A}:19 |`);
    const table = orderline(['timeline', '--key', 'k4', '--db', db, ...loose]);
    expect(table.stdout).toMatch(/^key k4: node-b vs node-a$/m);
    expect(table.stdout).toContain('(7 rows)');
  });

  it('a key on one node only has no vs side; an unknown key is a runtime error', () => {
    const { doc } = orderlineJson(['timeline', '--key', 'solo', '--db', db, ...loose]);
    expect(doc.node).toBe('node-a');
    expect(doc.vs).toBeNull();
    expect(doc.rows).toHaveLength(5);
    expect(doc.rows.every((r: any) => r.vs_event === null && r.delta_ms === null)).toBe(true);
    const r = orderline(['timeline', '--key', 'nope', '--db', db]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^orderline: no events have key "nope" \(some keys: /);
    expect(orderline(['timeline', '--db', db]).status).toBe(2);
  });
});

describe('affected', () => {
  it('reasons across diverge windows, odd replicas and propagation hops: one row per (key, node), what to do, from which copy', () => {
    const dir = join(tmp.dir, 'aff');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'node-a.ndjson'), '{"key":"k4","value":"good","writetime":"2026-01-01T00:00:00.340Z"}\n{"key":"k1","value":"v"}\n');
    writeFileSync(join(dir, 'node-b.ndjson'), '{"key":"k4","value":"bad"}\n{"key":"k1","value":"v"}\n');
    writeFileSync(join(dir, 'node-c.ndjson'), '{"key":"k4","value":"bad"}\n{"key":"k1","value":"v"}\n');
    expect(orderline(['replicas', join(dir, 'node-a.ndjson'), join(dir, 'node-b.ndjson'), join(dir, 'node-c.ndjson'), '--db', db]).status).toBe(0);
    const prop = { key: 'k4', origin: { node: 'node-b', version: 8, ts: at(1320) }, hops: [{ from: 'node-b', to: 'node-c', version: 8, ts: at(2000), source: 'logs/node-c/app.jsonl', line: 3 }] };
    writeFileSync(join(dir, 'prop.json'), JSON.stringify(prop));
    const { status, doc } = orderlineJson(['affected', '--db', db, '--propagation', join(dir, 'prop.json'), ...loose]);
    expect(status).toBe(0);
    // The raced value went node-b → node-c; node-a, the odd replica, kept the other value: the last good copy.
    const dump = (n: string) => `${join(dir, `${n}.ndjson`)}:1`;
    expect(doc.affected).toEqual([
      { key: 'k4', node: 'node-a', start: at(340), end: null, action: 'keep', restore_from: null,
        reason: `last good copy: holds the value from before the race (${dump('node-a')}) while node-b and node-c hold the raced version 8; restore from it, do not overwrite it; ` +
          `replicas: one_differs, odd replica (value "good" at ${dump('node-a')})` },
      { key: 'k4', node: 'node-b', start: at(1300), end: at(1340), action: 'restore', restore_from: 'node-a',
        reason: `diverge: W:started before L:completed at ${B}:17 (wrote version 8)` },
      { key: 'k4', node: 'node-c', start: at(2000), end: null, action: 'restore', restore_from: 'node-a',
        reason: 'propagation: received the raced version 8 from node-b at logs/node-c/app.jsonl:3' },
    ]);
    // Without the hop (the logs of this incident carry none), node-c's copy is no evidence either way:
    // node-b is restored from a replica with the other value, node-a is to be checked, not kept.
    const csv = orderline(['affected', '--db', db, '--format', 'csv', ...loose]);
    expect(csv.stdout.split('\n')).toEqual([
      'key,node,action,restore_from,start,end,reason',
      `k4,node-a,check,,${at(340)},,"replicas: one_differs, odd replica (value ""good"" at ${dump('node-a')})"`,
      `k4,node-b,restore,node-a,${at(1300)},${at(1340)},diverge: W:started before L:completed at ${B}:17`,
      '',
    ]);
    writeFileSync(join(dir, 'bad.json'), '{"key":"k4"}');
    const bad = orderline(['affected', '--db', db, '--propagation', join(dir, 'bad.json')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--propagation: .*bad\.json: document 1: origin/);
  });
});
