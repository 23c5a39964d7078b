/** `orderline anomalies`: lower-count anomalies across nodes (contract §5). */
import type { Command } from 'commander';
import { anomalies } from '../analyses/anomalies.js';
import { UsageError } from '../errors.js';
import { renderTable } from '../output/render.js';
import { dbOption, jsonOption, out, parseInteger, withDatabase } from './common.js';

export function registerAnomalies(program: Command): void {
  const cmd = program
    .command('anomalies')
    .summary('find nodes that reported a lower count than their peers at the same phase')
    .description(
      'For each count-bearing template ("initialized with metadata from <*> entities"),\n' +
      'align the events across nodes by logical phase (the same seq when every event\n' +
      'of the template has one, else the k-th occurrence on each node) and report a\n' +
      'node whose count is below the median of the other nodes\' counts there.\n' +
      'The SQL is queries/lower_counts.sql (orderline query lower_counts).',
    )
    .option('--min-peers <n>', 'other nodes that must have logged the phase', parseInteger('--min-peers'), 2)
    .option('--min-gap <x>', 'relative shortfall needed below the peers\' median, 0..1 (0: any)', parseFraction, 0)
    .addHelpText('after', '\nExamples (after orderline ingest samples/incident/logs --db incident.duckdb):\n  orderline anomalies --db incident.duckdb\n' +
      '  orderline anomalies --min-gap 0.05 --json --db incident.duckdb\n  orderline anomalies --min-peers 1 --db incident.duckdb   # also judge the lower of two nodes');
  dbOption(cmd);
  jsonOption(cmd);
  cmd.action(async (opts) => {
    if (opts.minPeers < 1) throw new UsageError('--min-peers must be at least 1');
    const doc = await withDatabase(opts, (db) => anomalies(db.conn, { minPeers: opts.minPeers, minGap: opts.minGap }), { events: {} });
    if (opts.json) {
      out(`${JSON.stringify(doc)}\n`);
      return;
    }
    out(renderTable({
      columns: ['node', 'template', 'phase', 'count', 'peer_median', 'peers', 'evidence'],
      types: ['VARCHAR', 'VARCHAR', 'VARCHAR', 'BIGINT', 'DOUBLE', 'VARCHAR', 'VARCHAR'],
      rows: doc.anomalies.map((a) => ({
        node: a.node,
        template: a.template,
        phase: a.aligned_by === 'seq' ? `seq ${a.seq}` : `#${a.phase_index}`,
        count: a.count,
        peer_median: a.peer_median,
        peers: Object.entries(a.peers).map(([n, c]) => `${n}=${c}`).join(' '),
        evidence: `${a.source}:${a.line}`,
      })),
    }));
  });
}

function parseFraction(value: string): number {
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || n < 0 || n >= 1) throw new UsageError(`--min-gap takes a fraction from 0 to below 1, not "${value}"`);
  return n;
}
