import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { renderRows, renderTable } from '../output/render.js';
import { listSavedQueries, loadSavedQuery, runSavedQuery } from '../queries/savedQuery.js';
import { missingValue } from '../db/lookup.js';
import { dbOption, err, jsonOption, out, rowFormat, rowFormatOption, withDatabase } from './common.js';

export function registerQuery(program: Command): void {
  const cmd = program
    .command('query')
    .summary('run a saved query from queries/')
    .description('Run a saved query (queries/NAME.sql) with --param name=value, or list them with --list.\n' +
      'The same files run unchanged in the DuckDB shell after SET VARIABLE name = \'value\';')
    .argument('[name]', 'the query to run')
    .option('--list', 'list the saved queries and their parameters')
    .option('--param <name=value>', 'a parameter (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .addHelpText('after', '\nExamples (after orderline ingest samples/incident/logs --db incident.duckdb):\n  orderline query --list\n' +
      '  orderline query events_per_node --db incident.duckdb\n  orderline query key_timeline --param key=tenant-402 --format csv --db incident.duckdb');
  dbOption(cmd);
  rowFormatOption(cmd);
  jsonOption(cmd);
  cmd.action(async (name: string | undefined, opts) => {
    if (opts.list || !name) {
      if (!opts.list) throw new UsageError('query needs a NAME, or --list');
      const qs = listSavedQueries();
      const rows = qs.map((q) => ({ name: q.name, description: q.description, params: q.params.map((p) => p.name).join(', ') }));
      if (opts.json) out(`${JSON.stringify({ queries: qs.map((q) => ({ name: q.name, description: q.description, params: q.params })) })}\n`);
      else out(renderTable({ columns: ['name', 'description', 'params'], types: ['VARCHAR', 'VARCHAR', 'VARCHAR'], rows }));
      return;
    }
    const q = loadSavedQuery(name);
    const values: Record<string, string> = {};
    for (const p of opts.param as string[]) {
      const i = p.indexOf('=');
      if (i <= 0) throw new UsageError(`--param takes name=value, not "${p}"`);
      values[p.slice(0, i)] = p.slice(i + 1);
    }
    const rows = await withDatabase(opts, async (db) => {
      const result = await runSavedQuery(db.conn, q, values);
      // A key or node that names nothing gives no rows: say so, so that it reads as a typo, not as a clean result.
      for (const [name, column] of [['key', 'key'], ['node', 'node'], ['vs', 'node']] as const) {
        const v = values[name];
        if (v === undefined || v === '') continue;
        const why = await missingValue(db.conn, column, v).catch(() => null);
        if (why !== null) err(`orderline: note: --param ${name}=${v}: ${why}`);
      }
      return result;
    });
    out(renderRows(rows, rowFormat(opts)));
  });
}
