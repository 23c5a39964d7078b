/** Options and helpers shared by commands. */
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { openDatabase, type Database } from '../db/database.js';
import { hasEvents, requireEvents, requireMatches } from '../db/lookup.js';
import { useInference } from '../infer/infer.js';
import { ANALYSIS_MEMORY_LIMIT, INGEST_MEMORY_LIMIT, MEMORY_LIMIT_ENV, memoryLimitBytes } from '../db/memory.js';
import { UsageError } from '../errors.js';
import { ROW_FORMATS, type RowFormat } from '../output/render.js';

export const DEFAULT_DB = './orderline.duckdb';

export function dbOption(cmd: Command): Command {
  return cmd
    .option('--db <file>', 'DuckDB database file, or :memory:', DEFAULT_DB)
    .option('--memory-limit <size>', `DuckDB's memory limit, e.g. 512MB, 4GB, 25% (of RAM); above it DuckDB spills to temp files ` +
      `(default ${ANALYSIS_MEMORY_LIMIT}, ingest ${INGEST_MEMORY_LIMIT}; or $${MEMORY_LIMIT_ENV})`)
    .option('--no-infer', 'read events as stored: no keys, steps, operations, peers or versions inferred from the messages');
}

export function jsonOption(cmd: Command): Command {
  return cmd.option('--json', 'print exactly one JSON document on stdout');
}

export function rowFormatOption(cmd: Command): Command {
  return cmd.addOption(new Option('--format <format>', 'output: table, json or csv').choices([...ROW_FORMATS]).default('table'));
}

export function rowFormat(opts: { format?: string; json?: boolean }): RowFormat {
  return opts.json ? 'json' : ((opts.format ?? 'table') as RowFormat);
}

/** What dbOption adds to a command's options. */
export interface DbOptions {
  db: string;
  memoryLimit?: string;
  /** false with --no-infer. */
  infer?: boolean;
}

/**
 * Opens the database for one command, runs `fn`, closes it. `read` (the default) opens an
 * existing database read-only; `write` creates it if needed. The memory limit is
 * --memory-limit, else $ORDERLINE_MEMORY_LIMIT, else `defaultMemory` (the analyses' default).
 */
export async function withDatabase<T>(
  opts: DbOptions, fn: (db: Database) => Promise<T>,
  how: {
    mode?: 'read' | 'write'; threads?: number; defaultMemory?: string;
    /** An analysis of events: an empty database, or a --key / --node that names nothing, is an error. */
    events?: { key?: string; node?: string; vs?: string };
    /** Read `events` through the inference (default true; --no-infer turns it off). */
    infer?: boolean;
  } = {},
): Promise<T> {
  const memory = memoryLimitBytes(opts.memoryLimit, how.defaultMemory ?? ANALYSIS_MEMORY_LIMIT);
  const db = await openDatabase(opts.db, { mode: how.mode ?? 'read', threads: how.threads, memoryLimitBytes: opts.db === ':memory:' && how.mode === 'write' ? undefined : memory });
  try {
    if (how.infer !== false && (await hasEvents(db.conn))) await useInference(db.conn, { enabled: opts.infer !== false });
    if (how.events) {
      await requireEvents(db.conn, opts.db);
      await requireMatches(db.conn, how.events);
    }
    return await fn(db);
  } finally {
    db.close();
  }
}

/** Years a log can carry: 1970 (the epoch) to 2199. */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2199;

export function parseYear(value: string): number {
  if (!/^\d{4}$/.test(value) || Number(value) < MIN_YEAR || Number(value) > MAX_YEAR) {
    throw new UsageError(`--year takes a year from ${MIN_YEAR} to ${MAX_YEAR}, not "${value}"`);
  }
  return Number(value);
}

export function parseInteger(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new UsageError(`${name} takes a whole number, not "${value}"`);
    return Number(value);
  };
}

/** `--jobs N`: parse workers for ingest (and investigate's ingest); default: the machine's cores. */
export function jobsOption(cmd: Command): void {
  cmd.option('--jobs <n>', `threads to use: DuckDB loads on one, and from 3 on N - 1 worker threads parse files ahead of it (up to 2, one thread parses); the tables do not depend on N (default: this machine's ${availableParallelism()} cores)`,
    (v: string) => {
      const n = parseInteger('--jobs')(v);
      if (n < 1) throw new UsageError(`--jobs takes a whole number of at least 1, not "${v}"`);
      return n;
    }, availableParallelism());
}

export function out(text: string): void {
  process.stdout.write(text);
}

export function err(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}
