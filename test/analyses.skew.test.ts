/**
 * `orderline skew [--apply]` end to end with known clock offsets: a node 2 s ahead is
 * found within its bounds, causal-id pairs, chained bounds, contradicting pairs, --apply,
 * and generated clusters with random offsets whose true offsets must lie within the bounds.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { orderAmbiguous } from '../src/analyses/skew.js';
import type { SkewDoc } from '../src/analyses/shapes.js';
import { orderline, orderlineJson, sqlRows, tempDir } from './helpers/cli.js';
import { LOG_FORMATS, isoAt, seededRandom, writeNodeLog, type LogEvent, type LogFormat, ingestIncident } from './helpers/nodeLogs.js';

const tmp = tempDir('orderline-skew-');
afterAll(() => tmp.cleanup());

const T0 = '2026-03-01T10:00:00.000Z';

const incident = (nodes: Record<string, { events: LogEvent[]; format: LogFormat }>) => ingestIncident(tmp.dir, nodes);

function skew(db: string, ...args: string[]): SkewDoc {
  const r = orderlineJson(['skew', '--db', db, ...args]);
  expect(r.status, r.stderr).toBe(0);
  return r.doc;
}

/**
 * A cluster exchanging messages: `clock[node]` ms is added to what the node logs (its
 * clock error), each message takes `delay` ms. Returns the events per node.
 */
function exchange(clock: Record<string, number>, messages: Array<{ from: string; to: string; at: number; delay: number; trace?: string }>) {
  const events: Record<string, LogEvent[]> = Object.fromEntries(Object.keys(clock).map((x) => [x, []]));
  messages.forEach((m, i) => {
    const id = m.trace ? { trace_id: m.trace } : { key: `msg-${i}`, version: 1 };
    events[m.from].push({ ts: isoAt(T0, m.at + clock[m.from]), msg: 'sent', to_node: m.to, ...id });
    events[m.to].push({ ts: isoAt(T0, m.at + m.delay + clock[m.to]), msg: 'received', from_node: m.from, ...id });
  });
  for (const list of Object.values(events)) list.sort((x, y) => (x.ts! < y.ts! ? -1 : 1));
  return events;
}

