/**
 * Opens the DuckDB database (a file, or `:memory:`). One connection per command.
 *
 * - `write` (ingest, replicas with dumps, skew --apply, sql --write, investigate): the file
 *   is created when missing and the canonical tables are made sure of.
 * - `read` (every other command): the file must exist (a mistyped --db is an error, and
 *   nothing is created) and is opened READ_ONLY, so several analysts can query one database
 *   at once and no command can change it. Temp tables still work: the analyses keep their
 *   working tables there.
 *
 * - a folder (read only): a Parquet dataset, or a folder of them (shards), read through views
 *   in an in-memory database (db/dataset.ts); analyses give the same results as on the file.
 *
 * A database file whose canonical tables lack orderline's columns is refused on open (db/schemaCheck.ts).
 *
 * Every database gets a memory limit and a spill folder of its own in the system's temp
 * folder (removed on close), so large set work writes temporary files instead of growing.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { UsageError } from '../errors.js';
import { datasetDirs, openDatasetViews } from './dataset.js';
import { SCHEMA_SQL } from './schema.js';
import { schemaProblem } from './schemaCheck.js';

export interface Database {
  path: string;
  conn: DuckDBConnection;
  readOnly: boolean;
  /** DuckDB's memory_limit in bytes, when one was set. */
  memoryLimitBytes?: number;
  close(): void;
}

export class DatabaseError extends Error {}

export interface OpenOptions {
  /** `read`: READ_ONLY, and the file must exist. Default `write`. */
  mode?: 'read' | 'write';
  threads?: number;
  memoryLimitBytes?: number;
}

export async function openDatabase(path: string, opts: OpenOptions = {}): Promise<Database> {
  const folder = path !== ':memory:' && existsSync(path) && statSync(path).isDirectory();
  if (folder && opts.mode !== 'read') throw new UsageError(`${path}: is a folder; a Parquet dataset is read only (ingest and the writing commands need a DuckDB file)`);
  const shards = folder ? datasetDirs(path) : null;
  const readOnly = opts.mode === 'read' && path !== ':memory:' && !folder;
  if (readOnly) mustBeDatabaseFile(path);
  const config: Record<string, string> = {};
  if (readOnly) config.access_mode = 'READ_ONLY';
  if (opts.threads) config.threads = String(opts.threads);
  if (opts.memoryLimitBytes !== undefined) config.memory_limit = `${opts.memoryLimitBytes}B`;
  // DuckDB's allocator (jemalloc) returns freed pages to the system from a thread of its own
  // instead of keeping them for reuse: about 45 MB less peak RSS while ingesting 1 GB, and 0.25-0.6 GB
  // less for the analyses at 10 GB (what they allocate outside the buffer pool), no slower.
  config.allocator_background_threads = 'true';
  const spill = mkdtempSync(join(tmpdir(), 'orderline-spill-'));
  config.temp_directory = spill;
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(shards ? ':memory:' : path, config);
  } catch (e) {
    rmSync(spill, { recursive: true, force: true });
    throw new DatabaseError(`${path}: cannot open database: ${firstLine((e as Error).message)}`);
  }
  const conn = await instance.connect();
  const fail = (message: string): never => {
    conn.closeSync();
    instance.closeSync();
    rmSync(spill, { recursive: true, force: true });
    throw new DatabaseError(message);
  };
  if (shards) {
    try {
      await openDatasetViews(conn, shards);
    } catch (e) {
      fail(`${path}: cannot read the Parquet dataset: ${firstLine((e as Error).message)}`);
    }
  } else if (path !== ':memory:') {
    const problem = await schemaProblem(conn);
    if (problem !== null) {
      fail(`${path}: not an orderline database: ${problem} (made by another program or an older orderline; give another --db)`);
    }
  }
  if (!shards && !readOnly) await conn.run(SCHEMA_SQL);
  return {
    path,
    conn,
    readOnly: readOnly || folder,
    memoryLimitBytes: opts.memoryLimitBytes,
    close() {
      conn.closeSync();
      instance.closeSync();
      rmSync(spill, { recursive: true, force: true });
    },
  };
}

/** A read-only open needs an existing file: DuckDB would otherwise fail with a vaguer message, or create it. */
function mustBeDatabaseFile(path: string): void {
  if (!existsSync(path)) {
    throw new UsageError(`${path}: no such database (orderline ingest LOGS --db ${path} makes one; orderline investigate writes DIR/incident.duckdb)`);
  }
  if (statSync(path).isDirectory()) throw new UsageError(`${path}: is a folder, not a DuckDB database file`);
}

export function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}
