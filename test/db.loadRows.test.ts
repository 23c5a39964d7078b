/**
 * db/load.ts: rows made in JavaScript into a temp table, in batches (one document of every row is an
 * allocation DuckDB cannot evict; at 10 GB of word-soup logs that ran the inference out of memory).
 * The table must hold every row once, in order, with its types, whatever the number of batches.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadRows } from '../src/db/load.js';

const COLUMNS = { id: 'INTEGER', name: 'VARCHAR', src: 'INTEGER[]', lit: 'VARCHAR[]', flag: 'BOOLEAN' };

async function roundTrip(rows: Record<string, unknown>[]) {
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  try {
    await loadRows(conn, 'ol_t', COLUMNS, rows);
    const r = await conn.runAndReadAll('SELECT id, name, src, lit, flag FROM ol_t');
    const types = (await conn.runAndReadAll("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'ol_t' ORDER BY column_index")).getRows();
    return { rows: r.getRowObjectsJson(), types };
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

describe('loadRows', () => {
  it('no rows: an empty table with the columns and their types', async () => {
    const { rows, types } = await roundTrip([]);
    expect(rows).toEqual([]);
    expect(types).toEqual([['id', 'INTEGER'], ['name', 'VARCHAR'], ['src', 'INTEGER[]'], ['lit', 'VARCHAR[]'], ['flag', 'BOOLEAN']]);
  });

  it('every row once and in order, across batches; undefined and null are NULL; quotes and unicode survive', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({
        name: fc.option(fc.string({ unit: 'grapheme' }), { nil: undefined }),
        src: fc.option(fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 4 }), { nil: null }),
        lit: fc.array(fc.option(fc.string(), { nil: null }), { maxLength: 3 }),
        flag: fc.boolean(),
      }), { maxLength: 30 }),
      fc.integer({ min: 0, max: 4_500 }),
      async (sample, n) => {
        const rows = Array.from({ length: n }, (_, i) => ({ id: i, ...(sample.length ? sample[i % sample.length] : { flag: true, lit: [] }) }));
        const got = (await roundTrip(rows)).rows;
        expect(got).toHaveLength(n);
        got.forEach((g, i) => {
          const want = rows[i] as Record<string, unknown>;
          expect(g).toEqual({ id: i, name: want.name ?? null, src: want.src ?? null, lit: want.lit, flag: want.flag });
        });
      },
    ), { numRuns: 12 });
  });
});
