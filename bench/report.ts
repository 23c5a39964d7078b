/** The benchmark's printed tables and its verdict on the issue's targets. */
import { renderTable } from '../src/output/render.js';
import type { InferenceCost } from './multiFile.js';
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
  })}${m.inferenceCost ? `${costLine(m.inferenceCost)}\n` : ''}`;
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
