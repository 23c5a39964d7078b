/** `orderline affected`: keys × node × window to repair, from the findings. */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
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
      'List what to repair: one row per (key, node) with a time window and the reasons, from diverge\'s ' +
      'findings (key, node, window), the replicas loaded (a one_differs key\'s odd replica; every replica ' +
      'of an all_differ key) and, with --propagation, the nodes that received a version by propagation. ' +
      'Columns: key, node, start, end (ISO-8601 UTC; empty when unknown), reason.',
    )
    .option('--propagation <file>', 'output of orderline propagation --json (a document, an array, or one per line); repeatable',
      (v: string, acc: string[] = []) => [...acc, v])
    .addOption(new Option('--format <format>', 'output: table, csv or json').choices(['table', 'csv', 'json']).default('table'));
  invariantOptions(cmd);
  cmd.addHelpText('after', '\nExamples:\n' +
    '  orderline affected --db incident.duckdb --format csv > affected.csv\n' +
    '  orderline propagation --key tenant-7 --json > prop.json && orderline affected --propagation prop.json --json');
  dbOption(cmd);
  jsonOption(cmd);
  cmd.action(async (opts) => {
    const propagation = ((opts.propagation ?? []) as string[]).flatMap(readPropagationFile);
    const { affected: rows } = await withDatabase(opts, (db) => affectedReport(db.conn, {
      expect: opts.expect, minSupport: opts.minSupport, minConfidence: opts.minConfidence, propagation,
    }));
    const format = opts.json ? 'json' : opts.format;
    out(format === 'json' ? `${JSON.stringify({ affected: rows })}\n` : affectedRender(rows, format));
  });
}

function affectedRender(rows: AffectedRow[], format: 'table' | 'csv'): string {
  return renderRows({
    columns: ['key', 'node', 'start', 'end', 'reason'],
    types: ['VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR'],
    rows: rows.map((r) => ({ ...r })),
  }, format);
}
