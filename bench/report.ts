/** The benchmark's printed tables and its verdict on the issue's targets. */
import { renderTable } from '../src/output/render.js';
import type { InferenceCost } from './multiFile.js';
import { ingestSteps, scaleFailures, type ScaleResult, type ScaleRun, type ScaleStep } from './scale.js';
import type { BenchResults, FollowUpResult, ToolResult } from './results.js';

/** Issue 2: NDJSON ingest at least as fast as DuckDB's read_json into a file, peak RSS under 300 MB. */
export const TARGET_RATIO = 1.0;
export const TARGET_RSS_MB = 300;

const fixed = (x: number | null, digits: number) => (x === null || !Number.isFinite(x) ? '' : x.toFixed(digits));

export function resultsTable(results: readonly ToolResult[]): string {
  return renderTable({
    columns: ['input', 'size MB', 'tool', 'seconds', 'MB/s', 'events/s', 'peak RSS MB', 'ratio orderline/DuckDB'],
    types: ['VARCHAR', 'DOUBLE', 'VARCHAR', 'DOUBLE', 'DOUBLE', 'BIGINT', 'DOUBLE', 'DOUBLE'],
    rows: results.map((r) => ({
      input: r.input,
      'size MB': fixed(r.bytes / 1e6, 0),
      tool: r.tool === 'duckdb read_json' && r.file !== undefined ? `${r.tool} (${r.file})` : r.tool,
      seconds: fixed(r.seconds, 2),
      'MB/s': fixed(r.mbPerSecond, 1),
      'events/s': fixed(r.eventsPerSecond, 0),
      'peak RSS MB': fixed(r.peakRssMb, 0),
      'ratio orderline/DuckDB': fixed(r.ratioToDuckdb, 2),
    })),
  });
}

export function followUpTable(followUps: readonly FollowUpResult[]): string {
  return renderTable({
    columns: ['input', 'command (on the ingested DB)', 'seconds', 'peak RSS MB', 'ratio to ingest'],
    types: ['VARCHAR', 'VARCHAR', 'DOUBLE', 'DOUBLE', 'DOUBLE'],
    rows: followUps.map((f) => ({
      input: f.input,
      'command (on the ingested DB)': f.label,
      seconds: fixed(f.seconds, 2),
      'peak RSS MB': fixed(f.peakRssMb, 0),
      'ratio to ingest': fixed(f.ratioToIngest, 3),
    })),
  });
}

export function multiFileTable(m: NonNullable<BenchResults['multiFile']>): string {
  const i = m.incident;
  const head = `multi-file follow-up: a free-text incident of ${fixed(i.bytes / 1e6, 0)} MB in ${i.files} files ` +
    `(${i.envelopes.join(', ')}), ${i.lines.toLocaleString('en-US')} lines, one run`;
  return `${head}\n${renderTable({
    columns: ['command', 'seconds', 'peak RSS MB'],
    types: ['VARCHAR', 'DOUBLE', 'DOUBLE'],
    rows: m.results.map((r) => ({ command: r.label, seconds: fixed(r.seconds, 2), 'peak RSS MB': fixed(r.peakRssMb, 0) })),
  })}${[m.inferenceCost && costLine(m.inferenceCost), jobsTargetLine(m.results)].filter((l) => l).map((l) => `${l}\n`).join('')}`;
}

function costLine(c: InferenceCost): string {
  return `target inference + diverge < ingest --no-infer: ${c.ratio < 1 ? 'reached' : 'NOT reached'} ` +
    `(${fixed(c.inferSeconds, 1)} s + ${fixed(c.divergeSeconds, 1)} s against ${fixed(c.ingestSeconds, 1)} s, ratio ${fixed(c.ratio, 2)})`;
}

/** Whether this run reached the targets (null when NDJSON was not measured). */
export function targets(results: readonly ToolResult[]): BenchResults['targets'] {
  const nd = results.find((r) => r.input === 'NDJSON' && r.tool === 'orderline ingest');
  const ol = results.filter((r) => r.tool === 'orderline ingest' && r.peakRssMb !== null);
  return {
    ndjsonRatioAtMost1: nd?.ratioToDuckdb == null ? null : nd.ratioToDuckdb <= TARGET_RATIO,
    orderlinePeakRssUnder300Mb: ol.length === 0 ? null : ol.every((r) => r.peakRssMb! < TARGET_RSS_MB),
  };
}

