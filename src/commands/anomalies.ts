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
      'For each count-bearing message ("Initialized with metadata from <*> entities"),\n' +
      'align the events across nodes by logical phase: the same seq when every event\n' +
      'has one; for a keyed message, the k-th time each node logged it for that key;\n' +
      'else the k-th time each node logged it. Report a node whose count is below the\n' +
      'consensus of the other nodes there (the count two thirds of them, and at least\n' +
      '--min-peers, logged), for messages whose nodes agree (all but one, or three\n' +
      'quarters, on one count) in at least --min-agreement of their phases: state volumes agree across\n' +
      'replicas, counters that vary by nature (compactions, bytes, GC pauses) do not\n' +
      'and are never judged.\n' +
      'The SQL is queries/lower_counts.sql (orderline query lower_counts).',
    )
    .option('--min-peers <n>', 'other nodes that must agree on the phase\'s count', parseInteger('--min-peers'), 2)
    .option('--min-gap <x>', 'relative shortfall needed below the consensus, 0..1 (0: any)', parseFraction('--min-gap'), 0)
    .option('--min-agreement <x>', 'share of a message\'s phases where its nodes must agree, 0..1', parseFraction('--min-agreement', true), 0.8)
    .addHelpText('after', '\nExamples (after orderline ingest samples/incident/logs --db incident.duckdb):\n  orderline anomalies --db incident.duckdb\n' +
      '  orderline anomalies --min-gap 0.05 --json --db incident.duckdb\n  orderline anomalies --min-peers 1 --db incident.duckdb   # also judge the lower of two nodes');
  dbOption(cmd);
  jsonOption(cmd);
  cmd.action(async (opts) => {
    if (opts.minPeers < 1) throw new UsageError('--min-peers must be at least 1');
    const doc = await withDatabase(opts, (db) => anomalies(db.conn, { minPeers: opts.minPeers, minGap: opts.minGap, minAgreement: opts.minAgreement }), { events: {} });
    if (opts.json) {
      out(`${JSON.stringify(doc)}\n`);
      return;
    }
    out(renderTable({
      columns: ['node', 'template', 'phase', 'count', 'consensus', 'peer_median', 'peers', 'evidence'],
      types: ['VARCHAR', 'VARCHAR', 'VARCHAR', 'BIGINT', 'VARCHAR', 'DOUBLE', 'VARCHAR', 'VARCHAR'],
      rows: doc.anomalies.map((a) => ({
        node: a.node,
        template: a.template,
        phase: a.aligned_by === 'seq' ? `seq ${a.seq}` : `${a.key ? `${a.key} ` : ''}#${a.phase_index}${a.aligned_by === 'as_of' ? ' (as of)' : ''}`,
        count: a.count,
        consensus: a.consensus ? `${a.consensus.count} (${a.consensus.nodes}/${a.consensus.of})` : '',
        peer_median: a.peer_median,
        peers: Object.entries(a.peers).map(([n, c]) => `${n}=${c}`).join(' '),
        evidence: `${a.source}:${a.line}`,
      })),
    }));
  });
}

function parseFraction(name: string, oneAllowed = false): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d*\.?\d+$/.test(value) || n < 0 || n > 1 || (n === 1 && !oneAllowed)) {
      throw new UsageError(`${name} takes a fraction from 0 to ${oneAllowed ? '1' : 'below 1'}, not "${value}"`);
    }
    return n;
  };
}
