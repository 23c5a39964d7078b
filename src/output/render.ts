/** Rows → text for people (aligned table), spreadsheets (CSV) or automation (JSON). */
import type { Rows } from '../db/rows.js';

export type RowFormat = 'table' | 'json' | 'csv';
export const ROW_FORMATS: readonly RowFormat[] = ['table', 'json', 'csv'];

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/;
const MAX_CELL = 80;

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function renderTable(data: Rows): string {
  const { columns, types, rows } = data;
  const cells = rows.map((r) => columns.map((c) => {
    let s = cellText(r[c]).replace(/\r?\n/g, '⏎').replace(/\t/g, ' ');
    if (s.length > MAX_CELL) s = `${s.slice(0, MAX_CELL - 1)}…`;
    return s;
  }));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const right = types.map((t) => NUMERIC.test(t));
  const fmt = (row: string[]) => row.map((s, i) => (right[i] ? s.padStart(widths[i]) : s.padEnd(widths[i]))).join('  ').trimEnd();
  const lines = [fmt(columns), widths.map((w) => '─'.repeat(w)).join('  ')];
  for (const row of cells) lines.push(fmt(row));
  lines.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return `${lines.join('\n')}\n`;
}

function csvField(v: unknown): string {
  const s = cellText(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function renderCsv(data: Rows): string {
  const lines = [data.columns.map(csvField).join(',')];
  for (const r of data.rows) lines.push(data.columns.map((c) => csvField(r[c])).join(','));
  return `${lines.join('\n')}\n`;
}

export function renderRows(data: Rows, format: RowFormat): string {
  switch (format) {
    case 'json': return `${JSON.stringify(data.rows)}\n`;
    case 'csv': return renderCsv(data);
    default: return renderTable(data);
  }
}
