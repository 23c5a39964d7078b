/** `orderline skew [--apply]`: per-node clock offsets with bounds (contract §5). */
import type { Command } from 'commander';
import { skew } from '../analyses/skew.js';
import { renderTable } from '../output/render.js';
import { dbOption, jsonOption, out, withDatabase } from './common.js';

export function registerSkew(program: Command): void {
  const cmd = program
    .command('skew')
    .summary('estimate each node\'s clock offset, with bounds, from causal pairs')
    .description(
      'Estimate per-node clock offsets relative to a reference node (default: the\n' +
      'node with most pairs) from causal pairs: a send on A naming peer B and the\n' +
      'receive on B naming A (a receive comes after its send, so pairs both ways\n' +
      'bound the offset from both sides), else events sharing a causal_id.\n' +
      'offset_ms is added to the node\'s ts to get reference time.\n' +
      'The SQL is queries/skew_pairs.sql (queries/apply_skew.sql for --apply).',
    )
    .option('--apply', 'fill events.ts_corrected = ts + offset for offsets proven by send/receive pairs (ts elsewhere); keep table clock_skew')
    .option('--include-causal', 'with --apply, also apply offsets resting on shared causal ids only (they mix skew with delays)')
    .option('--reference <node>', 'the reference node')
    .addHelpText('after', '\nExamples (after orderline ingest samples/incident/logs --db incident.duckdb):\n  orderline skew --db incident.duckdb\n' +
      '  orderline skew --reference node-a --json --db incident.duckdb\n  orderline skew --apply --db incident.duckdb\n  orderline skew --apply --include-causal --db incident.duckdb');
  dbOption(cmd);
  jsonOption(cmd);
  cmd.action(async (opts) => {
    const doc = await withDatabase(opts, (db) => skew(db.conn, { reference: opts.reference, apply: opts.apply === true, includeCausal: opts.includeCausal === true }),
      { mode: opts.apply ? 'write' : 'read', events: {} });
    if (opts.json) {
      out(`${JSON.stringify(doc)}\n`);
      return;
    }
    const bound = (v: number | null, open: string) => (v === null ? open : String(v));
    out(`reference: ${doc.reference ?? '(none: no causal pairs)'}${doc.applied ? '; ts_corrected filled' : ''}\n`);
    out(renderTable({
      columns: ['node', 'offset_ms', 'bounds_ms', 'pairs', 'basis', ...(doc.applied ? ['applied'] : [])],
      types: ['VARCHAR', 'DOUBLE', 'VARCHAR', 'BIGINT', 'VARCHAR', 'VARCHAR'],
      rows: doc.nodes.map((n) => ({
        node: n.node,
        offset_ms: n.offset_ms,
        bounds_ms: n.offset_ms === null ? '' : `[${bound(n.lower_ms, '-∞')}, ${bound(n.upper_ms, '+∞')}]${n.consistent === false ? ' (crossed)' : ''}`,
        pairs: n.pairs,
        basis: n.basis,
        applied: n.applied ? 'yes' : '',
      })),
    }));
  });
}
