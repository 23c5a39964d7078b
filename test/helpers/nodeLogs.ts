/**
 * Writes small node logs for tests, in any structured format orderline reads
 * (jsonl, logfmt, json array, OTLP/JSON, CSV), from one list of plain events, so a
 * test can state its incident once and run it through every decoder.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { orderline } from './cli.js';
import { join } from 'node:path';

export type LogFormat = 'jsonl' | 'logfmt' | 'json' | 'otlp' | 'csv';
export const LOG_FORMATS: readonly LogFormat[] = ['jsonl', 'logfmt', 'json', 'otlp', 'csv'];

/** One event as a node logs it; field names are orderline's synonyms (contract §3). */
export interface LogEvent {
  ts?: string;
  msg: string;
  key?: string;
  op?: string;
  phase?: string;
  seq?: number;
  version?: number;
  peer?: string;
  to_node?: string;
  from_node?: string;
  trace_id?: string;
  [extra: string]: string | number | undefined;
}

const EXT: Record<LogFormat, string> = { jsonl: 'jsonl', logfmt: 'log', json: 'json', otlp: 'otlp.json', csv: 'csv' };

/**
 * Writes `events` of `node` to DIR/NODE/NODE.EXT and returns the path. The node is a
 * field of every line (and the OTLP resource's service.name).
 */
export function writeNodeLog(dir: string, node: string, events: readonly LogEvent[], format: LogFormat): string {
  const folder = join(dir, node);
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${node}.${EXT[format]}`);
  const rows = events.map((e) => withNode(node, e));
  writeFileSync(path, render(node, rows, format));
  return path;
}

function withNode(node: string, e: LogEvent): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (e.ts !== undefined) out.ts = e.ts;
  out.node = node;
  for (const [k, v] of Object.entries(e)) if (v !== undefined && k !== 'ts') out[k] = v;
  return out;
}

function render(node: string, rows: Record<string, string | number>[], format: LogFormat): string {
  switch (format) {
    case 'jsonl':
      return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    case 'json':
      return JSON.stringify(rows, null, 2);
    case 'logfmt':
      return rows.map((r) => Object.entries(r).map(([k, v]) => `${k}=${logfmtValue(v)}`).join(' ')).join('\n') + '\n';
    case 'csv': {
      const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
      const lines = [names.join(',')];
      for (const r of rows) lines.push(names.map((n) => csvCell(r[n])).join(','));
      return lines.join('\n') + '\n';
    }
    case 'otlp':
      return JSON.stringify({
        resourceLogs: [{
          resource: { attributes: [{ key: 'service.name', value: { stringValue: node } }] },
          scopeLogs: [{
            scope: { name: 'test' },
            logRecords: rows.map((r) => {
              const { ts, msg, node: _n, ...rest } = r;
              return {
                ...(ts !== undefined ? { timeUnixNano: isoToNanos(String(ts)) } : {}),
                body: { stringValue: String(msg) },
                attributes: Object.entries(rest).map(([key, v]) => ({
                  key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v },
                })),
              };
            }),
          }],
        }],
      });
  }
}

function logfmtValue(v: string | number): string {
  const s = String(v);
  return /[\s"=]/.test(s) || s === '' ? JSON.stringify(s) : s;
}

function csvCell(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** ISO-8601 UTC with up to microseconds → epoch nanoseconds as text. */
function isoToNanos(iso: string): string {
  const m = /\.(\d+)Z$/.exec(iso);
  const frac = (m ? m[1] : '').padEnd(9, '0').slice(0, 9);
  const whole = Date.parse(iso.replace(/\.\d+Z$/, 'Z'));
  return `${BigInt(whole / 1000) * 1_000_000_000n + BigInt(frac)}`;
}

/** A seeded pseudo-random generator (mulberry32) for reproducible generated incidents: the samples' own. */
export { prng as seededRandom } from '../../samples/incident.js';

/** ISO text of `base` plus `ms` milliseconds. */
export function isoAt(base: string, ms: number): string {
  return new Date(Date.parse(base) + ms).toISOString();
}

/** Writes each node's log into a fresh folder under `root`, ingests it into a fresh database there, and returns the database path. */
export function ingestIncident(root: string, nodes: Record<string, { events: LogEvent[]; format: LogFormat }>): string {
  const dir = mkdtempSync(join(root, 'case-'));
  for (const [node, { events, format }] of Object.entries(nodes)) writeNodeLog(dir, node, events, format);
  const db = join(dir, 'incident.duckdb');
  const r = orderline(['ingest', dir, '--db', db, '--json']);
  if (r.status !== 0) throw new Error(`ingest failed (${r.status}): ${r.stderr}`);
  return db;
}
