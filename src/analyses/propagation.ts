/**
 * Propagation (contract §5, `orderline propagation --key K`): the hops a key's value
 * versions took between nodes, and each version's origin. Runs queries/propagation.sql
 * (which first runs queries/skew_pairs.sql, for the ambiguity flags) and groups its rows
 * by key into propagation documents.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Row } from '../db/rows.js';
import { loadSavedQuery, runSavedQuery } from '../queries/savedQuery.js';
import { propagationDoc, type PropagationDoc } from './shapes.js';

export interface PropagationOptions {
  /** Report the origin of this version (default: the version with most hops; ties: the highest). */
  version?: number;
}

export interface KeyPropagationOptions extends PropagationOptions {
  /** The entity key to follow. */
  key: string;
}

type Hop = PropagationDoc['hops'][number];
type Origin = NonNullable<PropagationDoc['origins']>[number];

/** The propagation document of one key (no hops: origin null, hops empty). */
export async function propagation(conn: DuckDBConnection, options: KeyPropagationOptions): Promise<PropagationDoc> {
  const [doc] = await propagationForKeys(conn, [options.key], options);
  return doc;
}

/**
 * Propagation documents for many keys in one run of the query (for `affected` and
 * `investigate`): the given keys, in that order (each gets a document, empty when it
 * never moved), or with `keys` null every key that moved, in key order.
 */
export async function propagationForKeys(
  conn: DuckDBConnection, keys: readonly string[] | null, options: PropagationOptions = {},
): Promise<PropagationDoc[]> {
  if (keys !== null && keys.length === 0) return [];
  const params = keys === null ? {} : keys.length === 1 ? { key: keys[0] } : { keys: JSON.stringify(keys) };
  const rows = (await runSavedQuery(conn, loadSavedQuery('propagation'), params)).rows;
  const byKey = new Map<string, Row[]>();
  for (const r of rows) {
    const k = r.key as string;
    let list = byKey.get(k);
    if (list === undefined) byKey.set(k, (list = []));
    list.push(r);
  }
  const wanted = keys ?? [...byKey.keys()].sort();
  return wanted.map((k) => toDoc(k, byKey.get(k) ?? [], options));
}

function toDoc(key: string, rows: Row[], options: PropagationOptions): PropagationDoc {
  const hops: Hop[] = rows.map((r) => ({
    from: r.from_node as string,
    to: r.to_node as string,
    version: num(r.version),
    ts: (r.ts as string | null) ?? null,
    source: r.source as string,
    line: Number(r.line),
    sent: r.sent_source === null ? null : { node: r.from_node as string, ts: (r.sent_ts as string | null) ?? null, source: r.sent_source as string, line: Number(r.sent_line) },
    received: r.received_source === null ? null : { node: r.to_node as string, ts: (r.received_ts as string | null) ?? null, source: r.received_source as string, line: Number(r.received_line) },
    ambiguous: r.ambiguous === true,
  }));
  const origins = new Map<string, Origin>();
  for (const r of rows) {
    const v = String(r.version);
    const o = origins.get(v);
    if (o) o.hops++;
    else origins.set(v, { node: r.origin_node as string, version: num(r.version), ts: (r.origin_ts as string | null) ?? null, hops: 1 });
  }
  const list = [...origins.values()].sort((a, b) => (a.version ?? 0) - (b.version ?? 0));
  const chosen = options.version !== undefined
    ? list.find((o) => o.version === options.version)
    : [...list].sort((a, b) => b.hops - a.hops || (b.version ?? 0) - (a.version ?? 0))[0];
  const origin = chosen ? { node: chosen.node, version: chosen.version, ts: chosen.ts } : null;
  return propagationDoc.parse({ key, origin, hops, origins: list });
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}
