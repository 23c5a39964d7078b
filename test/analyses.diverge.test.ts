/**
 * diverge on hand-written incidents with known answers: input events, the command, the exact
 * findings. L = LoadMetadata-like step, W = WriteDerived-like step; the usual order is
 * L:queued → L:started → L:completed → W:started → W:completed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { orderline, orderlineJson, tempDir } from './helpers/cli.js';
import { at, incident, pipeline, RACED, type Ev } from './helpers/fixtures.js';

const tmp = tempDir('orderline-diverge-');
afterAll(() => tmp.cleanup());

const B = 'logs/node-b/app.jsonl';
const A = 'logs/node-a/app.jsonl';

/** k1..k4 on node-a (t = 0, 100, …) and k1..k3 on node-b (t = 1000, 1100, …), then node-b's k4 events. */
function twoNodes(k4OnB: Ev[]): Record<string, Ev[]> {
  return {
    'node-a': [0, 1, 2, 3].flatMap((i) => pipeline(`k${i + 1}`, i * 100)),
    'node-b': [...[0, 1, 2].flatMap((i) => pipeline(`k${i + 1}`, 1000 + i * 100)), ...k4OnB],
  };
}

const loose = ['--min-support', '8', '--min-confidence', '0.85'];

describe('diverge: degenerate and basic cases', () => {
  it('no break at all gives invariants and no findings', () => {
    const db = incident(tmp.dir, 'nobreak', twoNodes(pipeline('k4', 1300)));
    const { status, doc } = orderlineJson(['diverge', '--db', db, ...loose]);
    expect(status).toBe(0);
    expect(doc.findings).toEqual([]);
    // 5 totally ordered steps: 10 pairs, each in all 8 instances
    expect(doc.invariants).toHaveLength(10);
    for (const i of doc.invariants) expect(i).toMatchObject({ support: 8, confidence: 1, source: 'mined' });
    expect(doc.invariants).toContainEqual({
      before: { op: 'L', phase: 'completed' }, after: { op: 'W', phase: 'started' }, support: 8, confidence: 1, source: 'mined',
    });
  });

  it('two nodes only: W started while L was still queued on node-b', () => {
    const db = incident(tmp.dir, 'two', twoNodes(pipeline('k4', 1300, RACED)));
    const { status, doc } = orderlineJson(['diverge', '--db', db, ...loose]);
    expect(status).toBe(0);
    expect(doc.invariants).toHaveLength(10);
    expect(doc.findings).toEqual([{
      key: 'k4',
      node: 'node-b',
      cycle: 1,
      first_break: { op: 'W', phase: 'started', ts: at(1310), source: B, line: 17 },
      missing: { op: 'L', phase: 'completed' },
      pending: [{ op: 'L', phase: 'queued', ts: at(1300), source: B, line: 16, resolved_ts: at(1340) }],
      window: { start: at(1300), end: at(1340) },
      resolved: { ts: at(1340), source: B, line: 20 },
      invariant: { before: { op: 'L', phase: 'completed' }, after: { op: 'W', phase: 'started' }, support: 8, confidence: 0.875, source: 'mined' },
      healthy_node: 'node-a',
      ambiguous: false,
    }]);
    // the readable table names the same evidence
    const t = orderline(['diverge', '--db', db, ...loose]);
    expect(t.status).toBe(0);
    expect(t.stdout).toContain(`${B}:17`);
    expect(t.stdout).toMatch(/k4\s+node-b\s+W:started/);
  });

  it('without seq, timestamps decide, not line order', () => {
    // lines 16..20 in the file: L:started, L:queued, L:completed, W:started, W:completed; by time: the race
    const scrambled: Ev[] = [
      { key: 'k4', op: 'L', phase: 'started', t: 1330 },
      { key: 'k4', op: 'L', phase: 'queued', t: 1300 },
      { key: 'k4', op: 'L', phase: 'completed', t: 1340 },
      { key: 'k4', op: 'W', phase: 'started', t: 1310 },
      { key: 'k4', op: 'W', phase: 'completed', t: 1320 },
    ];
    const db = incident(tmp.dir, 'bytime', twoNodes(scrambled));
    const { doc } = orderlineJson(['diverge', '--db', db, ...loose]);
    expect(doc.findings).toHaveLength(1);
    expect(doc.findings[0]).toMatchObject({
      key: 'k4', node: 'node-b',
      first_break: { op: 'W', phase: 'started', ts: at(1310), line: 19 },
      missing: { op: 'L', phase: 'completed' },
      pending: [{ op: 'L', phase: 'queued', line: 16 + 1, resolved_ts: at(1340) }],
      resolved: { line: 18 },
      window: { start: at(1300), end: at(1340) },
    });
  });

  it('with seq on every event of a node, seq decides over timestamps', () => {
    // by ts this is the race; by seq it is the usual order
    const b: Ev[] = [...[0, 1, 2].flatMap((i) => pipeline(`k${i + 1}`, 1000 + i * 100))].map((e, i) => ({ ...e, seq: i + 1 }));
    b.push(
      { key: 'k4', op: 'L', phase: 'queued', t: 1300, seq: 16 },
      { key: 'k4', op: 'L', phase: 'started', t: 1330, seq: 17 },
      { key: 'k4', op: 'L', phase: 'completed', t: 1340, seq: 18 },
      { key: 'k4', op: 'W', phase: 'started', t: 1310, seq: 19 },
      { key: 'k4', op: 'W', phase: 'completed', t: 1320, seq: 20 },
    );
    const db = incident(tmp.dir, 'byseq', { 'node-a': twoNodes([])['node-a'], 'node-b': b });
    const { doc } = orderlineJson(['diverge', '--db', db, ...loose]);
    expect(doc.findings).toEqual([]);
    expect(doc.invariants).toHaveLength(10);
  });

  it('equal timestamps: line order decides, and the finding says it is ambiguous', () => {
    const same = (order: string[]) => order.map((s) => ({ key: 'k4', op: s.split(':')[0], phase: s.split(':')[1], t: 1300 }));
    const db = incident(tmp.dir, 'samets', twoNodes(same(RACED)));
    const { doc } = orderlineJson(['diverge', '--db', db, ...loose]);
    expect(doc.findings).toEqual([expect.objectContaining({
      key: 'k4', node: 'node-b',
      first_break: { op: 'W', phase: 'started', ts: at(1300), source: B, line: 17 },
      pending: [{ op: 'L', phase: 'queued', ts: at(1300), source: B, line: 16, resolved_ts: at(1300) }],
      window: { start: at(1300), end: at(1300) },
      ambiguous: true,
    })]);
    const db2 = incident(tmp.dir, 'samets-ok', twoNodes(same(['L:queued', 'L:started', 'L:completed', 'W:started', 'W:completed'])));
    expect(orderlineJson(['diverge', '--db', db2, ...loose]).doc.findings).toEqual([]);
  });

  it('an invariant with support below the threshold is not used', () => {
    // Audit before Archive on 4 instances; node-b's k3 archives without any Audit.
    const nodes = twoNodes(pipeline('k4', 1300));
    const extra = (node: string, key: string, t: number, steps: string[]) =>
      steps.forEach((op, i) => nodes[node].push({ key, op, t: t + i * 5 }));
    extra('node-a', 'k1', 60, ['Audit', 'Archive']);
    extra('node-a', 'k2', 160, ['Audit', 'Archive']);
    extra('node-b', 'k1', 1060, ['Audit', 'Archive']);
    extra('node-b', 'k2', 1160, ['Audit', 'Archive']);
    extra('node-b', 'k3', 1260, ['Archive']);
    const db = incident(tmp.dir, 'support', nodes);
    const strict = orderlineJson(['diverge', '--db', db, '--min-support', '5', '--min-confidence', '0.85']).doc;
    expect(strict.invariants.some((i: any) => i.before.op === 'Audit' && i.after.op === 'Archive')).toBe(false);
    expect(strict.findings).toEqual([]);
    // at support 4 the invariant is used, and the Archive without Audit is a break that never resolved
    const lax = orderlineJson(['diverge', '--db', db, '--min-support', '4', '--min-confidence', '0.85']).doc;
    expect(lax.invariants).toContainEqual({ before: { op: 'Audit', phase: null }, after: { op: 'Archive', phase: null }, support: 4, confidence: 1, source: 'mined' });
    const archiveLine = nodes['node-b'].findIndex((e) => e.key === 'k3' && e.op === 'Archive') + 1;
    expect(lax.findings).toEqual([expect.objectContaining({
      key: 'k3', node: 'node-b',
      first_break: { op: 'Archive', phase: null, ts: at(1260), source: B, line: archiveLine },
      missing: { op: 'Audit', phase: null },
      pending: [],
      resolved: null,
      window: { start: at(1260), end: at(1260) },
      healthy_node: null,
    })]);
  });

  it('a key present on one node only: its break has no healthy node; a clean one gives nothing', () => {
    const nodes = twoNodes(pipeline('k4', 1300));
    nodes['node-a'].push(...pipeline('solo', 500, RACED));
    nodes['node-b'].push(...pipeline('lonely', 1500));
    const db = incident(tmp.dir, 'onenode', nodes);
    const { doc } = orderlineJson(['diverge', '--db', db, '--min-support', '10', '--min-confidence', '0.85']);
    expect(doc.findings).toEqual([expect.objectContaining({
      key: 'solo', node: 'node-a',
      first_break: { op: 'W', phase: 'started', ts: at(510), source: A, line: 22 },
      missing: { op: 'L', phase: 'completed' },
      healthy_node: null,
    })]);
    expect(doc.findings[0].invariant).toMatchObject({ support: 10, confidence: 0.9 });
  });
});