describe('orderline skew: known offsets', () => {
  // b's clock runs 2 s ahead; a and c agree.
  const clock = { a: 0, b: 2000, c: 0 };
  const messages = [
    { from: 'a', to: 'b', at: 0, delay: 10, trace: 't1' },        // matched by causal id
    { from: 'b', to: 'a', at: 100, delay: 20 },                    // matched by key and version
    { from: 'a', to: 'b', at: 200, delay: 30 },
    { from: 'a', to: 'c', at: 300, delay: 5 },
    { from: 'c', to: 'a', at: 400, delay: 15 },
  ];

  it('finds a node 2 s ahead within its bounds (pairs both ways bound it from both sides)', () => {
    const ev = exchange(clock, messages);
    const db = incident({ a: { format: 'jsonl', events: ev.a }, b: { format: 'otlp', events: ev.b }, c: { format: 'csv', events: ev.c } });
    const doc = skew(db);
    expect(doc.reference).toBe('a');
    // a → b: o(b) − o(a) ≥ s − r = −2010 (tightest of −2010, −2030); b → a: ≤ r − s = −1980.
    expect(doc.nodes).toEqual([
      { node: 'a', offset_ms: 0, lower_ms: 0, upper_ms: 0, pairs: 5, basis: 'reference', consistent: true },
      { node: 'b', offset_ms: -1995, lower_ms: -2010, upper_ms: -1980, pairs: 3, basis: 'send_receive', consistent: true },
      { node: 'c', offset_ms: 0, lower_ms: -5, upper_ms: 15, pairs: 2, basis: 'send_receive', consistent: true },
    ]);
    // Bounds between b and c chain through a.
    expect(doc.between).toContainEqual({ a: 'b', b: 'c', lower_ms: 1975, upper_ms: 2025 });
    const table = orderline(['skew', '--db', db]);
    expect(table.stdout).toMatch(/b\s+-1995\s+\[-2010, -1980\]\s+3\s+send_receive/);
  });

  it('--apply fills ts_corrected (ts where no estimate) and keeps table clock_skew; --reference changes the frame', () => {
    const ev = exchange({ ...clock, d: 0 }, messages);
    ev.d.push({ ts: isoAt(T0, 50), msg: 'lonely node' });
    const db = incident({ a: { format: 'jsonl', events: ev.a }, b: { format: 'logfmt', events: ev.b }, c: { format: 'json', events: ev.c }, d: { format: 'jsonl', events: ev.d } });
    const doc = skew(db, '--apply');
    expect(doc.applied).toBe(true);
    expect(doc.nodes.find((x) => x.node === 'd')).toEqual({ node: 'd', offset_ms: null, lower_ms: null, upper_ms: null, pairs: 0, basis: null, consistent: null, applied: false });
    expect(doc.nodes.map((x) => x.applied)).toEqual([true, true, true, false]);
    expect(sqlRows(db, "SELECT node, ts, ts_corrected FROM events WHERE message = 'received' AND node = 'b' ORDER BY ts LIMIT 1")).toEqual([
      { node: 'b', ts: isoAt(T0, 2010), ts_corrected: isoAt(T0, 15) },
    ]);
    expect(sqlRows(db, "SELECT count(*) AS n FROM events WHERE node <> 'b' AND ts_corrected IS DISTINCT FROM ts")).toEqual([{ n: 0 }]);
    expect(sqlRows(db, 'SELECT node, offset_us FROM clock_skew ORDER BY node')).toEqual([
      { node: 'a', offset_us: 0 }, { node: 'b', offset_us: -1995000 }, { node: 'c', offset_us: 0 }, { node: 'd', offset_us: null },
    ]);
    expect(skew(db, '--reference', 'b').nodes.find((x) => x.node === 'a')).toMatchObject({ offset_ms: 1995, lower_ms: 1980, upper_ms: 2010 });
    const bad = orderline(['skew', '--db', db, '--reference', 'zz']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/no node named "zz"/);
  });

  it('falls back to shared causal ids (order unknown): their spread is the bound, 0 when it includes 0', () => {
    const ev: Record<string, LogEvent[]> = { x: [], y: [], z: [] };
    // y agrees with x within a few ms; z logs 3 s behind.
    [[-5, 5], [3, -5], [-2, 0]].forEach(([dy, dz], i) => {
      const trace = `tr-${i}`;
      ev.x.push({ ts: isoAt(T0, i * 1000), msg: 'handling request', trace_id: trace });
      ev.y.push({ ts: isoAt(T0, i * 1000 - dy), msg: 'handling request', trace_id: trace });
      ev.z.push({ ts: isoAt(T0, i * 1000 - 3000 - dz), msg: 'handling request', trace_id: trace });
      ev.z.push({ ts: isoAt(T0, i * 1000 - 2990 - dz), msg: 'done', trace_id: trace }); // later events do not count
    });
    const db = incident({ x: { format: 'jsonl', events: ev.x }, y: { format: 'jsonl', events: ev.y }, z: { format: 'csv', events: ev.z } });
    expect(skew(db, '--reference', 'x').nodes).toEqual([
      { node: 'x', offset_ms: 0, lower_ms: 0, upper_ms: 0, pairs: 6, basis: 'reference', consistent: true },
      { node: 'y', offset_ms: 0, lower_ms: -5, upper_ms: 3, pairs: 6, basis: 'causal_id', consistent: true },
      { node: 'z', offset_ms: 3000, lower_ms: 2995, upper_ms: 3005, pairs: 6, basis: 'causal_id', consistent: true },
    ]);
    // Spreads are not chained: y–z have their own.
    expect(skew(db, '--reference', 'x').between).toContainEqual({ a: 'y', b: 'z', lower_ms: 2992, upper_ms: 3010 });
    // Such offsets mix skew with delays: --apply leaves them out unless --include-causal.
    const zFirst = "SELECT ts_corrected FROM events WHERE node = 'z' ORDER BY ts LIMIT 1";
    expect(skew(db, '--reference', 'x', '--apply').nodes.map((x) => x.applied)).toEqual([true, false, false]);
    expect(sqlRows(db, zFirst)).toEqual([{ ts_corrected: isoAt(T0, -3005) }]);
    skew(db, '--reference', 'x', '--apply', '--include-causal');
    expect(sqlRows(db, zFirst)).toEqual([{ ts_corrected: isoAt(T0, -5) }]);
  });

  it('one-way pairs bound one side only (estimate 0 where 0 fits); pairs that contradict each other are inconsistent', () => {
    const oneWay = exchange({ p: 0, q: -1500 }, [{ from: 'p', to: 'q', at: 0, delay: 10 }, { from: 'p', to: 'q', at: 100, delay: 40 }]);
    const db1 = incident({ p: { format: 'jsonl', events: oneWay.p }, q: { format: 'jsonl', events: oneWay.q } });
    // q logs receipts 1.49 s before the sends: o(q) − o(p) ≥ 1490, upper open.
    expect(skew(db1).nodes).toEqual([
      { node: 'p', offset_ms: 0, lower_ms: 0, upper_ms: 0, pairs: 2, basis: 'reference', consistent: true },
      { node: 'q', offset_ms: 1490, lower_ms: 1490, upper_ms: null, pairs: 2, basis: 'send_receive', consistent: true },
    ]);
    const db2 = incident({
      p: { format: 'jsonl', events: [{ ts: isoAt(T0, 100), msg: 'sent', to_node: 'q', key: 'm1', version: 1 }, { ts: isoAt(T0, 150), msg: 'received', from_node: 'q', key: 'm2', version: 1 }] },
      q: { format: 'jsonl', events: [{ ts: isoAt(T0, 0), msg: 'received', from_node: 'p', key: 'm1', version: 1 }, { ts: isoAt(T0, 250), msg: 'sent', to_node: 'p', key: 'm2', version: 1 }] },
    });
    // p → q: o(q) − o(p) ≥ 100; q → p: ≤ −100: no offset satisfies both.
    expect(skew(db2).nodes.map((x) => [x.node, x.consistent])).toEqual([['p', false], ['q', false]]);
  });

  it('no causal pairs: no reference and no estimates', () => {
    const db = incident({ a: { format: 'jsonl', events: [{ ts: T0, msg: 'x' }] }, b: { format: 'jsonl', events: [{ ts: T0, msg: 'y' }] } });
    expect(skew(db)).toEqual({
      reference: null,
      nodes: [
        { node: 'a', offset_ms: null, lower_ms: null, upper_ms: null, pairs: 0, basis: null, consistent: null },
        { node: 'b', offset_ms: null, lower_ms: null, upper_ms: null, pairs: 0, basis: null, consistent: null },
      ],
      between: [],
    });
  });
});

