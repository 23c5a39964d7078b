/**
 * Reads one raw per-replica state dump into rows of `key, value, version?, writetime?`,
 * each with its 1-based line (array index + 1 for a JSON array). Three shapes, told apart
 * by the extension (.ndjson/.jsonl, .csv, .json) or else by the first character:
 * - NDJSON: one object per line: {"key":"k1","value":"v","version":3,"writetime":"2026-…"}
 * - CSV: a header naming the columns (key,value[,version][,writetime]), then rows (RFC 4180 quoting)
 * - JSON array: [{"key":…,"value":…}, …]
 * gzip is recognised by its magic bytes. Values that are not strings are kept as JSON text.
 * A dump is read whole: dumps are per-replica key listings, far smaller than logs.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { RuntimeError } from '../errors.js';
import { jsonPreview } from '../normalize/nesting.js';
import { parseTimestamp, TimeZone } from '../normalize/timestamp.js';

export interface DumpRow {
  key: string;
  value: string | null;
  version: bigint | null;
  /** UTC microseconds since the epoch. */
  writetimeUs: number | null;
  line: number;
}

export type DumpFormat = 'ndjson' | 'csv' | 'json';

export interface Dump {
  path: string;
  /** The file stem: `replicas/node-b.ndjson.gz` → `node-b`. */
  replica: string;
  format: DumpFormat;
  bytes: Buffer;
  rows: DumpRow[];
}

export function replicaName(path: string): string {
  let name = basename(path);
  name = name.replace(/\.gz$/i, '');
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

function formatOf(path: string, text: string): DumpFormat {
  const p = path.toLowerCase().replace(/\.gz$/, '');
  if (p.endsWith('.ndjson') || p.endsWith('.jsonl')) return 'ndjson';
  if (p.endsWith('.csv')) return 'csv';
  if (p.endsWith('.json')) return text.trimStart().startsWith('[') ? 'json' : 'ndjson';
  const c = text.trimStart()[0];
  return c === '[' ? 'json' : c === '{' ? 'ndjson' : 'csv';
}

const valueText = (v: unknown): string | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? v : jsonPreview(v, Infinity);

function field(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

function rowOf(obj: Record<string, unknown>, line: number, where: string): DumpRow {
  const key = field(obj, 'key');
  if (key === undefined || key === null || key === '') throw new RuntimeError(`${where}: no "key"`);
  const version = field(obj, 'version');
  let v: bigint | null = null;
  if (version !== undefined && version !== null && version !== '') {
    if (!/^-?\d+$/.test(String(version))) throw new RuntimeError(`${where}: version is not an integer: ${JSON.stringify(version)}`);
    v = BigInt(String(version));
  }
  const wt = field(obj, 'writetime');
  let writetimeUs: number | null = null;
  if (wt !== undefined && wt !== null && wt !== '') {
    writetimeUs = parseTimestamp(wt, TimeZone.utc());
    if (writetimeUs === null) throw new RuntimeError(`${where}: writetime is not a timestamp: ${JSON.stringify(wt)}`);
  }
  return { key: valueText(key)!, value: valueText(field(obj, 'value')), version: v, writetimeUs, line };
}

function parseNdjson(path: string, text: string): DumpRow[] {
  const rows: DumpRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (l === '') continue;
    let obj: unknown;
    try { obj = JSON.parse(l); } catch { throw new RuntimeError(`${path}:${i + 1}: not a JSON object`); }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new RuntimeError(`${path}:${i + 1}: not a JSON object`);
    rows.push(rowOf(obj as Record<string, unknown>, i + 1, `${path}:${i + 1}`));
  }
  return rows;
}

function parseJsonArray(path: string, text: string): DumpRow[] {
  let arr: unknown;
  try { arr = JSON.parse(text); } catch (e) { throw new RuntimeError(`${path}: not a JSON array: ${(e as Error).message}`); }
  if (!Array.isArray(arr)) throw new RuntimeError(`${path}: not a JSON array`);
  return arr.map((obj, i) => {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new RuntimeError(`${path}: element ${i + 1} is not an object`);
    return rowOf(obj as Record<string, unknown>, i + 1, `${path}: element ${i + 1}`);
  });
}

/** RFC 4180 records with the line each starts on. */
function csvRecords(text: string): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let cur = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { cur += '"'; i++; } else quoted = false;
      } else {
        if (c === '\n') line++;
        cur += c;
      }
      continue;
    }
    if (c === '"') { quoted = true; any = true; } else if (c === ',') { fields.push(cur); cur = ''; any = true; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (any || cur !== '') { fields.push(cur); out.push({ fields, line: start }); }
      fields = []; cur = ''; any = false; line++; start = line;
    } else { cur += c; any = true; }
  }
  if (any || cur !== '') { fields.push(cur); out.push({ fields, line: start }); }
  return out;
}

function parseCsv(path: string, text: string): DumpRow[] {
  const records = csvRecords(text);
  if (records.length === 0) return [];
  const header = records[0].fields.map((h) => h.trim().toLowerCase());
  if (!header.includes('key')) throw new RuntimeError(`${path}:1: the CSV header names no "key" column`);
  return records.slice(1).map((r) => {
    const obj: Record<string, unknown> = {};
    header.forEach((h, i) => { if (r.fields[i] !== undefined) obj[h] = r.fields[i]; });
    if (obj.value === '') obj.value = null;
    return rowOf(obj, r.line, `${path}:${r.line}`);
  });
}

export function readDump(path: string): Dump {
  let bytes: Buffer;
  try { bytes = readFileSync(path); } catch (e) { throw new RuntimeError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
  const raw = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  const text = raw.toString('utf8').replace(/^\uFEFF/, '');
  const format = formatOf(path, text);
  const rows = format === 'ndjson' ? parseNdjson(path, text) : format === 'json' ? parseJsonArray(path, text) : parseCsv(path, text);
  return { path, replica: replicaName(path), format, bytes, rows };
}
