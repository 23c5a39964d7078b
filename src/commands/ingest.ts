import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseShard } from '../input/shard.js';
import { loadFormats } from '../formats.js';
import { ingestIntoDatabase, type IngestResult } from '../ingest.js';
import { TimeZone } from '../normalize/timestamp.js';
import { ingestProgress } from '../output/progress.js';
import { renderTable } from '../output/render.js';
import { dbOption, err, jobsOption, jsonOption, out, parseInteger, parseYear } from './common.js';

export const DEFAULT_MAX_LINE_BYTES = 1 << 20;


export function registerIngest(program: Command): void {
  const cmd = program
    .command('ingest')
    .summary('load log files into canonical events')
    .description(
      'Load log files into the events table: each file streamed, its format detected from its first ' +
      'lines (or --format), fields mapped to canonical columns, unparseable lines kept in rejects. ' +
      'PATH is a file, a directory (read recursively), a glob or - for stdin; gzip is decompressed. ' +
      'A file already loaded (same sha256) is skipped; a file that fails leaves no rows, the others ' +
      'still load, and the exit status is 1.',
    )
    .argument('<path...>', 'files, directories, globs, or - for stdin')
    .option('--format <name>', 'use this format for every file instead of detecting (see: orderline formats)')
    .option('--formats-dir <dir>', 'also load format definitions (JSON) from this folder')
    .option('--node <name>', 'node for lines that name none (default: the parent folder name)')
    .option('--tz <zone>', 'zone of timestamps that carry none: UTC, Europe/Berlin, +02:00', 'UTC')
    .option('--year <yyyy>', 'year for timestamps without one (default: the file\'s modification year)', parseYear)
    .option('--max-line-bytes <n>', 'reject lines longer than this', parseInteger('--max-line-bytes'), DEFAULT_MAX_LINE_BYTES)
    .option('--shard <K/N>', 'ingest only the K-th of N stable shares of the files (by path): N machines split one archive', parseShard)
    .addHelpText('after', '\nExamples (from the clone, on the sample incident):\n' +
      '  orderline ingest samples/incident/logs --db incident.duckdb\n' +
      '  orderline ingest "samples/incident/logs/**/*.log" --tz Europe/Berlin --db incident.duckdb   # a glob; files already loaded are skipped\n' +
      '  cat samples/incident/logs/node-b/ledgerd.log | orderline ingest - --node node-b --db stdin.duckdb\n' +
      '  orderline ingest samples/incident/logs --shard 2/4 --db shard-2.duckdb && orderline export shards/2 --db shard-2.duckdb   # one of 4 machines');
  jobsOption(cmd);
  dbOption(cmd);
  jsonOption(cmd);
  cmd.action(async (paths: string[], opts) => {
    const zone = TimeZone.parse(opts.tz);
    if (!zone) throw new UsageError(`--tz: "${opts.tz}" is no time zone (an IANA name such as Europe/Berlin, UTC, or an offset from -18:00 to +18:00)`);
    const formats = await loadFormats(opts.formatsDir);
    if (opts.format && !formats.some((f) => f.name === opts.format)) {
      throw new UsageError(`--format: unknown format "${opts.format}" (orderline formats lists them)`);
    }
    const progress = ingestProgress(opts.json, err);
    const result = await ingestIntoDatabase(opts.db, paths, {
      formats, formatsDir: opts.formatsDir, jobs: opts.jobs,
      format: opts.format, node: opts.node, zone, year: opts.year, maxLineBytes: opts.maxLineBytes, shard: opts.shard,
      onStart: progress.onStart, onProgress: progress.onProgress, onFileDone: progress.onFileDone, warn: progress.warn,
    }, opts.memoryLimit, { infer: opts.infer !== false }).finally(() => progress.finish());
    out(opts.json ? `${JSON.stringify(ingestJson(result))}\n` : ingestTable(result));
    if (result.failed > 0) process.exitCode = 1;
  });
}

export function ingestJson(r: IngestResult) {
  return {
    sources: r.sources.map((s) => ({
      path: s.path, format: s.format, node: s.node, lines: s.lines, events: s.events, rejected: s.rejected,
      blank: s.blank, continued: s.continued, bytes: s.bytes, source_id: s.sourceId,
      ...(s.skipped ? { skipped: s.skipped, duplicate_of: s.duplicateOf } : {}), ...(s.error ? { error: s.error } : {}),
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
