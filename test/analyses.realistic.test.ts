/**
 * Logs as real archives are (issue 10): free-text messages, no key/op/phase fields, every key
 * worked several times, the same messages through different envelopes on different nodes,
 * noise (compaction, GC, gossip naming nodes, counters), stack traces and garbage lines. With no
 * definition and no option, over many seeds of samples/realistic.ts: every planted break is
 * found and nothing else (precision = recall = 1), each with its exact evidence (break line,
 * pending lines, resolved time); the steps healthy nodes run in either order are no invariant.
 *
 * ORDERLINE_REALISTIC_SEEDS=200 runs more seeds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { anomalies } from '../src/analyses/anomalies.js';
import { diverge } from '../src/analyses/diverge.js';
import { propagationForKeys } from '../src/analyses/propagation.js';
import { openDatabase } from '../src/db/database.js';
import { loadFormats } from '../src/formats.js';
import { runInference, useInference, type SampleAbove } from '../src/infer/infer.js';
import { query } from '../src/db/rows.js';
import { ingestIntoDatabase } from '../src/ingest.js';
import { TimeZone } from '../src/normalize/timestamp.js';
import { dateLogsAfter, randomRealisticSpec, writeRealistic, type RealisticExpected } from '../samples/realistic.js';
import { tempDir } from './helpers/cli.js';

const tmp = tempDir('orderline-realistic-');
afterAll(() => tmp.cleanup());

const SEEDS = Number(process.env.ORDERLINE_REALISTIC_SEEDS ?? 16);
const seeds = Array.from({ length: SEEDS }, (_, i) => 1009 + i * 7919);
const ms = (t: string | null | undefined) => (t ? new Date(t).toISOString() : null);

interface Analysed {
  expected: RealisticExpected;
  dir: string;
  doc: Awaited<ReturnType<typeof diverge>>;
  low: Awaited<ReturnType<typeof anomalies>>;
  moved: Awaited<ReturnType<typeof propagationForKeys>>;
  envelopes: string;
}

async function analyse(seed: number, sampleAbove?: SampleAbove): Promise<Analysed> {
  const spec = randomRealisticSpec(seed);
  const dir = join(tmp.dir, `seed-${seed}${sampleAbove ? '-sampled' : ''}`);
  const expected = writeRealistic(spec, dir);
  dateLogsAfter(spec, expected, dir);
  const db = join(dir, 'incident.duckdb');
  const formats = await loadFormats();
  // sampled: the inference is made here (not stored by the ingest), with the thresholds lowered
  const ing = await ingestIntoDatabase(db, [join(dir, 'logs')], { formats, zone: TimeZone.utc(), maxLineBytes: 1 << 20 }, undefined, { infer: !sampleAbove });
  expect(ing.sources.filter((s) => s.error)).toEqual([]);
  const conn = await openDatabase(db, { mode: 'read' });
  try {
    const made = await useInference(conn.conn, { enabled: true, sampleAbove });
    if (sampleAbove) {
      expect(made?.fresh).toBe(true);
      expect(made!.sampled.slots, 'identifier slots compared on samples').toBeGreaterThan(0);
      expect(made!.sampled.operations, 'operations ranked on samples').toBeGreaterThan(0);
    }
    const doc = await diverge(conn.conn, {});
    const low = await anomalies(conn.conn, {});
    const moved = await propagationForKeys(conn.conn, null);
    return { expected, dir, doc, low, moved, envelopes: spec.nodes.map((n) => n.envelope).join(', ') };
  } finally {
    conn.close();
  }
}

describe('free-text incidents (samples/realistic.ts), no definition, no option', () => {
  it.each(seeds)('seed %i: every planted break and nothing else, with its exact evidence', async (seed) => {
    check(await analyse(seed));
  });
});

// A large archive's statistics are taken on hashed samples (infer_slots.sql, infer_order.sql): with
// the thresholds lowered, the sampled paths run on these small incidents and must give the same answers.
describe('the same incidents with the inference statistics sampled', () => {
  it.each(seeds.slice(0, 6))('seed %i: the same findings, anomalies and hops', async (seed) => {
    check(await analyse(seed, { values: 150, events: 1500 }));
  });
});

// A log where nearly every message is a template of its own (word salad: what the benchmark corpus
// writes, 38 M raw templates at 10 GB) must not take the inference down: only the most frequent
// max_templates raw templates are merged and judged; the incident's own steps are among them.
describe('a free-text incident beside a log whose every message is its own template', () => {
  it('the most frequent raw templates are judged, the rest left out, and every planted break is still found', async () => {
    const seed = seeds[0];
    const spec = randomRealisticSpec(seed);
    const dir = join(tmp.dir, `seed-${seed}-salad`);
    const expected = writeRealistic(spec, dir);
    dateLogsAfter(spec, expected, dir);
    const words = ['replica', 'filter', 'timeout', 'cache', 'repair', 'memtable', 'hint', 'flushed', 'digest', 'tombstone', 'coordinator', 'streaming'];
    const rnd = (() => { let x = 7; return () => (x = (x * 48271) % 2147483647) / 2147483647; })();
    const salad = Array.from({ length: 3000 }, (_, i) => JSON.stringify({
      ts: new Date(Date.parse(spec.start) + i).toISOString(), node: 'salad', level: 'INFO',
      msg: Array.from({ length: 9 }, () => words[Math.floor(rnd() * words.length)]).join(' '),
    }));
    mkdirSync(join(dir, 'logs', 'salad'), { recursive: true });
    writeFileSync(join(dir, 'logs', 'salad', 'salad.jsonl'), `${salad.join('\n')}\n`);
    const db = join(dir, 'incident.duckdb');
    const formats = await loadFormats();
    await ingestIntoDatabase(db, [join(dir, 'logs')], { formats, zone: TimeZone.utc(), maxLineBytes: 1 << 20 }, undefined, { infer: false });
    const conn = await openDatabase(db, { mode: 'write' });
    try {
      const made = await runInference(conn.conn, { store: true, maxTemplates: 1000 });
      expect(made.templatesLeftOut).toBeGreaterThan(1500);
      const state = await query(conn.conn, 'SELECT templates_left_out FROM inference_state');
      expect(Number(state.rows[0].templates_left_out)).toBe(made.templatesLeftOut);
      await useInference(conn.conn, { enabled: true });
      const doc = await diverge(conn.conn, {});
      expect(doc.findings.map((f) => `${f.key} ${f.node} ${f.first_break.line}`).sort())
        .toEqual(expected.findings.map((f) => `${f.key} ${f.node} ${f.first_break.line}`).sort());
    } finally {
      conn.close();
    }
  });
});

function check({ expected, dir, doc, low, moved, envelopes }: Analysed): void {
  {
    const at = (source: string) => join(dir, source);
    const got = doc.findings.map((f) => ({ key: f.key, node: f.node, source: f.first_break.source, line: f.first_break.line }));
    const want = expected.findings.map((f) => ({ key: f.key, node: f.node, source: at(f.first_break.source), line: f.first_break.line }));
    const order = (a: { key: string; line: number }, b: { key: string; line: number }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.line - b.line);
    expect(got.sort(order), `envelopes ${envelopes}`).toEqual(want.sort(order));
    for (const f of expected.findings) {
      const g = doc.findings.find((x) => x.key === f.key && x.node === f.node && x.first_break.line === f.first_break.line)!;
      expect(g.pending.map((p) => `${p.source}:${p.line}`), `pending of ${f.key}`).toEqual(f.pending.map((p) => `${at(p.source)}:${p.line}`));
      expect(g.pending.map((p) => ms(p.resolved_ts))).toEqual(f.pending.map((p) => ms(p.resolved_ts)));
      expect(g.resolved && { source: g.resolved.source, line: g.resolved.line, ts: ms(g.resolved.ts) })
        .toEqual({ source: at(f.resolved.source), line: f.resolved.line, ts: ms(f.resolved.ts) });
      expect(g.cycle).toBe(f.cycle);
      expect(g.first_break.ts && ms(g.first_break.ts)).toBe(ms(f.first_break.ts));
    }
    // the steps run in either order are in no invariant, on either side
    const either = expected.notInvariants.map((t) => t.replaceAll('<*>', '').trim());
    const touches = (op: string | null) => either.some((t) => (op ?? '').replaceAll('<*>', '').trim() === t);
    expect(doc.invariants.filter((i) => touches(i.before.op) && touches(i.after.op))).toEqual([]);

    // state-volume anomalies: exactly the planted low counts (the broken node's `Initialized`, each
    // raced write's "written from"), each below the count every other node agreed on; the noise
    // counters (compactions, GC pauses, bytes, queue depths) never
    const lows = low.anomalies.map((a) => ({ node: a.node, source: a.source, line: a.line, count: a.count, consensus: a.consensus?.count }));
    const planted = expected.anomalies.map((a) => ({ node: a.node, source: at(a.source), line: a.line, count: a.count, consensus: a.peer_count }));
    const byLine = (a: { source: string; line: number }, b: { source: string; line: number }) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.line - b.line);
    expect(lows.sort(byLine), `envelopes ${envelopes}`).toEqual(planted.sort(byLine));
    for (const a of expected.anomalies.filter((x) => x.key !== null)) {
      const g = low.anomalies.find((x) => x.line === a.line && x.source === at(a.source))!;
      expect(g.aligned_by).toBe('key_occurrence');
      expect(g.key).toBe(a.key);
    }

    // propagation from free-text repair lines (`sent <key> version N to rX` / `received … from rY`):
    // every planted hop, with its version and both of its lines, and no other
    const hops = moved.flatMap((p) => p.hops.map((h) => ({
      key: p.key, from: h.from, to: h.to, version: h.version,
      sent: h.sent && `${h.sent.source}:${h.sent.line}`, received: h.received && `${h.received.source}:${h.received.line}`,
    })));
    const plantedHops = expected.hops.map((h) => ({
      key: h.key, from: h.from, to: h.to, version: h.version,
      sent: `${at(h.sent.source)}:${h.sent.line}`, received: `${at(h.received.source)}:${h.received.line}`,
    }));
    const byHop = (a: { key: string; to: string }, b: { key: string; to: string }) => (a.key + a.to < b.key + b.to ? -1 : a.key + a.to > b.key + b.to ? 1 : 0);
    expect(hops.sort(byHop), `envelopes ${envelopes}`).toEqual(plantedHops.sort(byHop));
  }
}
