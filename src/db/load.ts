/**
 * Small result sets made in JavaScript (inference decisions, scan results) into temp tables:
 * one JSON document through a variable, cast to the columns' types by DuckDB.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** Creates (or replaces) temp table `table` with `columns` (name → DuckDB type) from `rows`. */
export async function loadRows(conn: DuckDBConnection, table: string, columns: Record<string, string>, rows: readonly Record<string, unknown>[]): Promise<void> {
  const json = JSON.stringify(rows.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined))));
  const structType = `STRUCT(${Object.entries(columns).map(([k, v]) => `${ident(k)} ${v}`).join(', ')})[]`;
  await conn.run(`SET VARIABLE ol_rows = ${lit(json)}`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${table} AS
    SELECT ${Object.keys(columns).map((k) => `r.${ident(k)}`).join(', ')}
    FROM (SELECT unnest(CAST(json(getvariable('ol_rows')) AS ${structType})) AS r)`);
  await conn.run('RESET VARIABLE ol_rows');
}