describe('orderAmbiguous', () => {
  const doc: SkewDoc = {
    reference: 'a',
    nodes: [],
    between: [
      { a: 'a', b: 'b', lower_ms: -50, upper_ms: 50 },
      { a: 'b', b: 'a', lower_ms: -50, upper_ms: 50 },
      { a: 'a', b: 'c', lower_ms: -10, upper_ms: null },
    ],
  };
  it('is true when the timestamp difference lies within the bounds of the offset difference', () => {
    expect(orderAmbiguous(doc, { node: 'a', ts: '2026-01-01T00:00:00.030Z' }, { node: 'b', ts: '2026-01-01T00:00:00.000Z' })).toBe(true);
    expect(orderAmbiguous(doc, { node: 'a', ts: '2026-01-01T00:00:00.080Z' }, { node: 'b', ts: '2026-01-01T00:00:00.000Z' })).toBe(false);
    expect(orderAmbiguous(doc, { node: 'b', ts: 1000 }, { node: 'a', ts: 1049 })).toBe(true);
  });
  it('takes open sides and unlinked nodes at face value; one node is one clock', () => {
    expect(orderAmbiguous(doc, { node: 'a', ts: 0 }, { node: 'c', ts: 5 })).toBe(true);      // −5 within [−10, 0]
    expect(orderAmbiguous(doc, { node: 'a', ts: 100 }, { node: 'c', ts: 0 })).toBe(false);   // open upper: face value
    expect(orderAmbiguous(doc, { node: 'a', ts: 0 }, { node: 'd', ts: 0 })).toBe(true);      // equal times, two clocks
    expect(orderAmbiguous(doc, { node: 'a', ts: 0 }, { node: 'd', ts: 1 })).toBe(false);
    expect(orderAmbiguous(doc, { node: 'a', ts: 0 }, { node: 'a', ts: 0 })).toBe(false);
  });
});

describe('orderline skew: generated clusters', () => {
  it('every node\'s true offset lies within its bounds, in any format', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const rnd = seededRandom(seed);
        const names = Array.from({ length: 3 + Math.floor(rnd() * 3) }, (_, i) => `n${i + 1}`);
        const clock = Object.fromEntries(names.map((x, i) => [x, i === 0 ? 0 : Math.round((rnd() - 0.5) * 10_000)]));
        const messages = [];
        let at = 0;
        // A chain n1 – n2 – … with messages both ways, plus a few random extra links.
        for (let i = 1; i < names.length; i++) {
          for (const [from, to] of [[names[i - 1], names[i]], [names[i], names[i - 1]]]) {
            messages.push({ from, to, at: (at += 1000), delay: 1 + Math.floor(rnd() * 100) });
          }
        }
        for (let i = 0; i < 3; i++) {
          const from = names[Math.floor(rnd() * names.length)];
          const to = names.filter((x) => x !== from)[Math.floor(rnd() * (names.length - 1))];
          messages.push({ from, to, at: (at += 1000), delay: 1 + Math.floor(rnd() * 100) });
        }
        const ev = exchange(clock, messages);
        const db = incident(Object.fromEntries(names.map((x) => [x, { events: ev[x], format: LOG_FORMATS[Math.floor(rnd() * LOG_FORMATS.length)] }])));
        const doc = skew(db, '--reference', 'n1');
        for (const s of doc.nodes) {
          const truth = -clock[s.node]; // the correction that undoes the node's clock error
          expect(s.consistent).toBe(true);
          expect(s.lower_ms!).toBeLessThanOrEqual(truth);
          expect(s.upper_ms!).toBeGreaterThanOrEqual(truth);
          expect(s.upper_ms! - s.lower_ms!).toBeLessThanOrEqual(200 * names.length);
        }
      }),
      { numRuns: 4, endOnFailure: true },
    );
  });
});
