/** `orderline timeline --key K`: the broken and a healthy node's events for a key, side by side. */
import { Option, type Command } from 'commander';
import { expectParam } from '../analyses/diverge.js';
import type { TimelineDoc } from '../analyses/shapes.js';
import { stepText } from '../analyses/stepText.js';
import { timeline, timelineMarkdown } from '../analyses/timeline.js';
import { UsageError } from '../errors.js';
import { renderTable } from '../output/render.js';
import { dbOption, jsonOption, out, withDatabase } from './common.js';
import { invariantOptions } from './diverge.js';

export function registerTimeline(program: Command): void {
  const cmd = program
    .command('timeline')
    .summary('one key\'s events on two nodes side by side, aligned by (op, phase)')
    .description(
      'Lay one key\'s events on --node beside those on --vs, aligned by (op, phase) and occurrence ' +
      '(the k-th of each), with the time difference. Default --node: the node of the key\'s first ' +
      'finding (diverge); default --vs: that finding\'s healthy node, else another node with the key. ' +
      'SQL: queries/timeline.sql.',
    )
    .requiredOption('--key <key>', 'the entity key')
    .option('--node <node>', 'the node to explain (default: the node of the key\'s first finding)')
    .option('--vs <node>', 'the node to compare with (default: the finding\'s healthy node)')
    .option('--from <time>', 'only the node\'s events at or after this time (ISO-8601; a key worked many times: one cycle)')
    .option('--to <time>', 'only the node\'s events at or before this time')
    .addOption(new Option('--format <format>', 'output: table, json or md (Markdown)').choices(['table', 'json', 'md']).default('table'));
  invariantOptions(cmd);
  cmd.addHelpText('after', '\nExamples (after orderline ingest samples/incident/logs --db incident.duckdb):\n' +
    '  orderline timeline --key tenant-402 --db incident.duckdb\n' +
    '  orderline timeline --key tenant-402 --node node-b --vs node-a --format md --db incident.duckdb');
  dbOption(cmd);
  jsonOption(cmd);
  cmd.action(async (opts) => {
    expectParam(opts.expect); // a malformed --expect is a usage error before anything runs
    for (const [name, v] of [['--from', opts.from], ['--to', opts.to]] as const) {
      if (v !== undefined && Number.isNaN(Date.parse(v))) throw new UsageError(`${name} takes an ISO-8601 time (2026-11-27T14:30:06Z), not "${v}"`);
    }
    const doc = await withDatabase(opts, (db) => timeline(db.conn, {
      key: opts.key, node: opts.node, vs: opts.vs, expect: opts.expect, minSupport: opts.minSupport, minConfidence: opts.minConfidence,
      from: opts.from, to: opts.to,
    }), { events: { key: opts.key } });
    const format = opts.json ? 'json' : opts.format;
    out(format === 'json' ? `${JSON.stringify(doc)}\n` : format === 'md' ? timelineMarkdown(doc) : timelineText(doc));
  });
}

export function timelineText(doc: TimelineDoc): string {
  const n = doc.node ?? 'node';
  const v = doc.vs ?? 'vs';
  const table = renderTable({
    columns: ['step', 'k', `${n} ts`, `${v} ts`, 'delta_ms', `${n} at`, `${v} at`],
    types: ['VARCHAR', 'BIGINT', 'VARCHAR', 'VARCHAR', 'DOUBLE', 'VARCHAR', 'VARCHAR'],
    rows: doc.rows.map((r) => ({
      step: stepText(r),
      k: r.k,
      [`${n} ts`]: r.node_event?.ts ?? '—',
      [`${v} ts`]: r.vs_event?.ts ?? '—',
      delta_ms: r.delta_ms,
      [`${n} at`]: r.node_event ? `${r.node_event.source}:${r.node_event.line}` : '',
      [`${v} at`]: r.vs_event ? `${r.vs_event.source}:${r.vs_event.line}` : '',
    })),
  });
  return `key ${doc.key}: ${n} vs ${doc.vs ?? '(no other node has it)'}\n${table}`;
}
