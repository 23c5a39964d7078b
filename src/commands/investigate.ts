/**
 * `orderline investigate PATH... [--replicas DUMP...] [--formats-dir DIR] [--out DIR] [--format md|json|html]`
 * (contract §7): the whole method in one command. Exit 0 whether or not it finds breaks,
 * 1 when it fails (or a file failed to load; the reports are still written), 2 on usage errors.
 */
import type { Command } from 'commander';
import { ANALYSIS_MEMORY_LIMIT, INGEST_MEMORY_LIMIT, MEMORY_LIMIT_ENV } from '../db/memory.js';
import { UsageError } from '../errors.js';
import { loadFormats } from '../formats.js';
import { investigate, REPORT_FORMATS, type Investigation, type ReportFormat } from '../investigate.js';
import { TimeZone } from '../normalize/timestamp.js';
import { ingestProgress } from '../output/progress.js';
import { reportFileOf } from '../report/model.js';
import { cite, num, stepText } from '../report/text.js';
import { DEFAULT_MAX_LINE_BYTES } from './ingest.js';
import { err, jobsOption, jsonOption, out, parseInteger, parseYear } from './common.js';

export const DEFAULT_OUT = './orderline-report/';

export function registerInvestigate(program: Command): void {
  const cmd = program
    .command('investigate')
    .summary('run the whole method and write the incident report')
    .description(
      'Run the whole method in one command. Ingest the logs into a fresh\n' +
      '<out>/incident.duckdb; run replicas, diverge, anomalies, propagation and\n' +
      'affected, in that order; write <out>/report.md (for people), <out>/report.json\n' +
      '(for automation; schema: schemas/report.schema.json), <out>/trace.json (the\n' +
      'findings\' and hops\' keys for Perfetto UI) and, with --format html,\n' +
      '<out>/report.html. Exit status: 0 with or without findings; 1 on a failure,\n' +
      'also when a file failed to load (the reports are still written); 2 on a usage error.',
    )
    .argument('<path...>', 'log files, directories, globs, or - for stdin')
    .option('--replicas <dump...>', 'replica state dumps (NDJSON, CSV or JSON array; replica name = file stem); put PATHs before it')
    .option('--formats-dir <dir>', 'also load log format definitions (JSON) from this folder')
    .option('--out <dir>', 'folder for incident.duckdb and the reports', DEFAULT_OUT)
    .option('--format <formats>', 'reports to write: md, json, html, comma-separated (md and json are always written)', 'md,json')
    .option('--log-format <name>', 'read every log file in this format instead of detecting (see: orderline formats)')
    .option('--node <name>', 'node for lines that name none (default: the parent folder name)')
    .option('--tz <zone>', 'zone of timestamps that carry none', 'UTC')
    .option('--year <yyyy>', 'year for timestamps without one', parseYear)
    .option('--max-line-bytes <n>', 'reject lines longer than this', parseInteger('--max-line-bytes'), DEFAULT_MAX_LINE_BYTES)
    .option('--no-infer', 'no keys, steps, operations, peers or versions inferred from the messages: events as the lines give them')
    .option('--memory-limit <size>', `DuckDB's memory limit, e.g. 512MB, 4GB, 25% (of RAM); above it DuckDB spills to temp files ` +
      `(default: ${INGEST_MEMORY_LIMIT} while ingesting, ${ANALYSIS_MEMORY_LIMIT} for the analyses; or $${MEMORY_LIMIT_ENV})`)
    .addHelpText('after', '\nExamples (from the clone):\n  orderline investigate samples/incident/logs --replicas samples/incident/replicas --format html\n' +
      '  orderline investigate samples/incident/logs --out incident-4711 --json > incident.json');
  jobsOption(cmd);
  jsonOption(cmd);
  cmd.action(async (paths: string[], opts) => {
    const formats = parseFormats(opts.format);
    const zone = TimeZone.parse(opts.tz);
    if (!zone) throw new UsageError(`--tz: "${opts.tz}" is no time zone (an IANA name such as Europe/Berlin, UTC, or an offset from -18:00 to +18:00)`);
    const logFormats = await loadFormats(opts.formatsDir);
    if (opts.logFormat && !logFormats.some((f) => f.name === opts.logFormat)) {
      throw new UsageError(`--log-format: unknown format "${opts.logFormat}" (orderline formats lists them)`);
    }
    const progress = ingestProgress(opts.json, err);
    const result = await investigate({
      paths,
      replicas: opts.replicas ?? [],
      out: opts.out,
      formats,
      ingest: {
        formats: logFormats, formatsDir: opts.formatsDir, jobs: opts.jobs,
        format: opts.logFormat, node: opts.node, zone, year: opts.year, maxLineBytes: opts.maxLineBytes,
        onStart: progress.onStart, onProgress: progress.onProgress, onFileDone: progress.onFileDone,
      },
      warn: progress.warn,
      memoryLimit: opts.memoryLimit,
      infer: opts.infer !== false,
    }).finally(() => progress.finish());
    out(opts.json ? `${JSON.stringify(reportFileOf(result.model))}\n` : summaryText(result));
    if (result.model.meta.failed_sources.length > 0) process.exitCode = 1;
  });
}

function parseFormats(value: string): ReportFormat[] {
  const list = value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const f of list) {
    if (!REPORT_FORMATS.includes(f as ReportFormat)) throw new UsageError(`--format: "${f}" is not one of md, json, html`);
  }
  return list as ReportFormat[];
}

/** What a person sees on stdout: the verdict, the first findings, the files written. */
function summaryText(r: Investigation): string {
  const { doc, meta } = r.model;
  const lines = [
    `${num(meta.sources)} file${meta.sources === 1 ? '' : 's'}, ${num(meta.events)} events, ${num(meta.nodes.length)} node${meta.nodes.length === 1 ? '' : 's'}` +
      `${meta.failed_sources.length ? `; ${meta.failed_sources.length} file(s) failed to load` : ''}`,
  ];
  if (doc.findings.length === 0) {
    lines.push('No ordering break found.');
  } else {
    lines.push(`${num(doc.findings.length)} ordering break${doc.findings.length === 1 ? '' : 's'}:`);
    for (const f of doc.findings.slice(0, 5)) {
      lines.push(`  ${f.node}  key ${f.key}: ${stepText(f.first_break)} before ${stepText(f.missing)}  (${cite(f.first_break)})`);
    }
    if (doc.findings.length > 5) lines.push(`  … ${doc.findings.length - 5} more in the report`);
  }
  if (doc.anomalies.length) lines.push(`${num(doc.anomalies.length)} lower-count anomal${doc.anomalies.length === 1 ? 'y' : 'ies'}`);
  if (doc.affected.length) lines.push(`${num(doc.affected.length)} (key, node) pair${doc.affected.length === 1 ? '' : 's'} to contain`);
  const written = [r.files.md, r.files.json, r.files.html, r.files.trace, r.files.db].filter((p): p is string => p !== null);
  lines.push(`Wrote ${written.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
