/**
 * A source's transaction never outlives a failed start: were it left open, every later file of
 * the same ingest would fail with "cannot start a transaction within a transaction".
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { SourceLoader } from '../src/load/sourceLoader.js';

describe('SourceLoader.begin', () => {
  it('rolls its transaction back when the first query fails, and the connection goes on', async () => {
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    try {
      await conn.run('CREATE TABLE sources (x INTEGER); CREATE TABLE events (x INTEGER)');
      await expect(SourceLoader.begin(conn)).rejects.toThrow(/source_id/);
      await conn.run('BEGIN TRANSACTION'); // throws if the failed start left its transaction open
      await conn.run('ROLLBACK');
      await conn.run('DROP TABLE sources; DROP TABLE events');
      await conn.run('CREATE TABLE sources (source_id INTEGER); CREATE TABLE events (event_id BIGINT)');
      const loader = await SourceLoader.begin(conn);
      expect(loader.sourceId).toBe(1);
      await loader.rollback();
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
  });
});
