/**
 * `orderline propagation --key K` end to end: hand-written incidents with exact hops and
 * origins (both sides logged, one side only, two versions, ambiguous order), then
 * generated ones where every planted hop and origin is found and nothing else.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { propagationForKeys } from '../src/analyses/propagation.js';
import { orderline, orderlineJson, tempDir } from './helpers/cli.js';
import { LOG_FORMATS, isoAt, seededRandom, writeNodeLog, type LogEvent, type LogFormat } from './helpers/nodeLogs.js';

const tmp = tempDir('orderline-propagation-');
afterAll(() => tmp.cleanup());

const T0 = '2026-03-01T10:00:00.000Z';
let n = 0;
let caseDir = '';

function incident(nodes: Record<string, { events: LogEvent[]; format: LogFormat }>): string {
  caseDir = join(tmp.dir, `case-${++n}`);
  for (const [node, { events, format }] of Object.entries(nodes)) writeNodeLog(caseDir, node, events, format);
  const db = join(caseDir, 'incident.duckdb');
  const r = orderline(['ingest', caseDir, '--db', db, '--json']);
  expect(r.status, r.stderr).toBe(0);
  return db;
}

const file = (node: string, format: LogFormat) => join(caseDir, node, `${node}.${format === 'otlp' ? 'otlp.json' : format === 'logfmt' ? 'log' : format}`);
const at = (ms: number) => isoAt(T0, ms);
const write = (ms: number, key: string, version: number): LogEvent => ({ ts: at(ms), msg: `applied mutation key=${key}`, key, version });
const send = (ms: number, key: string, version: number, to: string): LogEvent => ({ ts: at(ms), msg: 'repair: streaming row', key, version, to_node: to });
const recv = (ms: number, key: string, version: number, from: string): LogEvent => ({ ts: at(ms), msg: 'repair: received row', key, version, from_node: from });

function propagation(db: string, ...args: string[]) {
  const r = orderlineJson(['propagation', '--db', db, ...args]);
  expect(r.status, r.stderr).toBe(0);
  return r.doc;
}

describe('orderline propagation: hand-written incidents', () => {
  it('follows a version a → b → c, pairing each sender\'s event with the receiver\'s', () => {
    const db = incident({
      a: { format: 'jsonl', events: [write(0, 'cust-42', 7), send(1000, 'cust-42', 7, 'b')] },
      b: { format: 'csv', events: [recv(1010, 'cust-42', 7, 'a'), send(2000, 'cust-42', 7, 'c')] },
      c: { format: 'otlp', events: [{ ts: at(5), msg: 'boot' }, recv(2020, 'cust-42', 7, 'b')] },
    });
    expect(propagation(db, '--key', 'cust-42')).toEqual({
      key: 'cust-42',
      origin: { node: 'a', version: 7, ts: at(0) },
      hops: [
        { from: 'a', to: 'b', version: 7, ts: at(1010), source: file('b', 'csv'), line: 2,
          sent: { node: 'a', ts: at(1000), source: file('a', 'jsonl'), line: 2 },
          received: { node: 'b', ts: at(1010), source: file('b', 'csv'), line: 2 }, ambiguous: false },
        { from: 'b', to: 'c', version: 7, ts: at(2020), source: file('c', 'otlp'), line: 2,
          sent: { node: 'b', ts: at(2000), source: file('b', 'csv'), line: 3 },
          received: { node: 'c', ts: at(2020), source: file('c', 'otlp'), line: 2 }, ambiguous: false },
      ],
      origins: [{ node: 'a', version: 7, ts: at(0), hops: 2 }],
    });
    const table = orderline(['propagation', '--key', 'cust-42', '--db', db]);
    expect(table.stdout).toContain(`origin: version 7 on a at ${at(0)}`);
    expect(table.stdout).toMatch(/a\s+b\s+both/);
  });

  it('free text naming peers by address: the address each node announces as its own, or a host named after it, is that node', () => {
    const ip = { a: '10.0.0.11', b: '10.0.0.12', c: '10.0.0.13', d: '10.0.0.14' } as Record<string, string>;
    const own = (node: string): LogEvent => ({ ts: isoAt(T0, 1), msg: `Listening for peers on ${ip[node]}:7000` });
    // each node also talks to the others by address: no peer slot may pass for an own address
    const chat = (node: string, other: string, ms: number): LogEvent => ({ ts: isoAt(T0, ms), msg: `Handshake with /${ip[other]}:7000 completed` });
    const sent = (key: string, to: string, ms: number): LogEvent => ({ ts: isoAt(T0, ms), msg: `Repair session 3ae1: sent ${key} version 9 to ${to}` });
    const recv = (key: string, from: string, ms: number): LogEvent => ({ ts: isoAt(T0, ms), msg: `Repair session 3ae1: received ${key} version 9 from ${from}` });
    // the entities every node works, so that their ids are keys
    const work = (off: number): LogEvent[] => ['u:91815', 'acct/5014', 'tenant-190'].flatMap((k, i) => [
      { ts: isoAt(T0, 100 + off + i * 10), msg: `Loaded metadata for ${k}: ${12 + i} entities` },
      { ts: isoAt(T0, 105 + off + i * 10), msg: `Published ${k} version ${8 + i}` },
    ]);
    const db = incident({
      a: { format: 'jsonl', events: [own('a'), chat('a', 'b', 10), chat('a', 'c', 11), ...work(0), sent('u:91815', `${ip.b}:7000`, 1000), sent('u:91815', 'c.prod.internal:7000', 1100)] },
      b: { format: 'logfmt', events: [own('b'), chat('b', 'a', 12), chat('b', 'd', 13), ...work(1), recv('u:91815', `/${ip.a}`, 1050)] },
      c: { format: 'jsonl', events: [own('c'), chat('c', 'a', 14), chat('c', 'd', 15), ...work(2), recv('u:91815', 'a.prod.internal:7000', 1150)] },
      d: { format: 'logfmt', events: [own('d'), chat('d', 'b', 16), chat('d', 'c', 17), ...work(3)] },
    });
    const doc = orderlineJson(['propagation', '--key', 'u:91815', '--db', db]);
    expect(doc.status, doc.stderr).toBe(0);
    expect(doc.doc.hops.map((h: { from: string; to: string; version: number; sent: unknown; received: unknown }) => [h.from, h.to, h.version, !!h.sent, !!h.received]))
      .toEqual([['a', 'b', 9, true, true], ['a', 'c', 9, true, true]]);
  });

  it('uses the one side when only the sender or only the receiver logged a hop', () => {
    const db = incident({
      a: { format: 'logfmt', events: [send(1000, 'k', 3, 'b')] },   // b never logged the receipt
      b: { format: 'jsonl', events: [{ ts: at(1500), msg: 'compaction' }] },
      c: { format: 'json', events: [recv(2000, 'k', 3, 'b')] },     // b never logged the send
    });
    const doc = propagation(db, '--key', 'k');
    expect(doc.origin).toEqual({ node: 'a', version: 3, ts: at(1000) });
    expect(doc.hops.map((h: any) => [h.from, h.to, h.version, h.ts, h.line, h.sent?.node ?? null, h.received?.node ?? null])).toEqual([
      ['a', 'b', 3, at(1000), 1, 'a', null],
      ['b', 'c', 3, at(2000), 1, null, 'c'],
    ]);
  });

  it('with two versions, names the origin of the one that spread furthest; --ver picks another', () => {
    const db = incident({
      // v1 written on a, replicated to b. Then c, stale, repairs a and b with v2 (the bad value).
      a: { format: 'jsonl', events: [write(0, 'cust-9', 1), send(100, 'cust-9', 1, 'b'), recv(5010, 'cust-9', 2, 'c')] },
      b: { format: 'jsonl', events: [recv(110, 'cust-9', 1, 'a'), recv(5020, 'cust-9', 2, 'c')] },
      c: { format: 'jsonl', events: [write(4000, 'cust-9', 2), send(5000, 'cust-9', 2, 'a'), send(5001, 'cust-9', 2, 'b')] },
    });
    const doc = propagation(db, '--key', 'cust-9');
    expect(doc.origin).toEqual({ node: 'c', version: 2, ts: at(4000) });
    expect(doc.origins).toEqual([
      { node: 'a', version: 1, ts: at(0), hops: 1 },
      { node: 'c', version: 2, ts: at(4000), hops: 2 },
    ]);
    expect(doc.hops.map((h: any) => `${h.version}:${h.from}>${h.to}`)).toEqual(['1:a>b', '2:c>a', '2:c>b']);
    expect(propagation(db, '--key', 'cust-9', '--ver', '1').origin).toEqual({ node: 'a', version: 1, ts: at(0) });
  });

  it('a key that never moved has no origin and no hops; a key present on one node only likewise', () => {
    const db = incident({
      a: { format: 'jsonl', events: [write(0, 'lonely', 1), send(10, 'other', 1, 'b')] },
      b: { format: 'jsonl', events: [recv(20, 'other', 1, 'a')] },
    });
    expect(propagation(db, '--key', 'lonely')).toEqual({ key: 'lonely', origin: null, hops: [], origins: [] });
    // a key no event has is no empty answer: it is said, in one line
    const nowhere = orderline(['propagation', '--db', db, '--key', 'nowhere']);
    expect([nowhere.status, nowhere.stdout]).toEqual([1, '']);
    expect(nowhere.stderr).toMatch(/^orderline: no events have key "nowhere" \(some keys: lonely, other\)\n$/);
  });

  it('marks a hop ambiguous when its time is not after the previous hop\'s beyond the clock uncertainty', () => {
    const db = incident({
      a: { format: 'jsonl', events: [write(0, 'k', 5), send(1000, 'k', 5, 'b')] },
      // b logs the receipt at the very microsecond c logs the next one: equal timestamps
      // on two clocks cannot be ordered.
      b: { format: 'jsonl', events: [recv(1010, 'k', 5, 'a'), send(1010, 'k', 5, 'c')] },
      c: { format: 'jsonl', events: [recv(1010, 'k', 5, 'b'), send(3000, 'k', 5, 'd')] },
      d: { format: 'jsonl', events: [recv(3010, 'k', 5, 'c')] },
    });
    expect(propagation(db, '--key', 'k').hops.map((h: any) => `${h.from}>${h.to}:${h.ambiguous}`)).toEqual(['a>b:false', 'b>c:true', 'c>d:false']);
  });

  it('uses the skew bounds: hops closer than the uncertainty between two clocks are ambiguous', () => {
    // a and b exchange messages with 50 ms delays both ways: their offset is known to ±50 ms.
    const ping: Record<string, LogEvent[]> = { a: [], b: [] };
    for (let i = 0; i < 3; i++) {
      ping.a.push({ ts: at(i * 100), msg: 'gossip', key: `g${i}`, version: 1, to_node: 'b' });
      ping.b.push({ ts: at(i * 100 + 50), msg: 'gossip', key: `g${i}`, version: 1, from_node: 'a' });
      ping.b.push({ ts: at(i * 100 + 60), msg: 'gossip', key: `h${i}`, version: 1, to_node: 'a' });
      ping.a.push({ ts: at(i * 100 + 110), msg: 'gossip', key: `h${i}`, version: 1, from_node: 'b' });
    }
    const db = incident({
      a: { format: 'jsonl', events: [...ping.a, write(8000, 'x', 2), send(9000, 'x', 2, 'c'), recv(10_030, 'x', 2, 'b')] },
      // b did not log its send to a: no pair orders b's receipt before a's.
      b: { format: 'jsonl', events: [...ping.b, recv(10_000, 'x', 2, 'c')] },
      c: { format: 'jsonl', events: [recv(9010, 'x', 2, 'a'), send(9500, 'x', 2, 'b')] },
    });
    const skew = orderlineJson(['skew', '--db', db]).doc;
    expect(skew.reference).toBe('a');
    expect(skew.nodes).toEqual([
      { node: 'a', offset_ms: 0, lower_ms: 0, upper_ms: 0, pairs: 7, basis: 'reference', consistent: true },
      { node: 'b', offset_ms: 0, lower_ms: -50, upper_ms: 50, pairs: 7, basis: 'send_receive', consistent: true },
      // a → c: o(a) - o(c) <= 10; c → b → a: o(c) - o(a) <= 500 + 50.
      { node: 'c', offset_ms: 0, lower_ms: -10, upper_ms: 550, pairs: 2, basis: 'send_receive', consistent: true },
    ]);
    // c>b is logged by b at 10.000 s, b>a by a at 10.030 s: 30 ms apart, within ±50 ms.
    // a>c (c at 9.010 s) and c>b (b at 10.000 s) are 990 ms apart, beyond the 600 ms between c and b.
    expect(propagation(db, '--key', 'x').hops.map((h: any) => `${h.from}>${h.to}:${h.ambiguous}`)).toEqual(['a>c:false', 'c>b:false', 'b>a:true']);
  });

  it('gives the documents of many keys in one run (propagationForKeys; the saved query\'s keys parameter)', async () => {
    const db = incident({
      a: { format: 'jsonl', events: [write(0, 'k1', 1), send(10, 'k1', 1, 'b'), write(20, 'k2', 4), send(30, 'k2', 4, 'b'), send(40, 'k3', 1, 'b')] },
      b: { format: 'jsonl', events: [recv(15, 'k1', 1, 'a'), recv(35, 'k2', 4, 'a'), recv(45, 'k3', 1, 'a')] },
    });
    const handle = await openDatabase(db);
    try {
      const docs = await propagationForKeys(handle.conn, ['k2', 'k1', 'none']);
      expect(docs.map((d) => [d.key, d.origin?.node ?? null, d.hops.map((h) => `${h.from}>${h.to}`).join(' ')])).toEqual([
        ['k2', 'a', 'a>b'], ['k1', 'a', 'a>b'], ['none', null, ''],
      ]);
      expect((await propagationForKeys(handle.conn, null)).map((d) => d.key)).toEqual(['k1', 'k2', 'k3']);
      expect(await propagationForKeys(handle.conn, [])).toEqual([]);
    } finally {
      handle.close();
    }
    const r = orderline(['query', 'propagation', '--db', db, '--param', 'keys=["k1","k3"]', '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).map((h: any) => h.key)).toEqual(['k1', 'k3']);
  });

  it('needs --key (usage error, exit 2)', () => {
    const db = incident({ a: { format: 'jsonl', events: [write(0, 'k', 1)] } });
    const r = orderline(['propagation', '--db', db]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/needs --key/);
    expect(r.stdout).toBe('');
  });
});

interface Planted {
  nodes: Record<string, { events: LogEvent[]; format: LogFormat }>;
  hops: string[];
  origins: string[];
}

/**
 * 3–5 nodes in random formats, 1–3 keys, 1–2 versions per key: each version written on
 * a random origin and spread along a random tree, one hop a second, each hop logged by
 * both sides, the sender only or the receiver only. Distractors: writes that never move,
 * peer events without a version, versions of other keys.
 */
