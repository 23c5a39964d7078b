/**
 * Answers an on-call engineer can trust (issue 9): a database that does not exist, a key or
 * node that names nothing, an empty database are said in one line, never answered with
 * "nothing found"; databases are opened read-only, so nothing can be destroyed by accident
 * and several readers work at once; data dropped by hand loads again.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, orderline, orderlineJson, ROOT, sqlRows, tempDir } from './helpers/cli.js';

const tmp = tempDir('orderline-trust-');
const db = join(tmp.dir, 'incident.duckdb');
const logs = join(ROOT, 'samples', 'structured', 'logs');
beforeAll(() => {
  const r = orderline(['ingest', logs, '--db', db]);
  if (r.status !== 0) throw new Error(r.stderr);
});
afterAll(() => tmp.cleanup());

/** Every command that reads a database, with the arguments it needs besides --db. */
const READERS: [string, string[]][] = [
  ['diverge', []], ['anomalies', []], ['affected', []], ['replicas', []], ['skew', []], ['propagation', ['--key', 'customer-1017']],
  ['timeline', ['--key', 'customer-1017']], ['query', ['events_per_node']], ['sql', ['SELECT 1']],
];

describe('a database that does not exist', () => {
  it.each(READERS)('%s refuses it: one line, exit 2, nothing created', (cmd, args) => {
    const nope = join(tmp.dir, 'nope.duckdb');
    const r = orderline([cmd, ...args, '--db', nope]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`orderline: ${nope}: no such database (orderline ingest LOGS --db ${nope} makes one; orderline investigate writes DIR/incident.duckdb)\n`);
    expect(existsSync(nope)).toBe(false);
    expect(existsSync(`${nope}.wal`)).toBe(false);
  });
});

