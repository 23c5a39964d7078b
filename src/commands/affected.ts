/** `orderline affected`: keys × node × window to repair, from the findings. */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { expectParam } from '../analyses/diverge.js';
import { affectedReport } from '../analyses/affected.js';
import { propagationDoc, type AffectedRow, type PropagationDoc } from '../analyses/shapes.js';
import { UsageError } from '../errors.js';
import { renderRows } from '../output/render.js';
import { dbOption, jsonOption, out, withDatabase } from './common.js';
import { invariantOptions } from './diverge.js';

/** Reads `propagation --json` output: one document, an array of them, or one per line. */
export function readPropagationFile(path: string): PropagationDoc[] {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { throw new UsageError(`--propagation: cannot read ${path}`); }
  let docs: unknown[];
  try {
    const t = text.trim();
    docs = t.startsWith('[') ? JSON.parse(t) : t.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
  } catch {
    throw new UsageError(`--propagation: ${path} is not JSON (give it the output of orderline propagation --json)`);
  }
  return docs.map((d, i) => {
    const p = propagationDoc.safeParse(d);
    if (!p.success) throw new UsageError(`--propagation: ${path}: document ${i + 1}: ${p.error.issues[0]?.path.join('.') || '(root)'}: ${p.error.issues[0]?.message}`);
    return p.data;
  });
}

export function registerAffected(program: Command): void {
  const cmd = program
    .command('affected')
    .summary('the containment list: affected keys with node and time window')
    .description(
      'List what to contain, the same list investigate reports: one row per (key, node) with what to do, a ' +
      'time window and the reasons, reasoned across diverge\'s findings, the replicas loaded and the ' +
      'propagation of the findings\' keys (traced by default; --propagation adds documents of your own). ' +
      'action: restore (it holds or may hold the raced value; restore_from names the replica to restore it ' +
      'from), keep (the last good copy: restore the others from it, never overwrite it with the majority), ' +
      'check (it differs, and nothing says which side is right). ' +
      'Columns: key, node, action, restore_from, start, end (ISO-8601 UTC; empty when unknown), reason.',
    )
    .option('--propagation <file>', 'output of orderline propagation --json (a document, an array, or one per line); repeatable',
      (v: string, acc: string[] = []) => [...acc, v])
    .addOption(new Option('--format <format>', 'output: table, csv or json').choices(['table', 'csv', 'json']).default('table'));
  invariantOptions(cmd);
  cmd.addHelpText('after', '\nExamples (after orderline ingest samples/incident/logs --db incident.duckdb and orderline replicas samples/incident/replicas/* --db incident.duckdb):\n' +
    '  orderline affected --db incident.duckdb --format csv > affected.csv\n' +
    '  orderline propagation --key tenant-402 --json --db incident.duckdb > prop.json && orderline affected --propagation prop.json --json --db incident.duckdb');
  dbOption(cmd);
  jsonOption(cmd);
  cmd.action(async (opts) => {
    expectParam(opts.expect); // a malformed --expect is a usage error before anything runs
    const propagation = ((opts.propagation ?? []) as string[]).flatMap(readPropagationFile);
    const { affected: rows } = await withDatabase(opts, (db) => affectedReport(db.conn, {
      expect: opts.expect, minSupport: opts.minSupport, minConfidence: opts.minConfidence, propagation,
    }), { events: {} });
    const format = opts.json ? 'json' : opts.format;
    out(format === 'json' ? `${JSON.stringify({ affected: rows })}\n` : affectedRender(rows, format));
  });
}

function affectedRender(rows: AffectedRow[], format: 'table' | 'csv'): string {
  return renderRows({
    columns: ['key', 'node', 'action', 'restore_from', 'start', 'end', 'reason'],
    types: ['VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR'],
    rows: rows.map((r) => ({ ...r })),
  }, format);
}
