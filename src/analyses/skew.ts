/**
 * Clock skew (contract §5, `orderline skew`): per-node clock offsets relative to a
 * reference node, with bounds, from causal pairs (queries/skew_pairs.sql has the model);
 * `apply` also fills `events.ts_corrected` (queries/apply_skew.sql). `orderAmbiguous`
 * tells whether two events on different nodes can be ordered by their timestamps given
 * those bounds; in SQL the same test is the macro `order_ambiguous(node_a, ts_a, node_b, ts_b)`
 * that skew_pairs.sql defines.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { query } from '../db/rows.js';
import { UsageError } from '../errors.js';
import { useInference } from '../infer/infer.js';
import { loadSavedQuery, runSavedQuery } from '../queries/savedQuery.js';
import { skewDoc, type SkewDoc } from './shapes.js';

export interface SkewOptions {
  /** The reference node (default: the node with most pairs; ties by name). */
  reference?: string;
  /** Fill events.ts_corrected and keep the estimates in table clock_skew. */
  apply?: boolean;
  /** With apply: also apply offsets that rest on shared causal ids only (default false). */
  includeCausal?: boolean;
}

type NodeSkew = SkewDoc['nodes'][number];

export async function skew(conn: DuckDBConnection, options: SkewOptions = {}): Promise<SkewDoc> {
  let rows;
  if (options.apply) {
    // The pairs are read through the inference view; the update must reach the stored table,
    // which the view of the same name shadows: drop the view for apply_skew.sql, then make it again.
    await runSavedQuery(conn, loadSavedQuery('skew_pairs'), { reference: options.reference ?? null });
    const shadowed = Number((await query(conn, "SELECT count(*) AS n FROM duckdb_views() WHERE view_name = 'events' AND temporary")).rows[0].n) > 0;
    if (shadowed) await conn.run('DROP VIEW temp.main.events');
    rows = (await runSavedQuery(conn, loadSavedQuery('apply_skew'), { reference: options.reference ?? null, include_causal: options.includeCausal ? 'true' : null },
      { skipRequired: true })).rows;
    if (shadowed) await useInference(conn, { enabled: true });
  } else {
    rows = (await runSavedQuery(conn, loadSavedQuery('skew_pairs'), { reference: options.reference ?? null })).rows;
  }
  const nodes: NodeSkew[] = rows.map((r) => ({
    node: r.node as string,
    offset_ms: num(r.offset_ms),
    lower_ms: num(r.lower_ms),
    upper_ms: num(r.upper_ms),
    pairs: Number(r.pairs),
    basis: (r.basis as NodeSkew['basis']) ?? null,
    consistent: (r.consistent as boolean | null) ?? null,
    ...(options.apply ? { applied: r.applied === true } : {}),
  }));
  const reference = (rows[0]?.reference as string | null | undefined) ?? null;
  if (options.reference !== undefined && reference !== options.reference) {
    throw new UsageError(`--reference: no node named "${options.reference}" in the events`);
  }
  // skew_bounds is the temp table the query just made (small: node pairs).
  const between = (await query(conn,
    'SELECT a, b, lower_us / 1000.0 AS lower_ms, upper_us / 1000.0 AS upper_ms FROM skew_bounds WHERE a <> b ORDER BY a, b')).rows
    .map((r) => ({ a: r.a as string, b: r.b as string, lower_ms: num(r.lower_ms), upper_ms: num(r.upper_ms) }));
  return skewDoc.parse({ reference, nodes, between, ...(options.apply ? { applied: true } : {}) });
}

export interface TimedEvent {
  node: string;
  /** ISO-8601 UTC text or epoch milliseconds. */
  ts: string | number;
}

/**
 * True when the order of `a` and `b` (on different nodes) cannot be told from their
 * timestamps: corrected, they may be equal for some offsets within the bounds, i.e.
 * ts(a) − ts(b) lies within the bounds of offset(b) − offset(a). Where the pairs prove
 * nothing, timestamps are taken at face value: nodes linked by no pair have bounds [0, 0]
 * (only equal timestamps are ambiguous), and an open side of a bound is 0 (or the other
 * bound, when that excludes 0). Events on the same node are never ambiguous (one clock).
 * The same test as the SQL macro order_ambiguous.
 */
export function orderAmbiguous(doc: SkewDoc, a: TimedEvent, b: TimedEvent): boolean {
  if (a.node === b.node) return false;
  const diff = ms(a.ts) - ms(b.ts);
  if (Number.isNaN(diff)) return false;
  const k = doc.between?.find((x) => x.a === a.node && x.b === b.node);
  const lower = k ? (k.lower_ms ?? Math.min(k.upper_ms ?? 0, 0)) : 0;
  const upper = k ? (k.upper_ms ?? Math.max(k.lower_ms ?? 0, 0)) : 0;
  return lower <= diff && diff <= upper;
}

function ms(ts: string | number): number {
  return typeof ts === 'number' ? ts : Date.parse(ts);
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}
