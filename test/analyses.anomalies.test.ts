/**
 * `orderline anomalies` end to end: hand-written incidents with exact answers, then
 * generated ones (random seeds, node counts and formats) where every planted lower
 * count must be found and nothing else (precision and recall 1).
 */
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { orderline, orderlineJson, tempDir } from './helpers/cli.js';
import { LOG_FORMATS, isoAt, seededRandom, writeNodeLog, type LogEvent, type LogFormat, ingestIncident } from './helpers/nodeLogs.js';

const tmp = tempDir('orderline-anomalies-');
afterAll(() => tmp.cleanup());

const T0 = '2026-03-01T10:00:00.000Z';
const LOADED = 'initialized with metadata from <*> entities';

const incident = (nodes: Record<string, { events: LogEvent[]; format: LogFormat }>) => ingestIncident(tmp.dir, nodes);

const loaded = (ms: number, count: number, extra: Partial<LogEvent> = {}): LogEvent =>
  ({ ts: isoAt(T0, ms), msg: `initialized with metadata from ${count} entities`, ...extra });

function anomalies(db: string, ...args: string[]) {
  const r = orderlineJson(['anomalies', '--db', db, ...args]);
  expect(r.status, r.stderr).toBe(0);
  return r.doc.anomalies as Array<Record<string, unknown>>;
}

