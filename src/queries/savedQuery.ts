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
 * `-- requires: other_query` names saved queries that must run first in the same session
 * (they leave temp tables or macros this one reads); runSavedQuery runs them first, and
 * in the DuckDB shell you run those files first.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { query, type Rows } from '../db/rows.js';
import { UsageError } from '../errors.js';
import { QUERIES_DIR } from '../paths.js';
import { sqlString as sqlLiteral } from '../db/sqlText.js';

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
  path: string;
  sql: string;
  /** Saved queries to run first (`-- requires: a, b`). */
  requires: string[];
}

const PARAM = /^--\s*param:\s*(\w+)\s*(.*)$/;
const DEFAULT = /\(default:?\s*([^)]*)\)/;

export function parseSavedQuery(path: string, text: string): SavedQuery {
  const q: SavedQuery = { name: basename(path, '.sql'), description: '', params: [], path, sql: text, requires: [] };
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
    else if (kv?.[1] === 'name') q.name = kv[2].trim();
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


/**
 * Runs a saved query with parameters. Values are set with `SET VARIABLE name = '…'`
 * (text; the SQL casts where it needs a number). A parameter without a value takes its
 * default, else NULL.
 */
export async function runSavedQuery(
  conn: DuckDBConnection, q: SavedQuery, values: Record<string, string | number | null | undefined> = {},
  opts: { skipRequired?: boolean } = {},
): Promise<Rows> {
  const chain = opts.skipRequired ? [q] : requiredChain(q, dirname(q.path));
  const known = new Set(chain.flatMap((x) => x.params.map((p) => p.name)));
  for (const name of Object.keys(values)) {
    if (!known.has(name)) {
      throw new UsageError(`query ${q.name} has no parameter "${name}" (it takes: ${[...known].join(', ') || 'none'})`);
    }
  }
  for (const r of chain.slice(0, -1)) await runOne(conn, r, values);
  return runOne(conn, q, values);
}

/** The queries `q` requires, transitively, in the order to run them, then `q` itself. */
function requiredChain(q: SavedQuery, dir: string, seen = new Set<string>()): SavedQuery[] {
  if (seen.has(q.name)) throw new UsageError(`saved query ${q.name} requires itself (through -- requires:)`);
  seen.add(q.name);
  const out: SavedQuery[] = [];
  for (const name of q.requires) {
    for (const r of requiredChain(loadSavedQuery(name, dir), dir, seen)) if (!out.includes(r)) out.push(r);
  }
  seen.delete(q.name);
  out.push(q);
  return out;
}

async function runOne(conn: DuckDBConnection, q: SavedQuery, values: Record<string, string | number | null | undefined>): Promise<Rows> {
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
      if (!onlyComments(cur)) out.push(cur.trim());
      cur = '';
      i++;
    } else {
      cur += c;
      i++;
    }
  }
  if (!onlyComments(cur)) out.push(cur.trim());
  return out;
}

/**
 * Whether SQL text holds nothing but `--` comments and white space. (Linear: an earlier nested
 * regex for this backtracked exponentially in the number of comment lines of a query's header.)
 */
function onlyComments(sql: string): boolean {
  return sql.replace(/--[^\n]*/g, '').trim() === '';
}
