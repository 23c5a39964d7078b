/**
 * `orderline export DIR`: the database as a Parquet dataset; `orderline export --perfetto FILE`:
 * the timeline as a Chrome trace-event file (contract §8).
 */
import type { Command } from 'commander';
import { diverge } from '../analyses/diverge.js';
import { propagationForKeys } from '../analyses/propagation.js';
import { UsageError } from '../errors.js';
import { exportDataset } from '../db/dataset.js';
import { writePerfettoTrace, type TraceOptions } from '../export/perfetto.js';
import { dbOption, jsonOption, out, withDatabase } from './common.js';

export function registerExport(program: Command): void {
  const cmd = program
    .command('export')
    .summary('write the database as a Parquet dataset, or the timeline as a trace for Perfetto')
    .description(
      'With DIR: write the database as a Parquet dataset that Spark, Trino, ClickHouse,\n' +
      'BigQuery or DuckDB read, and that every orderline command reads with --db DIR:\n' +
      'DIR/events/node=<node>/*.parquet, DIR/sources.parquet, DIR/rejects.parquet,\n' +
      'DIR/replica_state.parquet (columns as the tables). A folder whose subfolders are\n' +
      'such datasets (one per shard) is read as one.\n\n' +
      'With --perfetto FILE: write the events as Chrome trace-event JSON ({"traceEvents":[…]}), which Perfetto UI\n' +
      '(ui.perfetto.dev, Open trace file) and chrome://tracing open: one process per node;\n' +
      'operation instances as slices from queued or started to completed (a finding\'s\n' +
      'pending step visibly long, on the node\'s "findings" track with the break); other\n' +
      'events as instants with their message and file:line; propagation hops as flow\n' +
      'arrows from send to receive. Times are ts_corrected where orderline skew --apply\n' +
      'filled it, else ts.',
    )
    .argument('[dir]', 'the Parquet dataset folder to write (new or empty)')
    .option('--perfetto <file>', 'the trace file to write')
    .option('--key <key>', 'only this key\'s events, findings and hops')
    .option('--node <nodes>', 'only these nodes (comma-separated)')
    .option('--from <time>', 'only events at or after this time (ISO-8601)')
    .option('--to <time>', 'only events at or before this time (ISO-8601)')
    .addHelpText('after', '\nExamples (after orderline ingest samples/incident/logs --db incident.duckdb):\n' +
      '  orderline export incident-dataset --db incident.duckdb   # then: orderline diverge --db incident-dataset\n' +
      '  orderline export --perfetto trace.json --db incident.duckdb\n' +
      '  orderline export --perfetto trace.json --key u:91815 --node node-a,node-b --db incident.duckdb\n' +
      '  orderline export --perfetto trace.json --from 2026-11-27T14:30:06Z --to 2026-11-27T14:30:07Z --db incident.duckdb');
  dbOption(cmd);
  jsonOption(cmd);
  cmd.action(async (dir: string | undefined, opts) => {
    if (dir !== undefined && opts.perfetto === undefined) {
      const r = await withDatabase(opts, (db) => exportDataset(db.conn, dir), { infer: false });
      if (opts.json) out(`${JSON.stringify({ dataset: dir, ...r })}\n`);
      else out(`Wrote ${dir}: ${r.events.toLocaleString('en-US')} events of ${r.sources} sources as Parquet (read it with --db ${dir})\n`);
      return;
    }
    if (dir !== undefined) throw new UsageError('export writes either a dataset (DIR) or a trace (--perfetto FILE), not both at once');
    if (typeof opts.perfetto !== 'string' || opts.perfetto === '') {
      throw new UsageError('export needs DIR (a Parquet dataset to write) or --perfetto FILE (a trace to write)');
    }
    for (const [name, v] of [['--from', opts.from], ['--to', opts.to]] as const) {
      if (v !== undefined && Number.isNaN(Date.parse(v))) throw new UsageError(`${name} takes an ISO-8601 time (2026-11-27T14:30:06Z), not "${v}"`);
    }
    const nodes = typeof opts.node === 'string' ? opts.node.split(',').map((s: string) => s.trim()).filter((s: string) => s !== '') : undefined;
    const trace: TraceOptions = { key: opts.key, nodes, from: opts.from, to: opts.to };
    const summary = await withDatabase(opts, async (db) => {
      const found = await diverge(db.conn, opts.key !== undefined ? { key: opts.key } : {});
      const findings = found.findings.filter((f) => nodes === undefined || nodes.includes(f.node));
      const propagation = await propagationForKeys(db.conn, opts.key !== undefined ? [opts.key] : null);
      return writePerfettoTrace(db.conn, opts.perfetto, { findings, propagation }, trace);
    }, { events: { key: opts.key, node: nodes?.[0] } });
    if (opts.json) {
      out(`${JSON.stringify(summary)}\n`);
      return;
    }
    out(`Wrote ${summary.file}: ${summary.events.toLocaleString('en-US')} events of ${summary.nodes.length} nodes, ` +
      `${summary.operations.toLocaleString('en-US')} operation slices, ${summary.hops} hops, ${summary.findings} findings` +
      `${summary.untimed ? ` (${summary.untimed} events without a time left out)` : ''}. Open it in https://ui.perfetto.dev or chrome://tracing.\n`);
  });
}
