/**
 * The Parquet dataset (issue 12, contract §8), through the real CLI: `orderline export DIR`
 * writes it, every analysis reads it with `--db DIR` and gives what it gives on the DuckDB file,
 * and a folder of shards' datasets (each machine ingested a share, by `--shard K/N`) reads as
 * one archive with the same answers as one ingest of everything.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { orderline, orderlineJson, sqlRows, tempDir } from './helpers/cli.js';

const tmp = tempDir('orderline-dataset-');
afterAll(() => tmp.cleanup());

const LOGS = 'samples/structured/logs';
const DUMPS = 'samples/structured/replicas';
const KEY = 'customer-1017';

/** Every analysis as JSON, on one --db. */
function analyses(db: string): Record<string, unknown> {
  const run = (args: string[]) => {
    const r = orderlineJson([...args, '--db', db]);
    expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.doc;
  };
  const rows = (args: string[]) => {
    const r = orderline([...args, '--db', db, '--format', 'json']);
    expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return JSON.parse(r.stdout);
  };
  return {
    diverge: run(['diverge']),
    anomalies: run(['anomalies']),
    propagation: run(['propagation', '--key', KEY]),
    skew: run(['skew']),
    affected: rows(['affected']),
    timeline: rows(['timeline', '--key', KEY]),
    perNode: rows(['query', 'events_per_node']),
  };
}

describe('orderline export DIR and --db DIR', () => {
  const db = join(tmp.dir, 'incident.duckdb');
  const ing = orderline(['ingest', LOGS, '--db', db]);
  const rep = orderline(['replicas', DUMPS, '--db', db]);
  const dir = join(tmp.dir, 'dataset');
  const exp = orderlineJson(['export', dir, '--db', db]);

  it('writes events partitioned by node, and the other tables, as Parquet', () => {
    expect(ing.status, ing.stderr).toBe(0);
    expect(rep.status, rep.stderr).toBe(0);
    expect(exp.status, exp.stderr).toBe(0);
    const nodes = sqlRows(db, 'SELECT DISTINCT node FROM events ORDER BY node').map((r) => `node=${r.node}`);
    expect(readdirSync(join(dir, 'events')).sort()).toEqual(nodes);
    for (const f of ['sources.parquet', 'rejects.parquet', 'replica_state.parquet']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(exp.doc.events).toBe(sqlRows(db, 'SELECT count(*)::INTEGER AS n FROM events')[0].n);
  });

  it('every analysis reads the dataset with --db DIR and says what it says on the DuckDB file', () => {
    expect(analyses(dir)).toEqual(analyses(db));
  });

  it('carries the stored inference, so a reader of one dataset does not make it again', () => {
    expect(existsSync(join(dir, 'inferred', 'inferred_events.parquet'))).toBe(true);
    const r = orderline(['sql', "SELECT count(*)::INTEGER AS n FROM duckdb_views() WHERE view_name = 'inferred_events' AND NOT temporary", '--db', dir, '--format', 'json']);
    expect(JSON.parse(r.stdout)).toEqual([{ n: 1 }]);
    // and the temp tables of a fresh run were not made
    const t = orderline(['sql', "SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = 'inferred_events' AND temporary", '--db', dir, '--format', 'json']);
    expect(JSON.parse(t.stdout)).toEqual([{ n: 0 }]);
  });

  it('sql and replicas read it too; writing to it is refused', () => {
    const a = orderline(['sql', 'SELECT count(*) AS n, count(DISTINCT source_id) AS s FROM events', '--db', dir, '--format', 'json']);
    const b = orderline(['sql', 'SELECT count(*) AS n, count(DISTINCT source_id) AS s FROM events', '--db', db, '--format', 'json']);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const w = orderline(['ingest', LOGS, '--db', dir]);
    expect(w.status).toBe(2);
    expect(w.stderr).toContain('a Parquet dataset is read only');
    const again = orderline(['export', dir, '--db', db]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('exists and is not empty');
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    const e = orderline(['diverge', '--db', empty]);
    expect(e.status).toBe(2);
    expect(e.stderr).toContain('neither a Parquet dataset');
  });

  it('--shard K/N: stable, disjoint shares; their datasets in one folder read as one archive, with the same findings as one ingest', () => {
    const shards = join(tmp.dir, 'shards');
    const all = orderlineJson(['ingest', LOGS, '--db', join(tmp.dir, 'all.duckdb')]).doc.sources.map((s: { path: string }) => s.path).sort();
    const seen: string[] = [];
    for (const k of [1, 2, 3]) {
      const sdb = join(tmp.dir, `shard-${k}.duckdb`);
      const r = orderlineJson(['ingest', LOGS, '--shard', `${k}/3`, '--db', sdb]);
      expect(r.status, r.stderr).toBe(0);
      const mine = r.doc.sources.map((s: { path: string }) => s.path);
      // the same share again: the same files
      expect(orderlineJson(['ingest', LOGS, '--shard', `${k}/3`, '--db', join(tmp.dir, `again-${k}.duckdb`)]).doc.sources.map((s: { path: string }) => s.path)).toEqual(mine);
      seen.push(...mine);
      const e = orderline(['export', join(shards, `shard-${k}`), '--db', sdb]);
      expect(e.status, e.stderr).toBe(0);
    }
    expect(seen.sort()).toEqual(all);
    const one = join(tmp.dir, 'all.duckdb');
    const strip = (d: Record<string, unknown>) => ({ ...d, perNode: undefined, skew: undefined });
    // diverge, anomalies, propagation, affected and timeline cite files and lines, not ids: the same
    expect(strip(analyses(shards))).toEqual(strip(analyses(one)));
    const n = sqlRows(one, 'SELECT count(*)::INTEGER AS n FROM events')[0].n;
    const r = orderline(['sql', 'SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM events', '--db', shards, '--format', 'json']);
    expect(JSON.parse(r.stdout)).toEqual([{ n, ids: n }]);
  });

  it('--shard takes K/N with 1 <= K <= N (exit 2 otherwise)', () => {
    for (const bad of ['0/3', '4/3', '1/0', 'two/3', '1']) {
      const r = orderline(['ingest', LOGS, '--shard', bad, '--db', join(tmp.dir, 'bad.duckdb')]);
      expect(r.status, bad).toBe(2);
      expect(r.stderr).toContain('--shard takes K/N');
    }
  });
});
