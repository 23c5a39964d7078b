/**
 * The Parquet dataset (contract §8): the scale-out format another engine reads.
 *
 *   DIR/events/node=<node>/data_0.parquet   events, partitioned by node (Hive style; the node
 *                                           column is also in the files), columns as §2
 *   DIR/sources.parquet  DIR/rejects.parquet  DIR/replica_state.parquet
 *   DIR/inferred/*.parquet                  the stored inference, when the database held it
 *
 * `exportDataset` writes one from a database (`orderline export DIR`). `openDatasetViews` makes
 * an in-memory database whose `events`, `sources`, `rejects` and `replica_state` are views over
 * one dataset, or over several (a folder whose subfolders are datasets: one per shard), read as
 * one: each shard's source_id and event_id are offset by its place in the sorted list, so ids
 * from different shards never meet, and event_id stays increasing in file then line order within
 * each source.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { UsageError } from '../errors.js';
import { sqlString } from './sqlText.js';

export const DATASET_TABLES = ['sources', 'rejects', 'replica_state'] as const;
/** The stored inference (infer/infer.ts), kept in DIR/inferred/ when the database holds it. */
const INFERRED_TABLES = ['inference_state', 'inferred_events', 'inferred_templates', 'inferred_params'] as const;
/** Shard k's ids: source_id + k · SOURCE_STRIDE, event_id + k · EVENT_STRIDE. */
const SOURCE_STRIDE = 1_000_000;
const EVENT_STRIDE = 2 ** 40;

/** Whether `dir` holds one dataset (events/ and sources.parquet). */
export function isDataset(dir: string): boolean {
  return existsSync(join(dir, 'sources.parquet')) && existsSync(join(dir, 'events')) && statSync(join(dir, 'events')).isDirectory();
}

/** The datasets a --db folder names: itself, or its subfolders that are datasets (shards), sorted. */
export function datasetDirs(dir: string): string[] {
  if (isDataset(dir)) return [dir];
  const subs = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(dir, d.name)).filter(isDataset).sort();
  if (subs.length === 0) {
    throw new UsageError(`${dir}: is a folder, but neither a Parquet dataset (events/, sources.parquet; orderline export DIR writes one) nor a folder of them`);
  }
  return subs;
}

/** Writes the database's tables as a Parquet dataset into `dir` (which must not hold one yet). */
export async function exportDataset(conn: DuckDBConnection, dir: string): Promise<{ events: number; sources: number }> {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new UsageError(`${dir}: exists and is not empty (export writes a new dataset)`);
  mkdirSync(dir, { recursive: true });
  const q = (p: string) => sqlString(join(dir, p));
  const any = (await conn.runAndReadAll('SELECT EXISTS (SELECT 1 FROM main.events) AS any')).getRowObjectsJson()[0].any;
  if (any) {
    await conn.run(`COPY (SELECT * FROM main.events ORDER BY event_id) TO ${q('events')} (FORMAT parquet, PARTITION_BY (node), WRITE_PARTITION_COLUMNS true)`);
  } else {
    // a shard with no events still is a dataset: one empty file keeps the columns
    mkdirSync(join(dir, 'events'), { recursive: true });
    await conn.run(`COPY (SELECT * FROM main.events) TO ${q(join('events', 'empty.parquet'))} (FORMAT parquet)`);
  }
  for (const t of DATASET_TABLES) await conn.run(`COPY (SELECT * FROM main.${t}) TO ${q(`${t}.parquet`)} (FORMAT parquet)`);
  // the stored inference, when fresh for these events, so a reader need not make it again
  const stored = (await conn.runAndReadAll("SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE NOT temporary AND table_name = 'inference_state'")).getRowObjectsJson()[0].n;
  if (Number(stored) > 0) {
    mkdirSync(join(dir, 'inferred'), { recursive: true });
    for (const t of INFERRED_TABLES) await conn.run(`COPY (SELECT * FROM main.${t}) TO ${q(join('inferred', `${t}.parquet`))} (FORMAT parquet)`);
  }
  const n = await conn.runAndReadAll('SELECT (SELECT count(*) FROM main.events)::DOUBLE AS e, (SELECT count(*) FROM main.sources)::DOUBLE AS s');
  const row = n.getRowObjectsJson()[0];
  return { events: Number(row.e), sources: Number(row.s) };
}

/** The views over the datasets, in a fresh (in-memory) database. */
export async function openDatasetViews(conn: DuckDBConnection, dirs: readonly string[]): Promise<void> {
  const union = (sel: (dir: string, k: number) => string) => dirs.map((d, k) => sel(d, k)).join('\nUNION ALL\n');
  const file = (d: string, f: string) => sqlString(join(d, f));
  const events = (d: string) => sqlString(join(d, 'events', '**', '*.parquet'));
  await conn.run(`CREATE VIEW main.events AS ${union((d, k) => `SELECT * REPLACE (
      (event_id + ${k} * ${EVENT_STRIDE}::BIGINT)::BIGINT AS event_id, (source_id + ${k * SOURCE_STRIDE})::INTEGER AS source_id,
      vclock::JSON AS vclock, attrs::JSON AS attrs)
    FROM read_parquet(${events(d)}, hive_partitioning = false, union_by_name = true)`)}`);
  await conn.run(`CREATE VIEW main.sources AS ${union((d, k) => `SELECT * REPLACE ((source_id + ${k * SOURCE_STRIDE})::INTEGER AS source_id) FROM read_parquet(${file(d, 'sources.parquet')})`)}`);
  for (const t of ['rejects', 'replica_state'] as const) {
    await conn.run(`CREATE VIEW main.${t} AS ${union((d, k) => `SELECT * REPLACE ((source_id + ${k * SOURCE_STRIDE})::INTEGER AS source_id) FROM read_parquet(${file(d, `${t}.parquet`)})`)}`);
  }
  // one dataset's stored inference holds for it as it is (its fingerprint says so); shards read
  // together are other events (their ids moved, their messages meet): the inference is made again
  if (dirs.length === 1 && existsSync(join(dirs[0], 'inferred', 'inference_state.parquet'))) {
    for (const t of INFERRED_TABLES) await conn.run(`CREATE VIEW main.${t} AS SELECT * FROM read_parquet(${file(dirs[0], join('inferred', `${t}.parquet`))})`);
  }
}
