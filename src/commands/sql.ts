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
    .description('Run one SQL statement (DuckDB dialect) and print its rows.\nTables: events, sources, rejects, replica_state.')
    .argument('<statement>', 'the SQL to run')
    .addHelpText('after', `\nExamples:\n  orderline sql "SELECT node, count(*) FROM events GROUP BY node"\n  orderline sql "SELECT * FROM rejects LIMIT 5" --format csv`);
  dbOption(cmd);
  rowFormatOption(cmd);
  jsonOption(cmd);
  cmd.action(async (statement: string, opts) => {
    const rows = await withDatabase(opts.db, async (db) => {
      try {
        return await query(db.conn, statement);
      } catch (e) {
        throw new RuntimeError(`sql: ${firstLine((e as Error).message)}`);
      }
    });
    out(renderRows(rows, rowFormat(opts)));
  });
}
