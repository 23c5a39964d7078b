import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { orderlineJson, sqlRows, tempDir } from './helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

// Ingest into a file database runs under a small DuckDB memory_limit; DuckDB's CSV reader
// needs buffers larger than the longest staged row, so an event far longer than any line
// (continuation lines joined into one message) must still load.
describe('ingest of very long events into a file database', () => {
  it('loads a 40 MB event joined from continuation lines, beside ordinary ones', () => {
    const dir = join(tmp.dir, 'node-a');
    mkdirSync(dir);
    const file = join(dir, 'app.jsonl');
    const cont = `\t${'at com.example.Frame.method(Frame.java:42) '.repeat(24)}`; // ~1 KB, under --max-line-bytes
    const lines = [JSON.stringify({ ts: '2026-11-27T14:30:00Z', level: 'error', msg: 'boom', key: 'k1' })];
    for (let i = 0; i < 40_000; i++) lines.push(cont);
    lines.push(JSON.stringify({ ts: '2026-11-27T14:30:01Z', level: 'info', msg: 'after', key: 'k2' }));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const db = join(tmp.dir, 'long.duckdb');

    const { status, doc, stderr } = orderlineJson(['ingest', file, '--db', db, '--format', 'jsonl']);
    expect(status, stderr).toBe(0);
    expect(doc).toMatchObject({ events: 2, rejected: 0, sources: [{ lines: 40_002, events: 2, rejected: 0, continued: 40_000 }] });
    const rows = sqlRows<{ key: string; len: number; tail: string }>(db,
      'SELECT key, length(message) AS len, right(message, 12) AS tail FROM events ORDER BY line');
    expect(rows).toEqual([
      { key: 'k1', len: 4 + 40_000 * (1 + cont.length), tail: cont.slice(-12) },
      { key: 'k2', len: 5, tail: 'after' },
    ]);
  });
});
