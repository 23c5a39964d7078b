/**
 * Generated incidents (samples/incident.ts) with random seeds, 2–6 nodes and a format per node:
 * every planted race and odd replica is found with its exact evidence, and nothing else is
 * reported (precision and recall 1). Seeds: a fixed few plus one new per run (printed in the
 * test name; rerun one with ORDERLINE_SEED=N).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateIncident, randomSpec } from '../samples/incident.js';
import { orderline, orderlineJson, tempDir } from './helpers/cli.js';

const tmp = tempDir('orderline-generated-');
afterAll(() => tmp.cleanup());

const fresh = Number(process.env.ORDERLINE_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SEEDS = [1, 7, 42, 2026, fresh];

describe('generated incidents: precision and recall 1', () => {
  for (const seed of SEEDS) {
    const spec = randomSpec(seed);
    it(`seed ${seed}: ${spec.nodes.length} nodes (${spec.nodes.map((n) => `${n.format}${n.seq ? '+seq' : ''}`).join(', ')}), ${spec.races.map((r) => `race:${r.variant}`).join(" ")}, ${spec.oddReplicas.length} odd replica(s)`, () => {
      const { files, expected } = generateIncident(spec);
      const dir = join(tmp.dir, `seed-${seed}`);
      for (const [rel, text] of files) {
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        writeFileSync(join(dir, rel), text);
      }
      const db = join(dir, 'incident.duckdb');
      const ing = orderlineJson(['ingest', 'logs', '--db', db], { cwd: dir });
      expect(ing.status, ing.stderr).toBe(0);
      expect(ing.doc.rejected).toBe(0);
      expect(new Set(ing.doc.sources.map((s: any) => s.node))).toEqual(new Set(spec.nodes.map((n) => n.name)));

      // breaks: one per planted race, with its evidence; the races may share an invariant,
      // so the confidence threshold allows three breaks among 120 instances
      const div = orderlineJson(['diverge', '--db', db, '--min-confidence', '0.95']);
      expect(div.status).toBe(0);
      const found = div.doc.findings.map((f: any) => ({
        key: f.key, node: f.node, first_break: f.first_break, missing: f.missing, pending: f.pending, window: f.window, healthy_node: f.healthy_node,
      }));
      expect(found).toEqual(expected.findings);

      // replicas: every non-agreeing key, its class and its odd replica
      const dumps = readdirSync(join(dir, 'replicas')).map((f) => `replicas/${f}`);
      const rep = orderlineJson(['replicas', ...dumps, '--db', db], { cwd: dir });
      expect(rep.status).toBe(0);
      expect(rep.doc.summary).toEqual(expected.replicas.summary);
      expect(rep.doc.keys.map((k: any) => ({ key: k.key, class: k.class, odd_replica: k.odd_replica, values: k.values }))).toEqual(expected.replicas.keys);
      for (const o of spec.oddReplicas) {
        expect(rep.doc.keys.some((k: any) => k.key === o.key && (k.odd_replica === o.replica || k.class === 'all_differ'))).toBe(true);
      }

      // the timeline of the first race lines the racing node up against its healthy node
      const f = expected.findings[0];
      const tl = orderline(['timeline', '--key', f.key, '--db', db, '--min-confidence', '0.95', '--json']);
      expect(tl.status).toBe(0);
      const doc = JSON.parse(tl.stdout);
      expect([doc.node, doc.vs]).toEqual([f.node, f.healthy_node]);
    });
  }
});
