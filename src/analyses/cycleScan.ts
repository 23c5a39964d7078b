/**
 * Every cycle judged in one ordered pass. queries/cycle_eval.sql says what diverge computes —
 * for each candidate pair "X before Y" and each Y occurrence on a (key, node), whether an X came
 * since the previous Y — with an ASOF join per pair; at archive scale (millions of keyed events,
 * dozens of candidate pairs) that is tens of millions of joined rows. The same answer takes one
 * scan of the steps in each (key, node)'s order: keep the last position of every step; at a Y,
 * each of its candidate X's holds when its last position lies between the previous Y and this one.
 * Cost: events × (candidate pairs per step), linear in a key's cycles. DuckDB orders and numbers
 * the events (step_sequences.sql); this scan fills the same tables as cycle_eval.sql (ol_pair_stats,
 * ol_violations), which test/analyses.cycles.test.ts holds equal on generated incidents.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadRows } from '../db/load.js';
import { RowSpool } from '../db/rowSpool.js';
import { query } from '../db/rows.js';

interface Pair {
  id: number;
  x: number;
  y: number;
}

export interface Violation {
  pair_id: number;
  kn: number;
  break_pos: number;
  prev_pos: number | null;
  cycle: number;
  last_x_pos: number | null;
  resolved_pos: number | null;
}

/**
 * Scans ol_ev (step_sequences.sql) for the pairs of ol_pairs; fills ol_pair_stats and
 * ol_violations. A pair that can be no invariant breaks often (half of its Y's, for steps run in
 * either order): its violations are kept only while they number fewer than `maxShare` of its
 * Y occurrences, beyond which it cannot reach the confidence asked (first_breaks.sql reads only
 * the violations of invariants). Of a (key, node) where X never ran, only the first violation is
 * kept: the rest belong to the same finding. Violations go to a temp file (db/rowSpool.ts) as each
 * (key, node) ends, then into DuckDB, so JavaScript holds one (key, node)'s at a time, not the
 * archive's (millions of keys where X never ran make millions of violations); the forgotten pairs'
 * are deleted at the end.
 */