function generate(seed: number): Planted {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const names = Array.from({ length: 3 + Math.floor(rnd() * 3) }, (_, i) => `n${i + 1}`);
  const events: Record<string, LogEvent[]> = Object.fromEntries(names.map((x) => [x, []]));
  const hops: string[] = [];
  const origins: string[] = [];
  let clock = 0;
  const keys = 1 + Math.floor(rnd() * 3);
  for (let k = 1; k <= keys; k++) {
    const key = `key-${k}`;
    const versions = 1 + Math.floor(rnd() * 2);
    for (let v = 1; v <= versions; v++) {
      const origin = pick(names);
      clock += 1000;
      events[origin].push(write(clock, key, v));
      const have = [origin];
      const spread = 1 + Math.floor(rnd() * (names.length - 1));
      for (const to of names.filter((x) => x !== origin).sort(() => rnd() - 0.5).slice(0, spread)) {
        const from = pick(have);
        clock += 1000;
        const how = rnd();
        if (how < 0.6 || how >= 0.8) events[from].push(send(clock, key, v, to));
        if (how < 0.8) events[to].push(recv(clock + 10, key, v, from));
        have.push(to);
        hops.push(`${key}|${v}|${from}>${to}`);
      }
      origins.push(`${key}|${v}|${origin}`);
    }
    clock += 1000;
    events[pick(names)].push(write(clock, key, 99));              // a version that never moved
    events[pick(names)].push({ ts: at(clock + 1), msg: 'gossip round', key, peer: pick(names) });
  }
  const nodes = Object.fromEntries(names.map((x) => [x, { events: events[x], format: pick(LOG_FORMATS) }]));
  return { nodes, hops: hops.sort(), origins: origins.sort() };
}

describe('orderline propagation: generated incidents', () => {
  it('finds every planted hop and origin and nothing else (precision and recall 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const g = generate(seed);
        const db = incident(g.nodes);
        const keys = [...new Set(g.origins.map((o) => o.split('|')[0]))];
        const hops: string[] = [];
        const origins: string[] = [];
        for (const key of keys) {
          const doc = propagation(db, '--key', key);
          for (const h of doc.hops) hops.push(`${key}|${h.version}|${h.from}>${h.to}`);
          for (const o of doc.origins) origins.push(`${key}|${o.version}|${o.node}`);
          expect(doc.hops.every((h: any) => h.ambiguous === false)).toBe(true);
        }
        expect(hops.sort()).toEqual(g.hops);
        expect(origins.sort()).toEqual(g.origins);
      }),
      { numRuns: 5, endOnFailure: true },
    );
  });
});