describe('what names nothing is said, never answered as "nothing found"', () => {
  it.each([
    [['diverge', '--key', 'nosuchkey'], /^orderline: no events have key "nosuchkey" \(some keys: /],
    [['diverge', '--node', 'node-z'], /^orderline: no events have node "node-z" \(some nodes: node-a, node-b/],
    [['diverge', '--key', 'customer-10'], /^orderline: no events have key "customer-10" \(similar keys: customer-1001, /],
    [['propagation', '--key', 'nosuchkey'], /^orderline: no events have key "nosuchkey"/],
    [['timeline', '--key', 'nosuchkey'], /^orderline: no events have key "nosuchkey"/],
  ])('%j: exit 1, one line', (args, message) => {
    const r = orderline([...args, '--db', db]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('a saved query whose key matches nothing runs (exit 0) and says so on stderr', () => {
    const r = orderline(['query', 'key_timeline', '--param', 'key=nosuchkey', '--db', db]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^orderline: note: --param key=nosuchkey: no events have key "nosuchkey"/);
  });

  it('an empty database is said to be empty', () => {
    const empty = join(tmp.dir, 'empty.duckdb');
    expect(orderline(['sql', 'SELECT 1', '--db', empty, '--write']).status).toBe(0);
    for (const cmd of ['diverge', 'anomalies', 'affected', 'skew']) {
      const r = orderline([cmd, '--db', empty]);
      expect([r.status, r.stderr], cmd).toEqual([1, `orderline: ${empty}: the database holds no events (orderline ingest LOGS --db ${empty} loads some)\n`]);
    }
  });
});

describe('read-only by default', () => {
  it('sql cannot change the database without --write', () => {
    const r = orderline(['sql', 'DROP TABLE events', '--db', db]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^orderline: sql: the database is open read-only; add --write to change it/);
    expect(sqlRows(db, 'SELECT count(*)::INTEGER AS n FROM events')[0].n).toBeGreaterThan(1000);
  });

  it('several readers at once: two queries and an analysis while another reader holds the database', async () => {
    const run = (args: string[]) => new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      p.stderr.on('data', (b) => (stderr += b));
      p.on('close', (status) => resolve({ status, stderr }));
    });
    const slow = `SELECT count(*) FROM range(30000000) a, (SELECT 1) b WHERE a.range % 7 = 3`;
    const results = await Promise.all([
      run(['sql', slow, '--db', db]), run(['sql', 'SELECT count(*) FROM events', '--db', db]),
      run(['diverge', '--db', db, '--json']), run(['query', 'events_per_node', '--db', db]),
    ]);
    for (const r of results) expect(r, r.stderr).toEqual({ status: 0, stderr: '' });
  });

  it('with --write a table can be dropped; ingest then loads the files again instead of calling them loaded', () => {
    const copy = join(tmp.dir, 'dropped.duckdb');
    expect(orderline(['ingest', logs, '--db', copy]).status).toBe(0);
    const before = sqlRows<{ n: number }>(copy, 'SELECT count(*)::INTEGER AS n FROM events')[0].n;
    expect(orderline(['sql', 'DROP TABLE events', '--db', copy, '--write']).status).toBe(0);
    const lost = orderline(['diverge', '--db', copy]);
    expect([lost.status, lost.stderr]).toEqual([1, `orderline: ${copy}: not an orderline database (it has no events table; orderline ingest LOGS --db ${copy} makes one)\n`]);
    const again = orderlineJson(['ingest', logs, '--db', copy]);
    expect(again.status).toBe(0);
    expect(again.doc.events).toBe(before);
    expect(again.stderr).toMatch(/events are gone from events: loading it again/);
    expect(sqlRows<{ n: number }>(copy, 'SELECT count(*)::INTEGER AS n FROM events')[0].n).toBe(before);
    expect(sqlRows<{ n: number }>(copy, 'SELECT count(*)::INTEGER AS n FROM sources')[0].n).toBe(4);
  });
});

describe('a DuckDB file whose tables are not orderline\'s is refused on open, untouched', () => {
  /** A database file made by "another program": the given tables and nothing else. */
  async function foreign(name: string, ddl: string): Promise<string> {
    const path = join(tmp.dir, name);
    const inst = await DuckDBInstance.create(path);
    const conn = await inst.connect();
    await conn.run(ddl);
    conn.closeSync();
    inst.closeSync();
    return path;
  }
  async function tables(path: string): Promise<string[]> {
    const inst = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
    const conn = await inst.connect();
    const r = await conn.runAndReadAll('SELECT table_name FROM duckdb_tables() ORDER BY 1');
    conn.closeSync();
    inst.closeSync();
    return r.getRows().map((row) => String(row[0]));
  }

  it.each([...READERS, ['ingest', [logs]], ['ingest', [logs, '--jobs', '3']]] as [string, string[]][])(
    '%s %j: exit 1, one line naming the file and the missing columns', async (cmd, args) => {
      const path = await foreign(`foreign-${cmd}-${args.length}.duckdb`, 'CREATE TABLE events (x INTEGER); INSERT INTO events VALUES (1)');
      const r = orderline([cmd, ...args, '--db', path]);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toBe(`orderline: ${path}: not an orderline database: table events has no columns event_id, source_id, line, node, … (23 in all) ` +
        '(made by another program or an older orderline; give another --db)\n');
      expect(await tables(path)).toEqual(['events']);
    });

  it('a table of an older orderline, short of one column, is named with that column', async () => {
    const path = await foreign('older.duckdb', 'CREATE TABLE rejects (source_id INTEGER, line INTEGER, reason VARCHAR)');
    const r = orderline(['ingest', logs, '--db', path]);
    expect([r.status, r.stderr]).toEqual([1, `orderline: ${path}: not an orderline database: table rejects has no column raw ` +
      '(made by another program or an older orderline; give another --db)\n']);
  });

  it('a database of orderline\'s own tables, with tables of the user\'s beside them, still opens', async () => {
    const path = await foreign('mine.duckdb', 'CREATE TABLE notes (what VARCHAR)');
    expect(orderline(['ingest', logs, '--db', path]).status).toBe(0);
    expect(orderline(['diverge', '--db', path, '--json']).status).toBe(0);
    expect(await tables(path)).toContain('notes');
  });
});

describe('a memory limit reached is said in one line, with what to do', () => {
  // the free-text incident: its inference and analyses need more than 16 MB of DuckDB's memory
  const freeText = join(tmp.dir, 'free-text.duckdb');
  beforeAll(() => {
    const r = orderline(['ingest', join(ROOT, 'samples', 'incident', 'logs'), '--db', freeText]);
    if (r.status !== 0) throw new Error(r.stderr);
  });
  const HINT = /^orderline: Out of Memory Error: [^\n]* — DuckDB reached orderline's memory limit: raise it with --memory-limit \(e\.g\. --memory-limit 4GB\) or \$ORDERLINE_MEMORY_LIMIT\n$/;

  it.each([['diverge', []], ['affected', []], ['timeline', ['--key', 'u:91815']]] as [string, string[]][])(
    '%s under --memory-limit 16MB: exit 1, one line naming the option and the variable', (cmd, args) => {
      const r = orderline([cmd, ...args, '--db', freeText, '--memory-limit', '16MB']);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(HINT);
    });

  it('the same through $ORDERLINE_MEMORY_LIMIT, and the default limit answers', () => {
    const r = orderline(['diverge', '--db', freeText], { env: { ORDERLINE_MEMORY_LIMIT: '16MB' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(HINT);
    expect(orderline(['diverge', '--db', freeText]).status).toBe(0);
  });

  it('a limit below 16 MB is refused before anything runs (exit 2)', () => {
    const r = orderline(['diverge', '--db', freeText, '--memory-limit', '15MB']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('orderline: --memory-limit takes a size of at least 16MB, such as 512MB, 2GB, 1.5GiB or 25% (of RAM), not "15MB"\n');
  });
});
