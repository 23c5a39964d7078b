/**
 * Opens the DuckDB database (a file, or `:memory:`) and makes sure the canonical
 * tables exist. One connection per command.
 */
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { SCHEMA_SQL } from './schema.js';

export interface Database {
  path: string;
  conn: DuckDBConnection;
  close(): void;
}

export class DatabaseError extends Error {}

export async function openDatabase(path: string, opts: { readOnly?: boolean; threads?: number; memoryLimit?: string } = {}): Promise<Database> {
  const config: Record<string, string> = {};
  if (opts.readOnly && path !== ':memory:') config.access_mode = 'READ_ONLY';
  if (opts.threads) config.threads = String(opts.threads);
  if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, config);
  } catch (e) {
    throw new DatabaseError(`${path}: cannot open database: ${firstLine((e as Error).message)}`);
  }
  const conn = await instance.connect();
  if (!opts.readOnly) await conn.run(SCHEMA_SQL);
  return {
    path,
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

export function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}
