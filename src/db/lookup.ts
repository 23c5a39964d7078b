/**
 * Whether what a user named exists in the database, so that a mistyped key, node or an empty
 * database is said in one line instead of looking like a clean result ("No breaks").
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { RuntimeError } from '../errors.js';
import { query } from './rows.js';
import { sqlString as lit } from './sqlText.js';


/** Whether the database has a stored events table with rows (what inference reads). */
export async function hasEvents(conn: DuckDBConnection): Promise<boolean> {
  // a table in a DuckDB file; a view in a Parquet dataset (db/dataset.ts)
  const t = await query(conn, "SELECT (SELECT count(*) FROM duckdb_tables() WHERE table_name = 'events' AND NOT temporary) + " +
    "(SELECT count(*) FROM duckdb_views() WHERE view_name = 'events' AND NOT temporary) AS n");
  if (Number(t.rows[0].n) === 0) return false;
  return Boolean((await query(conn, 'SELECT EXISTS (SELECT 1 FROM events) AS any')).rows[0].any);
}

/** Fails when the database has no events (with the command that loads some). */
export async function requireEvents(conn: DuckDBConnection, db: string): Promise<void> {
  const tables = await query(conn, "SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = 'events'");
  const views = await query(conn, "SELECT count(*)::INTEGER AS n FROM duckdb_views() WHERE view_name = 'events'");
  if (Number(tables.rows[0].n) + Number(views.rows[0].n) === 0) {
    throw new RuntimeError(`${db}: not an orderline database (it has no events table; orderline ingest LOGS --db ${db} makes one)`);
  }
  const r = await query(conn, 'SELECT EXISTS (SELECT 1 FROM events) AS any');
  if (!r.rows[0].any) throw new RuntimeError(`${db}: the database holds no events (orderline ingest LOGS --db ${db} loads some)`);
}

/** Why `value` names nothing in column `column` of events, or null when it does. */
export async function missingValue(conn: DuckDBConnection, column: 'key' | 'node', value: string): Promise<string | null> {
  const r = await query(conn, `SELECT EXISTS (SELECT 1 FROM events WHERE ${column} = ${lit(value)}) AS hit`);
  if (r.rows[0].hit) return null;
  // A few values that look alike (same text inside, any case), else a few at all.
  const like = await query(conn, `SELECT DISTINCT ${column} AS v FROM events WHERE ${column} ILIKE ${lit(`%${value.replace(/[%_\\]/g, '\\$&')}%`)} ESCAPE '\\' ORDER BY 1 LIMIT 5`);
  const some = like.rows.length ? like : await query(conn, `SELECT DISTINCT ${column} AS v FROM events WHERE ${column} IS NOT NULL ORDER BY 1 LIMIT 5`);
  const names = some.rows.map((x) => String(x.v));
  const hint = names.length ? ` (${like.rows.length ? 'similar' : 'some'} ${column}s: ${names.join(', ')})` : ` (no event has a ${column})`;
  return `no events have ${column} "${value}"${hint}`;
}

/** Fails when a --key or --node option names nothing. */
export async function requireMatches(conn: DuckDBConnection, named: { key?: string; node?: string; vs?: string }): Promise<void> {
  for (const [column, value] of [['key', named.key], ['node', named.node], ['node', named.vs]] as const) {
    if (value === undefined) continue;
    const why = await missingValue(conn, column, value);
    if (why !== null) throw new RuntimeError(why);
  }
}
