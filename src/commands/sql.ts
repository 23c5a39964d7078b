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
      'The database is opened read-only (several readers can run at once); --write allows changes.')
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
      try {
        return await query(db.conn, statement);
      } catch (e) {
        const msg = firstLine((e as Error).message);
        if (db.readOnly && /read-only|read only/i.test(msg)) {
          throw new RuntimeError(`sql: the database is open read-only; add --write to change it (${msg})`);
        }
        throw new RuntimeError(`sql: ${msg}`);
      }
    }, { mode: opts.write ? 'write' : 'read' });
    out(renderRows(rows, rowFormat(opts)));
  });
}
