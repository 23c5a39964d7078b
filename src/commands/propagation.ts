/** `orderline propagation --key K`: how a key's value versions travelled between nodes (contract §5). */
import type { Command } from 'commander';
import { propagation } from '../analyses/propagation.js';
import { UsageError } from '../errors.js';
import { renderTable } from '../output/render.js';
import { dbOption, jsonOption, out, parseInteger, withDatabase } from './common.js';

export function registerPropagation(program: Command): void {
  const cmd = program
    .command('propagation')
    .summary('show how a key\'s value versions travelled between nodes')
    .description(
      'The hops (from → to, version, time, file:line) that the value versions of\n' +
      'one key took between nodes, from events with peer and version (repair,\n' +
      'anti-entropy, streaming, replication): the sender\'s and the receiver\'s\n' +
      'events paired when both logged one, else the one side; and each version\'s\n' +
      'origin. A hop whose order after the previous one lies within the clock-skew\n' +
      'uncertainty (see orderline skew) is marked ambiguous (~).\n' +
      'The SQL is queries/propagation.sql (orderline query propagation --param key=K).',
    )
    .option('--key <key>', 'the entity key (required)')
    .option('--ver <n>', 'give the origin of this version (default: the one with most hops)', parseInteger('--ver'))
    .addHelpText('after', '\nExamples (after orderline ingest samples/incident/logs --db incident.duckdb):\n' +
      '  orderline propagation --key u:91815 --db incident.duckdb\n  orderline propagation --key tenant-402 --ver 16 --json --db incident.duckdb');
  dbOption(cmd);
  jsonOption(cmd);
  cmd.action(async (opts) => {
    if (typeof opts.key !== 'string' || opts.key === '') throw new UsageError('propagation needs --key KEY (the entity key to follow)');
    const doc = await withDatabase(opts, (db) => propagation(db.conn, { key: opts.key, version: opts.ver }), { events: { key: opts.key } });
    if (opts.json) {
      out(`${JSON.stringify(doc)}\n`);
      return;
    }
    const origin = doc.origin ? `origin: version ${doc.origin.version} on ${doc.origin.node} at ${doc.origin.ts ?? '(time unknown)'}` : 'origin: none (no hops)';
    out(`key ${doc.key}; ${origin}\n`);
    out(renderTable({
      columns: ['ts', 'version', 'from', 'to', 'logged_by', 'evidence', 'ambiguous'],
      types: ['TIMESTAMP', 'BIGINT', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR'],
      rows: doc.hops.map((h) => ({
        ts: h.ts, version: h.version, from: h.from, to: h.to,
        logged_by: h.sent && h.received ? 'both' : h.received ? 'receiver' : 'sender',
        evidence: `${h.source}:${h.line}`,
        ambiguous: h.ambiguous ? '~' : '',
      })),
    }));
  });
}
