/**
 * `affected`: the containment list, keys × node × window, gathered from the documents of
 * the other analyses (no SQL of its own: it only merges their findings):
 * - diverge: each finding's (key, node) with its window, reason `diverge: …`;
 * - replicas: a one_differs key's odd replica, and every replica of an all_differ key, with
 *   that replica's writetime (if dumped) as start, reason `replicas: …`;
 * - propagation: each hop's receiving node for the doc's key, from the hop's time, reason `propagation: …`.
 * One row per (key, node): start = earliest start, end = latest end, reasons joined by "; ".
 * Sorted by key, then node.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { diverge, type DivergeOptions } from './diverge.js';
import { replicas } from './replicas.js';
import { stepText } from './stepText.js';
import type { AffectedDoc, AffectedRow, DivergeDoc, PropagationDoc, ReplicasDoc } from './shapes.js';

export interface AffectedInputs {
  diverge?: DivergeDoc | null;
  replicas?: ReplicasDoc | null;
  /** Zero or more `propagation --key K` documents. */
  propagation?: readonly PropagationDoc[] | null;
}

const minTs = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a < b ? a : b);
const maxTs = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a > b ? a : b);

export function affected(inputs: AffectedInputs): AffectedRow[] {
  const rows = new Map<string, AffectedRow & { reasons: string[] }>();
  const add = (key: string, node: string, start: string | null, end: string | null, reason: string) => {
    const id = JSON.stringify([key, node]);
    const r = rows.get(id);
    if (!r) {
      rows.set(id, { key, node, start, end, reasons: [reason] });
      return;
    }
    r.start = minTs(r.start, start);
    r.end = maxTs(r.end, end);
    if (!r.reasons.includes(reason)) r.reasons.push(reason);
  };
  for (const f of inputs.diverge?.findings ?? []) {
    add(f.key, f.node, f.window.start, f.window.end,
      `diverge: ${stepText(f.first_break)} before ${stepText(f.missing)} at ${f.first_break.source}:${f.first_break.line}`);
  }
  for (const k of inputs.replicas?.keys ?? []) {
    const wt = (replica: string) => k.writetimes?.[replica] ?? null;
    if (k.class === 'one_differs' && k.odd_replica !== null) {
      add(k.key, k.odd_replica, wt(k.odd_replica), null, `replicas: one_differs, odd replica (value ${JSON.stringify(k.values[k.odd_replica] ?? null)})`);
    } else if (k.class === 'all_differ') {
      for (const replica of Object.keys(k.values)) add(k.key, replica, wt(replica), null, 'replicas: all_differ');
    }
  }
  for (const doc of inputs.propagation ?? []) {
    for (const h of doc.hops) {
      add(doc.key, h.to, h.ts, null, `propagation: received version ${h.version ?? '?'} from ${h.from} at ${h.source}:${h.line}`);
    }
  }
  return [...rows.values()]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.node < b.node ? -1 : a.node > b.node ? 1 : 0))
    .map(({ reasons, ...r }) => ({ ...r, reason: reasons.join('; ') }));
}

export interface AffectedOptions extends Pick<DivergeOptions, 'expect' | 'minSupport' | 'minConfidence'> {
  propagation?: readonly PropagationDoc[];
}

/** Runs diverge and the replica classification on the database, then merges them with the propagation docs. */
export async function affectedReport(conn: DuckDBConnection, options: AffectedOptions = {}): Promise<AffectedDoc> {
  const { propagation, ...divergeOptions } = options;
  return {
    affected: affected({ diverge: await diverge(conn, divergeOptions), replicas: await replicas(conn), propagation }),
  };
}
