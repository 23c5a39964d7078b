/**
 * Lower-count anomalies (contract §5, `orderline anomalies`): runs queries/lower_counts.sql
 * and shapes its rows into the anomalies document. The rules (strictly below the median
 * of the other nodes' counts at the same logical phase; at least `minPeers` others) are
 * in that file's header.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadSavedQuery, runSavedQuery } from '../queries/savedQuery.js';
import { anomaliesDoc, type AnomaliesDoc, type Anomaly } from './shapes.js';

export interface AnomaliesOptions {
  /** Other nodes that must have logged a phase before a node is judged there (default 2). */
  minPeers?: number;
  /** Relative shortfall below the peers' median needed to report (default 0: any). */
  minGap?: number;
}

export async function anomalies(conn: DuckDBConnection, options: AnomaliesOptions = {}): Promise<AnomaliesDoc> {
  const rows = await runSavedQuery(conn, loadSavedQuery('lower_counts'), {
    min_peers: options.minPeers ?? null,
    min_gap: options.minGap ?? null,
  });
  const list: Anomaly[] = rows.rows.map((r) => ({
    node: r.node as string,
    template: r.template as string,
    phase_index: Number(r.phase_index),
    count: Number(r.count),
    peer_median: Number(r.peer_median),
    peers: numbers(r.peers as Record<string, unknown>),
    source: r.source as string,
    line: Number(r.line),
    ts: (r.ts as string | null) ?? null,
    count_unit: (r.count_unit as string | null) ?? null,
    aligned_by: r.aligned_by as 'seq' | 'occurrence',
    seq: r.seq === null ? null : Number(r.seq),
  }));
  return anomaliesDoc.parse({ anomalies: list });
}

function numbers(obj: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(obj)) out[k] = Number(obj[k]);
  return out;
}
