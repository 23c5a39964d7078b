/**
 * Saved queries (contract §6): `queries/NAME.sql`, a header of `--` comments naming
 * the query, describing it and listing its parameters, then SQL that reads parameters
 * with `getvariable('name')`. The commands run these same files, so an analyst can
 * read and rerun exactly what a command ran, in the DuckDB shell too:
 *
 *   -- name: first_breaks
 *   -- description: the first ordering break per (key, node)
 *   -- param: min_support  invariants need this many instances (default 20)
 *   SELECT … WHERE support >= getvariable('min_support') …
 *
 * A file may hold several statements separated by `;` (for example CREATE TEMP TABLE …;
 * SELECT …); the rows of the last one are the result.
 *
 * `-- requires: other` names a saved query whose temp tables this one reads: it runs
 * first, in the same session, with the parameters it shares (in the DuckDB shell,
 * `.read` the required file first).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { query, type Rows } from '../db/rows.js';
import { UsageError } from '../errors.js';
import { QUERIES_DIR } from '../paths.js';

export interface QueryParam {
  name: string;
  description: string;
  /** From `(default X)` in the description, when present. */
  defaultValue: string | null;
}

export interface SavedQuery {
  name: string;
  description: string;
  params: QueryParam[];
  /** Saved queries to run first (`-- requires: name`). */
  requires: string[];
  path: string;
  sql: string;
}

const PARAM = /^--\s*param:\s*(\w+)\s*(.*)$/;
const DEFAULT = /\(default:?\s*([^)]*)\)/;

export function parseSavedQuery(path: string, text: string): SavedQuery {
  const q: SavedQuery = { name: basename(path, '.sql'), description: '', params: [], requires: [], path, sql: text };
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (l === '') continue;
    if (!l.startsWith('--')) break;
    const p = PARAM.exec(l);
    if (p) {
      const d = DEFAULT.exec(p[2]);
      q.params.push({ name: p[1], description: p[2].trim(), defaultValue: d ? d[1].trim() : null });
      continue;
    }
    const kv = /^--\s*(name|description|requires):\s*(.*)$/.exec(l);
    if (kv?.[1] === 'requires') q.requires.push(...kv[2].split(/[\s,]+/).filter((x) => x !== ''));
    if (kv?.[1] === 'name') q.name = kv[2].trim();
    else if (kv?.[1] === 'description') q.description = q.description ? `${q.description} ${kv[2].trim()}` : kv[2].trim();
  }
  return q;
}

export function listSavedQueries(dir = QUERIES_DIR): SavedQuery[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => parseSavedQuery(join(dir, f), readFileSync(join(dir, f), 'utf8')));
}

export function loadSavedQuery(name: string, dir = QUERIES_DIR): SavedQuery {
  const q = listSavedQueries(dir).find((x) => x.name === name || basename(x.path, '.sql') === name);
  if (!q) throw new UsageError(`no saved query named "${name}" (orderline query --list shows them)`);
  return q;
}

const sqlLiteral = (v: string) => `'${v.replaceAll("'", "''")}'`;

/**
 * Runs a saved query with parameters. Values are set with `SET VARIABLE name = '…'`
 * (text; the SQL casts where it needs a number). A parameter without a value takes its
 * default, else NULL.
 */
export async function runSavedQuery(
  conn: DuckDBConnection, q: SavedQuery, values: Record<string, string | number | null | undefined> = {},
  opts: { skipRequired?: boolean } = {},
): Promise<Rows> {
  for (const name of Object.keys(values)) {
    if (!q.params.some((p) => p.name === name)) {
      throw new UsageError(`query ${q.name} has no parameter "${name}" (it takes: ${q.params.map((p) => p.name).join(', ') || 'none'})`);
    }
  }
  if (!opts.skipRequired) {
    for (const name of q.requires) {
      const r = loadSavedQuery(name, dirname(q.path));
      const shared = Object.fromEntries(Object.entries(values).filter(([k]) => r.params.some((p) => p.name === k)));
      await runSavedQuery(conn, r, shared);
    }
  }
  for (const p of q.params) {
    const v = values[p.name] ?? p.defaultValue;
    await conn.run(`SET VARIABLE ${p.name} = ${v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : sqlLiteral(v)}`);
  }
  const statements = splitStatements(q.sql);
  let result: Rows = { columns: [], types: [], rows: [] };
  for (const s of statements) result = await query(conn, s);
  return result;
}

/** Splits SQL on `;` outside quotes and comments. */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let cur = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const j = end < 0 ? sql.length : end + 1;
      cur += sql.slice(i, j);
      i = j;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const j = end < 0 ? sql.length : end;
      cur += sql.slice(i, j);
      i = j;
    } else if (c === ';') {
      if (cur.trim() !== '' && !/^(\s*--[^\n]*\n?)*\s*$/.test(cur)) out.push(cur.trim());
      cur = '';
      i++;
    } else {
      cur += c;
      i++;
    }
  }
  if (cur.trim() !== '' && !/^(\s*--[^\n]*\n?)*\s*$/.test(cur)) out.push(cur.trim());
  return out;
}
