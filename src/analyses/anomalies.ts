/**
 * Lower-count anomalies (contract §5, `orderline anomalies`): runs queries/lower_counts.sql
 * and shapes its rows into the anomalies document. The rules (strictly below the consensus
 * of the other nodes at the same logical phase, for messages whose nodes agree) are in
 * that file's header.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadSavedQuery, runSavedQuery } from '../queries/savedQuery.js';
import { anomaliesDoc, type AnomaliesDoc, type Anomaly } from './shapes.js';

export interface AnomaliesOptions {
  /** Other nodes that must have logged a phase before a node is judged there (default 2). */
  minPeers?: number;
  /** Relative shortfall below the consensus needed to report (default 0: any). */
  minGap?: number;
  /** Share of a template's phases where its nodes reach a consensus, for it to be judged (default 0.8). */
  minAgreement?: number;
}

export async function anomalies(conn: DuckDBConnection, options: AnomaliesOptions = {}): Promise<AnomaliesDoc> {
  const rows = await runSavedQuery(conn, loadSavedQuery('lower_counts'), {
    min_peers: options.minPeers ?? null,
    min_gap: options.minGap ?? null,
    min_agreement: options.minAgreement ?? null,
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
    aligned_by: r.aligned_by as NonNullable<Anomaly['aligned_by']>,
    seq: r.seq === null ? null : Number(r.seq),
    key: (r.key as string | null) ?? null,
    consensus: { count: Number(r.consensus_count), nodes: Number(r.consensus_nodes), of: Number(r.other_nodes) },
    template_agreement: { share: Number(r.template_agreement), phases: Number(r.template_phases) },
  }));
  return anomaliesDoc.parse({ anomalies: list });
}

function numbers(obj: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(obj)) out[k] = Number(obj[k]);
  return out;
}
