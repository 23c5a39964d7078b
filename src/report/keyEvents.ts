/**
 * The events of one key on every node, for the swimlanes of report.html: around the
 * finding's window (three window lengths, at least 10 s, on each side), at most
 * MAX_PER_NODE events per node nearest to it, in time order.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TimelineEvent } from '../analyses/shapes.js';
import { materialize } from '../db/rows.js';

export const MAX_PER_NODE = 300;
const MIN_PAD_MS = 10_000;

export interface Window {
  start: string | null;
  end: string | null;
}

export async function keyEvents(conn: DuckDBConnection, key: string, around: Window | null = null): Promise<TimelineEvent[]> {
  const start = around?.start ? Date.parse(around.start) : NaN;
  const end = around?.end ? Date.parse(around.end) : start;
  const bounded = !Number.isNaN(start) && !Number.isNaN(end);
  const pad = bounded ? Math.max(MIN_PAD_MS, 3 * (end - start)) : 0;
  const mid = bounded ? (start + end) / 2 : 0;
  const values: Record<string, string | number> = { key, limit: MAX_PER_NODE };
  let where = 'e.key = $key';
  if (bounded) {
    values.lo = new Date(start - pad).toISOString();
    values.hi = new Date(end + pad).toISOString();
    values.mid = mid * 1000;
    where += ' AND e.ts BETWEEN $lo::TIMESTAMP AND $hi::TIMESTAMP';
  }
  const nearest = bounded ? 'abs(epoch_us(e.ts) - $mid::BIGINT)' : 'e.ts';
  const sql = `
    SELECT node, ts, op, phase, seq, message, source, line FROM (
      SELECT e.node, e.ts, e.op, e.phase, e.seq, e.message, s.path AS source, e.line,
             row_number() OVER (PARTITION BY e.node ORDER BY ${nearest}, e.line) AS rank
      FROM events e JOIN sources s USING (source_id)
      WHERE ${where} AND e.node IS NOT NULL
    ) WHERE rank <= $limit
    ORDER BY ts NULLS LAST, node, line`;
  const { rows } = materialize(await conn.runAndReadAll(sql, values));
  return rows.map((r) => ({
    node: String(r.node),
    ts: (r.ts as string | null) ?? null,
    op: (r.op as string | null) ?? null,
    phase: (r.phase as string | null) ?? null,
    seq: r.seq === null || r.seq === undefined ? null : Number(r.seq),
    message: (r.message as string | null) ?? null,
    source: String(r.source),
    line: Number(r.line),
  }));
}