export async function scanCycles(conn: DuckDBConnection, opts: { maxShare: number }): Promise<void> {
  const pairs: Pair[] = (await query(conn, 'SELECT pair_id, x_step, y_step FROM ol_pairs ORDER BY pair_id')).rows
    .map((r) => ({ id: Number(r.pair_id), x: Number(r.x_step), y: Number(r.y_step) }));
  const maxStep = Number((await query(conn, 'SELECT coalesce(max(step_id), 0) AS m FROM ol_step_ids')).rows[0].m);
  const nodes = (await query(conn, 'SELECT DISTINCT node_id, node FROM ol_kn')).rows;
  const nodeName = new Map(nodes.map((r) => [Number(r.node_id), String(r.node)]));

  const byY: number[][] = Array.from({ length: maxStep + 1 }, () => []);
  const byX: number[][] = Array.from({ length: maxStep + 1 }, () => []);
  pairs.forEach((p, i) => {
    byY[p.y].push(i);
    byX[p.x].push(i);
  });
  // the most violations a pair can have and still be an invariant
  const yTotal = new Map((await query(conn, 'SELECT step_id, sum(n) AS n FROM ol_steps GROUP BY 1')).rows.map((r) => [Number(r.step_id), Number(r.n)]));
  const cap = pairs.map((p) => Math.ceil(opts.maxShare * (yTotal.get(p.y) ?? 0)) + 1);
  const kept = new Int32Array(pairs.length);
  const record = pairs.map(() => true);

  // per (key, node) state, reset through the lists of what was touched
  const last = new Int32Array(maxStep + 1).fill(-1);
  const touchedSteps: number[] = [];
  const yCount = new Int32Array(pairs.length);
  const held = new Int32Array(pairs.length);
  const touchedPairs: number[] = [];
  const pending: Violation[][] = pairs.map(() => []);
  const pendingPairs: number[] = [];
  // per (pair, node): support and broken
  const support = new Map<number, Float64Array>();
  const broken = new Map<number, Float64Array>();
  // no statement may run on conn while the scan streams: violations wait in a temp file
  const sink = new RowSpool({
    pair_id: 'INTEGER', kn: 'INTEGER', break_pos: 'INTEGER', prev_pos: 'INTEGER', cycle: 'BIGINT', last_x_pos: 'INTEGER', resolved_pos: 'INTEGER',
  });
  const keep = (v: Violation) => sink.add([v.pair_id, v.kn, v.break_pos, v.prev_pos, v.cycle, v.last_x_pos, v.resolved_pos]);

  let kn = -1;
  let node = -1;
  const finish = () => {
    for (const i of touchedPairs) {
      if (last[pairs[i].x] >= 0) {
        let s = support.get(node);
        if (!s) support.set(node, (s = new Float64Array(pairs.length)));
        let b = broken.get(node);
        if (!b) broken.set(node, (b = new Float64Array(pairs.length)));
        s[i] += yCount[i];
        b[i] += yCount[i] - held[i];
      }
      yCount[i] = 0;
      held[i] = 0;
    }
    touchedPairs.length = 0;
    for (const i of pendingPairs) {
      const list = pending[i];
      pending[i] = [];
      if (!record[i]) continue;
      if (last[pairs[i].x] < 0) {
        // X never ran on this (key, node): one finding, from its first Y (the rest add nothing)
        keep(list[0]);
        continue;
      }
      kept[i] += list.length;
      if (kept[i] > cap[i]) {
        record[i] = false; // too many to be an invariant: forget them
        continue;
      }
      for (const v of list) keep(v);
    }
    pendingPairs.length = 0;
    for (const s of touchedSteps) last[s] = -1;
    touchedSteps.length = 0;
  };

  const scan = async () => {
    const result = await conn.stream('SELECT e.kn, e.pos, e.step_id, k.node_id FROM ol_ev e JOIN ol_kn k USING (kn) ORDER BY e.kn, e.pos, e.step_id');
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const [kns, poss, stepIds, nodeIds] = chunk.getColumns() as number[][];
      for (let r = 0; r < chunk.rowCount; r++) {
        if (kns[r] !== kn) {
          if (kn >= 0) finish();
          kn = kns[r];
          node = nodeIds[r];
        }
        const pos = poss[r];
        const step = stepIds[r];
        // X of some pairs: it resolves their violations before it
        for (const i of byX[step]) {
          const list = pending[i];
          for (const v of list) if (v.resolved_pos === null && v.break_pos < pos) v.resolved_pos = pos;
        }
        // Y of some pairs: does an X lie since the previous Y?
        const prev = last[step];
        const ys = byY[step];
        for (let j = 0; j < ys.length; j++) {
          const i = ys[j];
          if (yCount[i] === 0 && held[i] === 0) touchedPairs.push(i);
          const k = ++yCount[i];
          const lx = last[pairs[i].x];
          if (lx >= 0 && lx > prev && lx < pos) {
            held[i]++;
          } else if (record[i]) {
            if (pending[i].length === 0) pendingPairs.push(i);
            pending[i].push({ pair_id: pairs[i].id, kn, break_pos: pos, prev_pos: prev < 0 ? null : prev, cycle: k, last_x_pos: lx < 0 ? null : lx, resolved_pos: null });
          }
        }
        if (last[step] < 0) touchedSteps.push(step);
        last[step] = pos;
      }
    }
    if (kn >= 0) finish();
  };
  try {
    await scan();
  } catch (e) {
    sink.discard();
    throw e;
  }
  await sink.loadInto(conn, 'ol_violations');

  const stats: Record<string, unknown>[] = [];
  for (const [n, s] of support) {
    const b = broken.get(n)!;
    pairs.forEach((p, i) => {
      if (s[i] > 0 || b[i] > 0) stats.push({ pair_id: p.id, node: nodeName.get(n), support: s[i], broken: b[i] });
    });
  }
  await loadRows(conn, 'ol_pair_stats', { pair_id: 'INTEGER', node: 'VARCHAR', support: 'BIGINT', broken: 'BIGINT' }, stats);
  const forgotten = pairs.filter((_, i) => !record[i]).map((p) => p.id);
  if (forgotten.length > 0) await conn.run(`DELETE FROM ol_violations WHERE pair_id IN (${forgotten.join(', ')})`);
}
