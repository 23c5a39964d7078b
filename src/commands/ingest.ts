import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { loadFormats } from '../formats.js';
import { ingestPaths, type IngestResult } from '../ingest.js';
import { TimeZone } from '../normalize/timestamp.js';
import { renderTable } from '../output/render.js';
import { dbOption, err, jsonOption, out, parseInteger, withDatabase } from './common.js';

export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

/**
 * DuckDB's memory_limit while ingesting into a file database. Loaded row groups are
 * written to the file as they fill, so a small buffer pool only drops clean pages; without
 * a limit DuckDB keeps them all (up to 80% of RAM) and peak RSS grows with the input
 * (about 640 MB for 1 GB of NDJSON). At 64 MiB it stays flat at no cost in speed; at
 * 32 MiB the open row group spills to a temp file and ingest gets slower.
 * Not for :memory:, where the buffer pool is the database.
 */
export const INGEST_MEMORY_LIMIT_BYTES = 64 << 20;

export function registerIngest(program: Command): void {
  const cmd = program
    .command('ingest')
    .summary('load log files into canonical events')
    .description(
      'Load log files into the events table: each file streamed, its format detected from its first\n' +
      'lines (or --format), fields mapped to canonical columns, unparseable lines kept in rejects.\n' +
      'PATH is a file, a directory (read recursively), a glob or - for stdin; .gz is decompressed.',
    )
    .argument('<path...>', 'files, directories, globs, or - for stdin')
    .option('--format <name>', 'use this format for every file instead of detecting (see: orderline formats)')
    .option('--formats-dir <dir>', 'also load format definitions (JSON) from this folder')
    .option('--node <name>', 'node for lines that name none (default: the parent folder name)')
    .option('--tz <zone>', 'zone of timestamps that carry none: UTC, Europe/Berlin, +02:00', 'UTC')
    .option('--year <yyyy>', 'year for timestamps without one (default: the file\'s modification year)', parseInteger('--year'))
    .option('--max-line-bytes <n>', 'reject lines longer than this', parseInteger('--max-line-bytes'), DEFAULT_MAX_LINE_BYTES)
    .addHelpText('after', '\nExamples:\n  orderline ingest logs/ --db incident.duckdb\n  orderline ingest "archive/**/*.log.gz" --tz Europe/Berlin\n  kubectl logs pod-a | orderline ingest - --node pod-a');
  dbOption(cmd);
  jsonOption(cmd);
  cmd.action(async (paths: string[], opts) => {
    const zone = TimeZone.parse(opts.tz);
    if (!zone) throw new UsageError(`--tz: unknown time zone "${opts.tz}"`);
    const formats = await loadFormats(opts.formatsDir);
    if (opts.format && !formats.some((f) => f.name === opts.format)) {
      throw new UsageError(`--format: unknown format "${opts.format}" (orderline formats lists them)`);
    }
    const memoryLimitBytes = opts.db === ':memory:' ? undefined : INGEST_MEMORY_LIMIT_BYTES;
    const result = await withDatabase(opts.db, (db) =>
      ingestPaths(db, paths, {
        formats, format: opts.format, node: opts.node, zone, year: opts.year, maxLineBytes: opts.maxLineBytes,
        warn: (m) => err(m), memoryLimitBytes,
      }),
      { threads: 1, memoryLimit: memoryLimitBytes === undefined ? undefined : `${memoryLimitBytes}B` },
    );
    out(opts.json ? `${JSON.stringify(ingestJson(result))}\n` : ingestTable(result));
    if (result.failed > 0) process.exitCode = 1;
  });
}

export function ingestJson(r: IngestResult) {
  return {
    sources: r.sources.map((s) => ({
      path: s.path, format: s.format, node: s.node, lines: s.lines, events: s.events, rejected: s.rejected,
      blank: s.blank, continued: s.continued, bytes: s.bytes, source_id: s.sourceId,
      ...(s.skipped ? { skipped: s.skipped } : {}), ...(s.error ? { error: s.error } : {}),
    })),
    events: r.events,
    rejected: r.rejected,
    failed: r.failed,
  };
}

function ingestTable(r: IngestResult): string {
  const rows = r.sources.map((s) => ({
    path: s.path, format: s.format, node: s.node, lines: s.lines, events: s.events, rejected: s.rejected,
    status: s.error ? 'FAILED' : s.skipped ? 'skipped (already ingested)' : 'ok',
  }));
  const table = renderTable({
    columns: ['path', 'format', 'node', 'lines', 'events', 'rejected', 'status'],
    types: ['VARCHAR', 'VARCHAR', 'VARCHAR', 'BIGINT', 'BIGINT', 'BIGINT', 'VARCHAR'],
    rows,
  });
  return `${table}${r.events} events, ${r.rejected} rejected lines${r.failed ? `, ${r.failed} file(s) failed` : ''}\n`;
}