export function targetLines(t: BenchResults['targets'], results: readonly ToolResult[]): string[] {
  const nd = results.find((r) => r.input === 'NDJSON' && r.tool === 'orderline ingest');
  const maxRss = Math.max(...results.filter((r) => r.tool === 'orderline ingest').map((r) => r.peakRssMb ?? 0));
  const verdict = (ok: boolean | null) => (ok === null ? 'not measured' : ok ? 'reached' : 'NOT reached');
  return [
    `target NDJSON ratio <= ${TARGET_RATIO.toFixed(1)}: ${verdict(t.ndjsonRatioAtMost1)}${nd ? ` (${fixed(nd.ratioToDuckdb, 2)})` : ''}`,
    `target orderline peak RSS < ${TARGET_RSS_MB} MB (set for 1 GB inputs, --big): ${verdict(t.orderlinePeakRssUnder300Mb)}` +
      `${Number.isFinite(maxRss) ? ` (highest ${maxRss.toFixed(0)} MB)` : ''}`,
  ];
}

/** Issue 12: ingest peak RSS with --jobs 1 at most 300 MB at 1 GB and at 10 GB; each further job at most 100 MB more. */
export const TARGET_INGEST_RSS_MB = 300;
export const TARGET_RSS_PER_JOB_MB = 100;

/** A step's seconds, or its time to fail marked FAILED; empty when it did not run. */
const secs = (x: ScaleStep | null) => (x === null ? 'not run' : x.error ? `FAILED after ${fixed(x.seconds, 1)}` : fixed(x.seconds, 1));

