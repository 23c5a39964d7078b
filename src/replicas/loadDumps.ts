/**
 * Loads replica dumps into `replica_state` (contract §2). Each dump gets a `sources` row
 * (format `replica-dump`, node = the replica name, events = rows loaded) so every
 * replica_state row cites its file and line. A dump whose sha256 is already loaded for the
 * same replica loads nothing again (identical dumps of two replicas both load); a new dump for a replica already loaded replaces that replica's rows
 * (one dump per replica: the latest load wins).
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBTimestampValue, type DuckDBConnection } from '@duckdb/node-api';
import { readDump, type Dump } from './readDump.js';
import { sqlString } from '../db/sqlText.js';

export const REPLICA_DUMP_FORMAT = 'replica-dump';

export interface DumpLoadResult {
  path: string;
  replica: string;
  format: string;
  rows: number;
  /** true when the same bytes were loaded before (nothing loaded again). */
  skipped: boolean;
  /** true when earlier rows of the same replica were replaced. */
  replaced: boolean;
}


async function scalar(conn: DuckDBConnection, sql: string): Promise<unknown> {
  const r = await conn.runAndReadAll(sql);
  return r.getRows()[0]?.[0];
}

async function loadOne(conn: DuckDBConnection, dump: Dump): Promise<DumpLoadResult> {
  const sha = createHash('sha256').update(dump.bytes).digest('hex');
  const base = { path: dump.path, replica: dump.replica, format: dump.format, rows: dump.rows.length };
  // Two replicas may hold identical dumps: a dump is "the same" only for the same replica.
  const known = `SELECT count(*) FROM sources WHERE sha256 = ${sqlString(sha)} AND format = '${REPLICA_DUMP_FORMAT}' AND node = ${sqlString(dump.replica)}`;
  if (Number(await scalar(conn, known)) > 0) {
    return { ...base, skipped: true, replaced: false };
  }
  await conn.run('BEGIN TRANSACTION');
  try {
    const replaced = Number(await scalar(conn, `SELECT count(*) FROM replica_state WHERE replica = ${sqlString(dump.replica)}`)) > 0;
    await conn.run(`DELETE FROM replica_state WHERE replica = ${sqlString(dump.replica)}`);
    await conn.run(`DELETE FROM sources WHERE format = '${REPLICA_DUMP_FORMAT}' AND node = ${sqlString(dump.replica)}`);
    const sourceId = Number(await scalar(conn, 'SELECT coalesce(max(source_id), 0) + 1 FROM sources'));
    const lines = dump.bytes.length === 0 ? 0 : dump.rows.reduce((m, r) => Math.max(m, r.line), 0);
    await conn.run(`INSERT INTO sources (source_id, path, sha256, format, node, bytes, lines, events, rejected, ingested_at)
      VALUES (${sourceId}, ${sqlString(dump.path)}, ${sqlString(sha)}, '${REPLICA_DUMP_FORMAT}', ${sqlString(dump.replica)},
              ${dump.bytes.length}, ${lines}, ${dump.rows.length}, 0, now()::TIMESTAMP)`);
    const app = await conn.createAppender('replica_state');
    for (const r of dump.rows) {
      app.appendVarchar(dump.replica);
      app.appendVarchar(r.key);
      if (r.value === null) app.appendNull(); else app.appendVarchar(r.value);
      if (r.version === null) app.appendNull(); else app.appendBigInt(r.version);
      if (r.writetimeUs === null) app.appendNull(); else app.appendTimestamp(new DuckDBTimestampValue(BigInt(r.writetimeUs)));
      app.appendInteger(sourceId);
      app.appendInteger(r.line);
      app.endRow();
    }
    app.closeSync();
    await conn.run('COMMIT');
    return { ...base, skipped: false, replaced };
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
}

/** A directory stands for the files directly in it (sorted, hidden ones skipped). */
export function expandDumpPaths(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    let isDir = false;
    try { isDir = statSync(p).isDirectory(); } catch { /* readDump reports it */ }
    if (!isDir) return [p];
    return readdirSync(p).filter((f) => !f.startsWith('.')).sort().map((f) => join(p, f)).filter((f) => statSync(f).isFile());
  });
}

/** Reads and loads each dump in turn (each in one transaction); a directory means its files. */
export async function loadDumps(conn: DuckDBConnection, paths: readonly string[]): Promise<DumpLoadResult[]> {
  const results: DumpLoadResult[] = [];
  for (const p of expandDumpPaths(paths)) results.push(await loadOne(conn, readDump(p)));
  return results;
}
