/** Options and helpers shared by commands. */
import { Option, type Command } from 'commander';
import { openDatabase, type Database } from '../db/database.js';
import { UsageError } from '../errors.js';
import { ROW_FORMATS, type RowFormat } from '../output/render.js';

export const DEFAULT_DB = './orderline.duckdb';

export function dbOption(cmd: Command): Command {
  return cmd.option('--db <file>', 'DuckDB database file, or :memory:', DEFAULT_DB);
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

/**
 * Opens the database for one command. `threads: 1` for ingest: measured faster on a
 * 2-core machine, where JavaScript parses on one core while DuckDB loads on the other.
 */
export async function withDatabase<T>(path: string, fn: (db: Database) => Promise<T>, opts: { threads?: number; memoryLimit?: string } = {}): Promise<T> {
  const db = await openDatabase(path, opts);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

export function parseInteger(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new UsageError(`${name} takes a whole number, not "${value}"`);
    return Number(value);
  };
}

export function out(text: string): void {
  process.stdout.write(text);
}

export function err(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}