describe('orderline anomalies: hand-written incidents', () => {
  it('reports nothing when every node logged the same counts', () => {
    const db = incident({
      a: { format: 'jsonl', events: [loaded(0, 4812), loaded(60_000, 5000)] },
      b: { format: 'logfmt', events: [loaded(10, 4812), loaded(60_010, 5000)] },
      c: { format: 'csv', events: [loaded(20, 4812), loaded(60_020, 5000)] },
    });
    expect(anomalies(db)).toEqual([]);
    const table = orderline(['anomalies', '--db', db]);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/\(0 rows\)/);
  });

  it('finds the one node of three that loaded fewer entities, with its peers and evidence line', () => {
    const db = incident({
      'node-1': { format: 'jsonl', events: [{ ts: isoAt(T0, 0), msg: 'starting' }, loaded(5, 4812)] },
      'node-2': { format: 'json', events: [loaded(7, 4812)] },
      'node-3': { format: 'otlp', events: [{ ts: isoAt(T0, 1), msg: 'starting' }, { ts: isoAt(T0, 2), msg: 'joined ring' }, loaded(9, 4790)] },
    });
    expect(anomalies(db)).toEqual([{
      node: 'node-3', template: LOADED, phase_index: 1, count: 4790, peer_median: 4812,
      peers: { 'node-1': 4812, 'node-2': 4812 },
      source: join(dirname(db), 'node-3', 'node-3.otlp.json'), line: 3,
      ts: '2026-03-01T10:00:00.009Z', count_unit: 'entities', aligned_by: 'occurrence', seq: null, key: null,
      consensus: { count: 4812, nodes: 2, of: 2 }, template_agreement: { share: 1, phases: 1 },
    }]);
    const table = orderline(['anomalies', '--db', db]);
    expect(table.stdout).toContain('node-3');
    expect(table.stdout).toContain('node-1=4812 node-2=4812');
    expect(table.stdout).toContain('node-3.otlp.json:3');
  });

  it('two nodes only: nothing by default (either could be wrong); --min-peers 1 reports the lower', () => {
    const db = incident({
      a: { format: 'jsonl', events: [loaded(0, 4812)] },
      b: { format: 'logfmt', events: [loaded(3, 4790)] },
    });
    expect(anomalies(db)).toEqual([]);
    expect(anomalies(db, '--min-peers', '1')).toMatchObject([{ node: 'b', count: 4790, peer_median: 4812, peers: { a: 4812 } }]);
  });

  it('aligns by seq when every event of the template carries one, else by k-th occurrence', () => {
    const snap = (ms: number, count: number, seq: number): LogEvent => ({ ts: isoAt(T0, ms), msg: `loaded ${count} partitions from snapshot`, seq });
    const rec = (ms: number, count: number): LogEvent => ({ ts: isoAt(T0, ms), msg: `recovered ${count} records` });
    const db = incident({
      // c missed snapshot 1 (it joined late): by seq its 150 is compared with 200s; by
      // occurrence it would be compared with the 100s and pass.
      a: { format: 'jsonl', events: [snap(0, 100, 1), rec(1, 10), snap(1000, 200, 2), rec(1001, 20)] },
      b: { format: 'csv', events: [snap(2, 100, 1), rec(3, 10), snap(1002, 200, 2), rec(1003, 20)] },
      c: { format: 'json', events: [rec(5, 10), snap(1004, 150, 2), rec(1005, 15)] },
    });
    const found = anomalies(db).map((a) => [a.node, a.template, a.aligned_by, a.phase_index, a.seq, a.count, a.peer_median, a.line]);
    expect(found).toEqual([
      ['c', 'loaded <*> partitions from snapshot', 'seq', 2, 2, 150, 200, 2],
      ['c', 'recovered <*> records', 'occurrence', 2, null, 15, 20, 3],
    ]);
  });

  it('without seq, the k-th occurrence is k-th in ts order; equal timestamps fall back to line order', () => {
    const db = incident({
      a: { format: 'jsonl', events: [loaded(0, 100), loaded(5000, 200)] },
      b: { format: 'jsonl', events: [loaded(0, 100), loaded(5000, 200)] },
      e: { format: 'jsonl', events: [loaded(0, 100), loaded(5000, 200)] },
      // c's lines are out of time order: line 2 happened first.
      c: { format: 'logfmt', events: [loaded(5000, 150), loaded(0, 100)] },
      // d logged both at the same instant: line order decides (else its 2nd would be 100, low).
      d: { format: 'csv', events: [loaded(0, 100), loaded(0, 200)] },
    });
    expect(anomalies(db).map((a) => [a.node, a.phase_index, a.count, a.peer_median, a.line])).toEqual([
      ['c', 2, 150, 200, 1],
    ]);
  });

  it('a template logged on one node only is never judged', () => {
    const db = incident({
      a: { format: 'jsonl', events: [loaded(0, 10), { ts: isoAt(T0, 1), msg: 'compacted 3 segments' }] },
      b: { format: 'jsonl', events: [loaded(0, 10)] },
      c: { format: 'jsonl', events: [loaded(0, 10)] },
    });
    expect(anomalies(db)).toEqual([]);
  });

  it('no consensus among the others, nothing to fall below; a count equal to the consensus is a tie', () => {
    const spread = incident({
      a: { format: 'jsonl', events: [loaded(0, 100)] },
      b: { format: 'jsonl', events: [loaded(0, 90)] },
      c: { format: 'jsonl', events: [loaded(0, 80)] },
    });
    expect(anomalies(spread)).toEqual([]);
    const tie = incident({
      a: { format: 'jsonl', events: [loaded(0, 100)] },
      b: { format: 'jsonl', events: [loaded(0, 100)] },
      c: { format: 'jsonl', events: [loaded(0, 100)] },
      d: { format: 'jsonl', events: [loaded(0, 90)] },
    });
    expect(anomalies(tie).map((a) => [a.node, a.consensus])).toEqual([['d', { count: 100, nodes: 3, of: 3 }]]);
  });

  it('a counter that varies by nature is never judged, whatever its unit word; a state volume beside it is', () => {
    const rnd = seededRandom(7);
    const nodes: Record<string, { events: LogEvent[]; format: LogFormat }> = {};
    for (const [i, name] of ['a', 'b', 'c', 'd', 'e'].entries()) {
      const events: LogEvent[] = [];
      for (let k = 0; k < 40; k++) {
        events.push({ ts: isoAt(T0, k * 1000 + i), msg: `Compacted ${2 + Math.floor(rnd() * 9)} sstables to 1 in ${10 + Math.floor(rnd() * 900)} entities` });
        events.push({ ts: isoAt(T0, k * 1000 + i + 1), msg: `GC pause of ${1 + Math.floor(rnd() * 300)} entities` });
      }
      events.push(loaded(90_000 + i, name === 'c' ? 4790 : 4815));
      nodes[name] = { format: 'jsonl', events };
    }
    const db = incident(nodes);
    expect(anomalies(db).map((a) => [a.node, a.template, a.count])).toEqual([['c', LOADED, 4790]]);
    // judged anyway when asked to judge every message: the counters then give anomalies
    expect(anomalies(db, '--min-agreement', '0').length).toBeGreaterThan(1);
  });

  it('a keyed message is aligned per key and per k-th time for that key, not across keys', () => {
    const derived = (ms: number, key: string, count: number): LogEvent => ({ ts: isoAt(T0, ms), msg: `derived view written from ${count} entities`, key });
    const mk = (low: boolean, skew: number): LogEvent[] => [
      // keys worked in a different order on each node: by occurrence alone, tenants would be compared with each other
      ...(skew ? [derived(skew, 'tenant-2', 50), derived(skew + 10, 'tenant-1', 213)] : [derived(0, 'tenant-1', 213), derived(10, 'tenant-2', 50)]),
      derived(1000 + skew, 'tenant-1', 218), derived(1010 + skew, 'tenant-2', low ? 49 : 51),
    ];
    const db = incident({
      a: { format: 'jsonl', events: mk(false, 0) },
      b: { format: 'jsonl', events: mk(false, 3) },
      c: { format: 'jsonl', events: mk(true, 0) },
    });
    expect(anomalies(db).map((a) => [a.node, a.key, a.phase_index, a.count, a.aligned_by])).toEqual([['c', 'tenant-2', 2, 49, 'key_occurrence']]);
  });

  it('a restart: an occurrence the others have no k-th of is judged as of its time, against their latest counts before it', () => {
    const db = incident({
      a: { format: 'jsonl', events: [loaded(0, 5159)] },
      b: { format: 'logfmt', events: [loaded(10, 5159)] },
      c: { format: 'jsonl', events: [loaded(20, 5170)] },
      e: { format: 'jsonl', events: [loaded(25, 5159)] },
      // d restarts: its 2nd initialization is compared with the others' latest counts before it
      d: { format: 'logfmt', events: [loaded(30, 5159), loaded(8_000, 5111)] },
    });
    const got = anomalies(db).map((a) => ({ node: a.node, count: a.count, aligned_by: a.aligned_by, phase_index: a.phase_index, consensus: a.consensus, peers: a.peers }));
    expect(got).toEqual([
      { node: 'd', count: 5111, aligned_by: 'as_of', phase_index: 2, consensus: { count: 5159, nodes: 3, of: 4 }, peers: { a: 5159, b: 5159, c: 5170, e: 5159 } },
    ]);
    // as of a time no other node had logged the message yet: nothing to compare with
    const early = incident({
      a: { format: 'jsonl', events: [loaded(5_000, 5159)] },
      b: { format: 'jsonl', events: [loaded(5_010, 5159)] },
      c: { format: 'jsonl', events: [loaded(5_020, 5159)] },
      d: { format: 'jsonl', events: [loaded(0, 4000), loaded(5_030, 5159)] },
    });
    expect(anomalies(early).map((a) => [a.node, a.count, a.aligned_by])).toEqual([['d', 4000, 'occurrence']]);
  });

  it('--min-gap ignores shortfalls smaller than the given fraction of the median', () => {
    const db = incident({
      ...Object.fromEntries(['a', 'b', 'e', 'f', 'g', 'h'].map((n) => [n, { format: 'jsonl' as const, events: [loaded(0, 4812)] }])),
      c: { format: 'jsonl', events: [loaded(0, 4790)] },   // 0.46 % short
      d: { format: 'jsonl', events: [loaded(0, 4000)] },   // 16.9 % short
    });
    expect(anomalies(db).map((a) => a.node)).toEqual(['c', 'd']);
    expect(anomalies(db, '--min-gap', '0.01').map((a) => a.node)).toEqual(['d']);
  });

  it('bad option values are usage errors (exit 2)', () => {
    const db = incident({ a: { format: 'jsonl', events: [loaded(0, 1)] } });
    expect(orderline(['anomalies', '--db', db, '--min-gap', '2']).status).toBe(2);
    expect(orderline(['anomalies', '--db', db, '--min-peers', '0']).status).toBe(2);
    expect(orderline(['anomalies', '--db', db, '--min-agreement', '1.5']).status).toBe(2);
  });

  it('runs as a saved query with the same answer', () => {
    const db = incident({
      a: { format: 'jsonl', events: [loaded(0, 30)] },
      b: { format: 'jsonl', events: [loaded(0, 30)] },
      c: { format: 'jsonl', events: [loaded(0, 29)] },
    });
    const r = orderline(['query', 'lower_counts', '--db', db, '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject([{ node: 'c', count: 29, peer_median: 30, peers: { a: 30, b: 30 } }]);
  });
});

/** A generated incident and the anomalies planted in it. */
interface Generated {
  nodes: Record<string, { events: LogEvent[]; format: LogFormat }>;
  planted: string[];
}

const TEMPLATES = [
  { text: (c: number) => `initialized with metadata from ${c} entities`, seq: false },
  { text: (c: number) => `loaded ${c} partitions from snapshot`, seq: true },
  { text: (c: number) => `recovered ${c} records from the log`, seq: false },
  { text: (c: number) => `streamed ${c} segments to replica`, seq: true },
];

/**
 * 3–6 nodes in random formats; 2–4 count templates, each logged 1–4 times per node (seq
 * templates may skip phases, occurrence ones only stop early, while three nodes or more go on); at each phase most nodes
 * log the same base count and one, or up to a quarter, of them (planted) log less, so the
 * others' consensus is the base count. Distractors:
 * a count template on one node only, messages without counts.
 */
function generate(seed: number): Generated {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const nodeCount = 3 + Math.floor(rnd() * 4);
  const names = Array.from({ length: nodeCount }, (_, i) => `node-${i + 1}`);
  const events: Record<string, LogEvent[]> = Object.fromEntries(names.map((x) => [x, []]));
  const planted: string[] = [];
  const templates = TEMPLATES.slice(0, 2 + Math.floor(rnd() * 3));
  let clock = 0;
  for (const t of templates) {
    const phases = 1 + Math.floor(rnd() * 4);
    const stopAt = Object.fromEntries(names.map((x) => [x, phases - (rnd() < 0.3 ? Math.floor(rnd() * phases) : 0)]));
    for (let p = 1; p <= phases; p++) {
      const present = names.filter((x) => (t.seq ? rnd() > 0.15 : p <= stopAt[x]));
      // a k-th occurrence fewer than three nodes reach would be judged as of its time, against the
      // others' earlier counts (a restart's): this generator's phases each have their own base count
      if (!t.seq && present.length < 3) break;
      const base = 1000 + Math.floor(rnd() * 9000);
      const low = new Set<string>();
      if (present.length >= 3) {
        // the others agree (all but one node, or three quarters of them, on the base count)
        const max = Math.max(1, Math.floor(present.length / 4));
        const k = Math.floor(rnd() * (max + 1));
        for (const x of [...present].sort(() => rnd() - 0.5).slice(0, k)) low.add(x);
      }
      for (const x of present) {
        const count = low.has(x) ? base - 1 - Math.floor(rnd() * 50) : base;
        clock += 1 + Math.floor(rnd() * 1000);
        events[x].push({ ts: isoAt(T0, clock), msg: t.text(count), ...(t.seq ? { seq: p * 10 } : {}) });
        if (rnd() < 0.3) events[x].push({ ts: isoAt(T0, clock + 1), msg: `heartbeat from peer ok` });
        if (low.has(x)) planted.push(`${x}|${t.text(0).replace('0', '<*>')}|${t.seq ? `seq ${p * 10}` : `#${p}`}|${count}`);
      }
    }
  }
  events[names[0]].push({ ts: isoAt(T0, clock + 5), msg: 'rebuilt 17 indexes' });
  const nodes = Object.fromEntries(names.map((x) => [x, { events: events[x], format: pick(LOG_FORMATS) }]));
  return { nodes, planted: planted.sort() };
}

describe('orderline anomalies: generated incidents', () => {
  it('finds every planted lower count and nothing else (precision and recall 1)', () => {
    let plantedTotal = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const g = generate(seed);
        const db = incident(g.nodes);
        const found = anomalies(db).map((a) => `${a.node}|${a.template}|${a.aligned_by === 'seq' ? `seq ${a.seq}` : `#${a.phase_index}`}|${a.count}`).sort();
        expect(found).toEqual(g.planted);
        plantedTotal += g.planted.length;
      }),
      { numRuns: 6, endOnFailure: true },
    );
    expect(plantedTotal).toBeGreaterThan(0);
  });
});