export function scaleTable(s: ScaleResult): string {
  const head = `archive scale: ${fixed(s.bytes / 1e6, 0)} MB of NDJSON in one file, ${s.events.toLocaleString('en-US')} events, one run`;
  const load = renderTable({
    columns: ['command', 'seconds', 'MB/s', 'peak RSS MB', 'ratio to read_json'],
    types: ['VARCHAR', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE'],
    rows: [
      { command: s.ingest.label, seconds: fixed(s.ingest.seconds, 1), 'MB/s': fixed(s.ingest.mbPerSecond, 1), 'peak RSS MB': fixed(s.ingest.peakRssMb, 0), 'ratio to read_json': fixed(s.ingest.ratioToReadJson, 2) },
      { command: `${s.readJson.label} (into a file)`, seconds: fixed(s.readJson.seconds, 1), 'MB/s': fixed(s.readJson.mbPerSecond, 1), 'peak RSS MB': fixed(s.readJson.peakRssMb, 0), 'ratio to read_json': '' },
      { command: s.infer.label, seconds: fixed(s.infer.seconds, 1), 'MB/s': '', 'peak RSS MB': fixed(s.infer.peakRssMb, 0), 'ratio to read_json': '' },
      { command: s.export.error ? `${s.export.label} (Parquet dataset)` : `${s.export.label} (${fixed(s.export.datasetBytes / 1e6, 0)} MB of Parquet)`, seconds: secs(s.export), 'MB/s': '', 'peak RSS MB': fixed(s.export.peakRssMb, 0), 'ratio to read_json': '' },
    ],
  });
  const analyses = renderTable({
    columns: ['analysis', 'DuckDB file s', 'peak RSS MB', 'Parquet dataset s', 'peak RSS MB ', 'dataset/file'],
    types: ['VARCHAR', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE'],
    rows: s.analyses.map((a) => ({
      analysis: a.command,
      'DuckDB file s': secs(a.file), 'peak RSS MB': fixed(a.file.peakRssMb, 0),
      'Parquet dataset s': secs(a.dataset), 'peak RSS MB ': fixed(a.dataset?.peakRssMb ?? null, 0),
      'dataset/file': a.dataset && !a.dataset.error && !a.file.error ? fixed(a.dataset.seconds / a.file.seconds, 2) : '',
    })),
  });
  return `${head}\n${load}${analyses}`;
}

export function scaleTargetLines(run: ScaleRun): string[] {
  const all = run.results;
  if (all.length === 0 && run.failed.length === 0) return [];
  const verdict = (ok: boolean) => (ok ? 'reached' : 'NOT reached');
  const at = (bytes: number) => `${fixed(bytes / 1e6, 0)} MB`;
  const notAt = run.failed.map((f) => `not measured at ${at(f.bytes)}`);
  // ingest and read_json as measured, at every size where they ran (also where a later step failed)
  const ing = ingestSteps(run);
  const rssOf = (x: (typeof ing)[number]) => (x.ingest ? `${fixed(x.ingest.peakRssMb, 0)} MB at ${at(x.bytes)}` : `not measured at ${at(x.bytes)}`);
  const ratio = (x: (typeof ing)[number]) => (x.ingest && x.readJson ? x.ingest.seconds / x.readJson.seconds : null);
  const ratioOf = (x: (typeof ing)[number]) => (ratio(x) === null ? `not measured at ${at(x.bytes)}` : `${fixed(ratio(x), 2)} at ${at(x.bytes)}`);
  // the inference's and every analysis's peak, on the file and on the dataset
  const highest = (x: ScaleResult) => Math.max(x.infer.peakRssMb ?? 0, ...x.analyses.flatMap((a) => [a.file.peakRssMb ?? 0, a.dataset?.peakRssMb ?? 0]));
  const analysesFailed = all.flatMap((s) => s.analyses.flatMap((a) => [a.file, ...(a.dataset ? [a.dataset] : [])]
    .filter((x) => x.error).map(() => `${a.command} at ${at(s.bytes)}`)))
    .concat(run.failed.filter((f) => f.steps.at(-1)?.label.startsWith('infer')).map((f) => `infer --refresh at ${at(f.bytes)}`));
  return [
    `target ingest peak RSS <= ${TARGET_INGEST_RSS_MB} MB with --jobs 1: ${verdict(ing.every((x) => (x.ingest?.peakRssMb ?? Infinity) <= TARGET_INGEST_RSS_MB))} ` +
      `(${ing.map(rssOf).join(', ')})`,
    `target ingest ratio to read_json <= ${TARGET_RATIO.toFixed(1)}: ${verdict(ing.every((x) => (ratio(x) ?? Infinity) <= TARGET_RATIO))} ` +
      `(${ing.map(ratioOf).join(', ')})`,
    `analyses and inference under --memory-limit (default 1GiB): ${analysesFailed.length ? `FAILED (${analysesFailed.join(', ')}); ` : ''}` +
      `highest peak RSS ${all.length ? fixed(Math.max(...all.map(highest)), 0) : '?'} MB ` +
      `(${[...all.map((s) => `${fixed(highest(s), 0)} MB at ${at(s.bytes)}`), ...notAt].join(', ')})`,
    ...scaleFailures(run).map((l) => `failed: ${l}`),
  ];
}

/** The --jobs sweep's memory: each job past the first adds at most 100 MB of peak RSS. */
export function jobsTargetLine(results: readonly { label: string; peakRssMb: number | null }[]): string | null {
  const sweep = results.map((r) => ({ jobs: Number(/--jobs (\d+)$/.exec(r.label)?.[1]), rss: r.peakRssMb }))
    .filter((r): r is { jobs: number; rss: number } => Number.isInteger(r.jobs) && r.rss !== null);
  const one = sweep.find((r) => r.jobs === 1);
  const more = sweep.filter((r) => r.jobs > 1);
  if (!one || more.length === 0) return null;
  const ok = more.every((r) => r.rss - one.rss <= TARGET_RSS_PER_JOB_MB * (r.jobs - 1));
  return `target each further --jobs adds <= ${TARGET_RSS_PER_JOB_MB} MB of peak RSS: ${ok ? 'reached' : 'NOT reached'} ` +
    `(${one.rss.toFixed(0)} MB at --jobs 1; ${more.map((r) => `${r.rss - one.rss >= 0 ? '+' : ''}${(r.rss - one.rss).toFixed(0)} MB at --jobs ${r.jobs}`).join(', ')})`;
}
