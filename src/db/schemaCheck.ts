/**
 * Refuses a database whose canonical tables are not orderline's: a DuckDB file made by another
 * program, or by an orderline whose tables had fewer columns. `CREATE TABLE IF NOT EXISTS` leaves
 * such a table as it is, and every later statement would fail on it with a binder error far from
 * the cause (ingest: on each file in turn). Only tables that exist are checked: a database that
 * lacks one (made by `replicas` alone, say) is still orderline's.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { SCHEMA_SQL } from './schema.js';
import { sqlString } from './sqlText.js';

/** Each canonical table's columns, read from the schema orderline creates (one source of truth). */
export const CANONICAL_COLUMNS: ReadonlyMap<string, readonly string[]> = columnsOf(SCHEMA_SQL);

function columnsOf(schema: string): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  for (const m of schema.matchAll(/CREATE TABLE IF NOT EXISTS (\w+) \(([\s\S]*?)\n\);/g)) {
    const cols = [...m[2].matchAll(/^\s+(\w+)\s+[A-Z]/gm)].map((c) => c[1]);
    tables.set(m[1], cols);
  }
  return tables;
}

/** What is wrong with the database's canonical tables (null when nothing is). */
export async function schemaProblem(conn: DuckDBConnection): Promise<string | null> {
  const names = [...CANONICAL_COLUMNS.keys()].map(sqlString).join(', ');
  const r = await conn.runAndReadAll(
    `SELECT table_name, list(column_name) FROM duckdb_columns()
     WHERE database_name = current_database() AND schema_name = 'main' AND table_name IN (${names})
     GROUP BY table_name ORDER BY table_name`,
  );
  for (const [table, present] of r.getRows() as [string, { items: string[] }][]) {
    const have = new Set(present.items);
    const missing = CANONICAL_COLUMNS.get(table)!.filter((c) => !have.has(c));
    if (missing.length > 0) {
      const shown = missing.slice(0, 4).join(', ') + (missing.length > 4 ? `, … (${missing.length} in all)` : '');
      return `table ${table} has no column${missing.length > 1 ? 's' : ''} ${shown}`;
    }
  }
  return null;
}