describe('diverge: --expect, filters, saved queries', () => {
  const noPhases = () => {
    const abc = (key: string, t: number, ops = ['A', 'B', 'C']) => ops.map((op, i) => ({ key, op, t: t + i * 10 }));
    return incident(tmp.dir, 'expect', {
      'node-a': [...abc('k1', 0), ...abc('k2', 100), ...abc('k3', 200)],
      'node-b': [...abc('k1', 1000), ...abc('k2', 1100, ['B', 'A', 'C']), ...abc('k3', 1200)],
    });
  };

  it('--expect adds an invariant whatever its support; a bare op matches every phase', () => {
    const db = noPhases();
    const { status, doc } = orderlineJson(['diverge', '--db', db, '--expect', 'A<B', '--min-support', '100']);
    expect(status).toBe(0);
    expect(doc.invariants).toEqual([{
      before: { op: 'A', phase: null, any_phase: true }, after: { op: 'B', phase: null, any_phase: true },
      support: 6, confidence: 5 / 6, source: 'expected',
    }]);
    expect(doc.findings).toEqual([expect.objectContaining({
      key: 'k2', node: 'node-b',
      first_break: { op: 'B', phase: null, ts: at(1100), source: B, line: 4 },
      missing: { op: 'A', phase: null, any_phase: true },
      pending: [],
      resolved: { ts: at(1110), source: B, line: 5 },
      window: { start: at(1100), end: at(1110) },
      healthy_node: 'node-a',
    })]);
  });

  it('--expect phases are normalized like ingest (done → completed); chains give consecutive pairs', () => {
    const db = incident(tmp.dir, 'expect-phase', twoNodes(pipeline('k4', 1300, RACED)));
    const { doc } = orderlineJson(['diverge', '--db', db, '--expect', 'L:queued<L:done<W:started', '--min-support', '100']);
    expect(doc.invariants).toEqual([
      { before: { op: 'L', phase: 'queued' }, after: { op: 'L', phase: 'completed' }, support: 8, confidence: 1, source: 'expected' },
      { before: { op: 'L', phase: 'completed' }, after: { op: 'W', phase: 'started' }, support: 8, confidence: 0.875, source: 'expected' },
    ]);
    expect(doc.findings.map((f: any) => [f.key, f.node, f.first_break.line])).toEqual([['k4', 'node-b', 17]]);
  });

  it('a malformed --expect is a usage error', () => {
    const r = orderline(['diverge', '--db', ':memory:', '--expect', 'A<']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--expect/);
  });

  it('--key and --node filter the findings, not the mining', () => {
    const nodes = twoNodes(pipeline('k4', 1300, RACED));
    nodes['node-a'].push(...pipeline('k5', 900, RACED));
    nodes['node-b'].push(...pipeline('k5', 1900));
    const db = incident(tmp.dir, 'filters', nodes);
    const all = orderlineJson(['diverge', '--db', db, '--min-support', '10', '--min-confidence', '0.8']).doc;
    expect(all.findings.map((f: any) => `${f.key}@${f.node}`)).toEqual(['k4@node-b', 'k5@node-a']);
    const byKey = orderlineJson(['diverge', '--db', db, '--min-support', '10', '--min-confidence', '0.8', '--key', 'k5']).doc;
    expect(byKey.findings.map((f: any) => `${f.key}@${f.node}`)).toEqual(['k5@node-a']);
    expect(byKey.invariants).toEqual(all.invariants);
    const byNode = orderlineJson(['diverge', '--db', db, '--min-support', '10', '--min-confidence', '0.8', '--node', 'node-b']).doc;
    expect(byNode.findings.map((f: any) => `${f.key}@${f.node}`)).toEqual(['k4@node-b']);
  });

  it('orderline query first_breaks reruns the same SQL (invariants.sql first)', () => {
    const db = incident(tmp.dir, 'query', twoNodes(pipeline('k4', 1300, RACED)));
    const r = orderline(['query', 'first_breaks', '--db', db, '--param', 'min_support=8', '--param', 'min_confidence=0.85', '--format', 'json']);
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key: 'k4', node: 'node-b', break_op: 'W', break_line: 17, missing_op: 'L', missing_phase: 'completed', pending_line: 16 });
    const list = orderline(['query', '--list']);
    expect(list.stdout).toMatch(/first_breaks/);
    expect(list.stdout).toMatch(/invariants/);
  });
});
