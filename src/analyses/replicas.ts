/**
 * `replicas`: loads raw per-replica dumps into replica_state and classifies every key
 * (agree / one_differs / all_differ) with queries/replica_divergence.sql; shapes the
 * rows into the replicasDoc of shapes.ts.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { query as runSql, timestampText, type Row } from '../db/rows.js';
import { sqlString } from '../db/sqlText.js';
import { loadSavedQuery, runSavedQuery } from '../queries/savedQuery.js';
import { loadDumps, type DumpLoadResult } from '../replicas/loadDumps.js';
import type { ReplicasDoc } from './shapes.js';

export interface ReplicasOptions {
  /** Dumps to load first (replica = file stem); none: classify what replica_state holds. */
  dumps?: readonly string[];
  /** Told about each dump loaded or skipped. */
  onLoad?: (r: DumpLoadResult) => void;
}

/** JSON object with its keys sorted, so output is stable whatever order DuckDB aggregated in. */
function sortedObject<T>(o: unknown): Record<string, T> {
  const src = (o ?? {}) as Record<string, T>;
  return Object.fromEntries(Object.keys(src).sort().map((k) => [k, src[k]]));
}

export async function replicas(conn: DuckDBConnection, options: ReplicasOptions = {}): Promise<ReplicasDoc> {
  for (const r of await loadDumps(conn, options.dumps ?? [])) options.onLoad?.(r);
  const res = await runSavedQuery(conn, loadSavedQuery('replica_divergence'));
  const first = res.rows[0];
  const doc: ReplicasDoc = {
    summary: {
      agree: Number(first?.n_agree ?? 0),
      one_differs: Number(first?.n_one_differs ?? 0),
      all_differ: Number(first?.n_all_differ ?? 0),
    },
    keys: [],
  };
  for (const r of res.rows) if (r.key !== null) doc.keys.push(keyOf(r));
  return doc;
}

function keyOf(r: Row): ReplicasDoc['keys'][number] {
  return {
    key: String(r.key),
    class: r.class as ReplicasDoc['keys'][number]['class'],
    odd_replica: r.odd_replica === null ? null : String(r.odd_replica),
    values: sortedObject<string | null>(r.values),
    versions: sortedObject<number | null>(r.versions),
    writetimes: Object.fromEntries(Object.entries(sortedObject<string | null>(r.writetimes)).map(([k, v]) => [k, v === null ? null : timestampText(v)])),
    evidence: sortedObject<string | null>(r.evidence),
  };
}

/**
 * The classification of these keys whatever their class, `agree` included (the document lists
 * only the others): what the containment reasoning needs to tell "every replica agrees" from
 * "no replica was dumped". Reads the temp table replicas() leaves (run it first in the session).
 */
export async function replicaKeysOf(conn: DuckDBConnection, keys: readonly string[]): Promise<ReplicasDoc['keys']> {
  if (keys.length === 0) return [];
  const made = await runSql(conn, "SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = 'ol_replica_classes' AND temporary");
  if (Number(made.rows[0].n) === 0) return [];
  const list = keys.map(sqlString).join(', ');
  const res = await runSql(conn, `SELECT key, class, odd_replica, "values", versions, writetimes, evidence FROM ol_replica_classes WHERE key IN (${list}) ORDER BY key`);
  return res.rows.map(keyOf);
}
