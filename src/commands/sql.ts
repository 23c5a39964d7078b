import { StatementType, type DuckDBConnection } from '@duckdb/node-api';
import type { Command } from 'commander';
import { firstLine } from '../db/database.js';
import { query } from '../db/rows.js';
import { RuntimeError } from '../errors.js';
import { renderRows } from '../output/render.js';
import { dbOption, jsonOption, out, rowFormat, rowFormatOption, withDatabase } from './common.js';

export function registerSql(program: Command): void {
  const cmd = program
    .command('sql')
    .summary('run ad hoc SQL against the database')
    .description('Run one SQL statement (DuckDB dialect) and print its rows.\nTables: events, sources, rejects, replica_state.\n' +
      'The database is opened read-only (several readers can run at once); --write allows changes, and then\n' +
      'events is the stored table as it is (otherwise it shows what inference fills in; --no-infer: as stored).')
    .argument('<statement>', 'the SQL to run')
    .option('--write', 'open the database for writing (CREATE, INSERT, UPDATE, DROP …)')
    .addHelpText('after', `\nExamples (after orderline ingest samples/incident/logs --db incident.duckdb):\n` +
      `  orderline sql "SELECT node, count(*) FROM events GROUP BY node" --db incident.duckdb\n` +
      `  orderline sql "SELECT * FROM sources" --format csv --db incident.duckdb\n` +
      `  orderline sql "CREATE OR REPLACE TABLE keep AS SELECT * FROM events WHERE level = 'WARN'" --write --db incident.duckdb`);
  dbOption(cmd);
  rowFormatOption(cmd);
  jsonOption(cmd);
  cmd.action(async (statement: string, opts) => {
    const rows = await withDatabase(opts, async (db) => {
      if (db.readOnly) await refuseWrites(db.conn, statement);
      try {
        return await query(db.conn, statement);
      } catch (e) {
        const msg = firstLine((e as Error).message);
        if (db.readOnly && /read-only|read only/i.test(msg)) {
          throw new RuntimeError(`sql: the database is open read-only; add --write to change it (${msg})`);
        }
        throw new RuntimeError(`sql: ${msg}`);
      }
    }, { mode: opts.write ? 'write' : 'read', infer: !opts.write });
    out(renderRows(rows, rowFormat(opts)));
  });
}

/**
 * Statements that would change the database are refused in read-only mode before they run: in
 * that mode `events` is a view (it reads through the inference), so DuckDB itself would answer a
 * DROP or an INSERT with a confusing message about views. COPY … TO a file and temp objects are fine.
 */
const WRITES = new Set(['INSERT', 'UPDATE', 'DELETE', 'DROP', 'ALTER', 'VACUUM', 'ATTACH', 'DETACH', 'COPY_DATABASE']);

async function refuseWrites(conn: DuckDBConnection, sql: string): Promise<void> {
  let extracted;
  try {
    extracted = await conn.extractStatements(sql);
  } catch {
    return; // a syntax error: let the run report it
  }
  for (let i = 0; i < extracted.count; i++) {
    let type: string;
    try {
      type = StatementType[(await extracted.prepare(i)).statementType];
    } catch {
      continue; // cannot be prepared (yet): the run reports what is wrong
    }
    const createsTable = type === 'CREATE' && !/^\s*create\s+(or\s+replace\s+)?(temp|temporary)\b/i.test(sql);
    if (WRITES.has(type) || createsTable) {
      throw new RuntimeError(`sql: the database is open read-only; add --write to change it (a ${type} statement)`);
    }
  }
}
