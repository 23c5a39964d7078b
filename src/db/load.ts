/**
 * Result sets made in JavaScript (inference decisions, scan results) into temp tables, cast to
 * the columns' types by DuckDB: each batch of rows goes as one JSON document through a variable
 * and is inserted. Batches keep every allocation small: one document of all the rows (the
 * inference's 100,000 templates on a log of random words) and its parsed list are single
 * allocations the buffer pool cannot evict, and at 10 GB of such a log that ran DuckDB out of its
 * 1 GiB limit ("could not allocate block").
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString as lit } from './sqlText.js';

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** Rows per document. */
const BATCH = 2_000;

/** Creates (or replaces) temp table `table` with `columns` (name → DuckDB type) from `rows` (their other keys ignored). */
export async function loadRows(conn: DuckDBConnection, table: string, columns: Record<string, string>, rows: readonly Record<string, unknown>[]): Promise<void> {
  const entries = Object.entries(columns);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${table} (${entries.map(([k, v]) => `${ident(k)} ${v}`).join(', ')})`);
  const structType = `STRUCT(${entries.map(([k, v]) => `${ident(k)} ${v}`).join(', ')})[]`;
  const names = entries.map(([k]) => `r.${ident(k)}`).join(', ');
  // exactly the columns, in their order: a missing or undefined value is NULL, other keys are left out
  const shaped = (r: Record<string, unknown>) => Object.fromEntries(entries.map(([k]) => [k, r[k] ?? null]));
  try {
    for (let i = 0; i < rows.length; i += BATCH) {
      await conn.run(`SET VARIABLE ol_rows = ${lit(JSON.stringify(rows.slice(i, i + BATCH).map(shaped)))}`);
      await conn.run(`INSERT INTO ${table} SELECT ${names} FROM (SELECT unnest(CAST(json(getvariable('ol_rows')) AS ${structType})) AS r)`);
    }
  } finally {
    await conn.run('RESET VARIABLE ol_rows');
  }
}
