/** replicas: dumps in three shapes → replica_state, and every key classified, with exact answers. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { orderline, orderlineJson, sqlRows, tempDir } from './helpers/cli.js';

const tmp = tempDir('orderline-replicas-');
afterAll(() => tmp.cleanup());

function dumps(name: string, files: Record<string, string>): { dir: string; db: string; paths: string[] } {
  const dir = join(tmp.dir, name);
  mkdirSync(join(dir, 'replicas'), { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, 'replicas', f), text);
  return { dir, db: join(dir, 'r.duckdb'), paths: Object.keys(files).map((f) => `replicas/${f}`) };
}

const THREE = {
  'r1.ndjson': [
    { key: 'same', value: 'v1', version: 3 },
    { key: 'odd', value: 'good', version: 5 },
    { key: 'gone', value: 'here' },
    { key: 'split', value: 'x' },
  ].map((o) => JSON.stringify(o)).join('\n') + '\n',
  // header, a quoted value with a comma and a line break (rows start on lines 2, 3, 5, 6)
  'r2.csv': 'key,value,version,writetime\nsame,v1,3,2026-01-01T00:00:00Z\nodd,"stale, from\nbefore",4,1767225600000000\ngone,here,,\nsplit,y,,\n',
  'r3.json': JSON.stringify([
    { key: 'same', value: 'v1', version: 3 },
    { key: 'odd', value: 'good', version: 5 },
    { key: 'split', value: { z: 1 } },
  ]),
};

describe('replicas', () => {
  it('classifies every key: agree, one_differs (odd replica named, missing counts as null), all_differ', () => {
    const { dir, db, paths } = dumps('three', THREE);
    const { status, doc, stderr } = orderlineJson(['replicas', ...paths, '--db', db], { cwd: dir });
    expect(status).toBe(0);
    expect(stderr).toContain('replicas/r2.csv: replica r2, 4 rows');
    expect(doc).toEqual({
      summary: { agree: 1, one_differs: 2, all_differ: 1 },
      keys: [
        {
          key: 'gone', class: 'one_differs', odd_replica: 'r3',
          values: { r1: 'here', r2: 'here', r3: null },
          versions: { r1: null, r2: null, r3: null },
          writetimes: { r1: null, r2: null, r3: null },
          evidence: { r1: 'replicas/r1.ndjson:3', r2: 'replicas/r2.csv:5', r3: null },
        },
        {
          key: 'odd', class: 'one_differs', odd_replica: 'r2',
          values: { r1: 'good', r2: 'stale, from\nbefore', r3: 'good' },
          versions: { r1: 5, r2: 4, r3: 5 },
          writetimes: { r1: null, r2: '2026-01-01T00:00:00.000Z', r3: null },
          evidence: { r1: 'replicas/r1.ndjson:2', r2: 'replicas/r2.csv:3', r3: 'replicas/r3.json:2' },
        },
        {
          key: 'split', class: 'all_differ', odd_replica: null,
          values: { r1: 'x', r2: 'y', r3: '{"z":1}' },
          versions: { r1: null, r2: null, r3: null },
          writetimes: { r1: null, r2: null, r3: null },
          evidence: { r1: 'replicas/r1.ndjson:4', r2: 'replicas/r2.csv:6', r3: 'replicas/r3.json:3' },
        },
      ],
    });
    // every row cites its dump and line
    const rows = sqlRows(db, `SELECT r.replica, r.key, s.path, s.format, r.line FROM replica_state r JOIN sources s USING (source_id)
      WHERE r.replica = 'r2' ORDER BY r.line`);
    expect(rows).toEqual([
      { replica: 'r2', key: 'same', path: 'replicas/r2.csv', format: 'replica-dump', line: 2 },
      { replica: 'r2', key: 'odd', path: 'replicas/r2.csv', format: 'replica-dump', line: 3 },
      { replica: 'r2', key: 'gone', path: 'replicas/r2.csv', format: 'replica-dump', line: 5 },
      { replica: 'r2', key: 'split', path: 'replicas/r2.csv', format: 'replica-dump', line: 6 },
    ]);
    // the readable table
    const t = orderline(['replicas', '--db', db], { cwd: dir });
    expect(t.stdout).toContain('1 keys agree, 2 one_differs, 1 all_differ');
    expect(t.stdout).toMatch(/odd\s+one_differs\s+r2/);
  });

  it('loading the same dump again adds nothing; a new dump of a replica replaces its rows', () => {
    const { dir, db, paths } = dumps('reload', THREE);
    expect(orderline(['replicas', ...paths, '--db', db], { cwd: dir }).status).toBe(0);
    const again = orderline(['replicas', ...paths, '--db', db, '--json'], { cwd: dir });
    expect(again.status).toBe(0);
    expect(again.stderr).toContain('already loaded');
    expect(sqlRows(db, 'SELECT count(*) AS n FROM replica_state')).toEqual([{ n: 11 }]);
    expect(sqlRows(db, "SELECT count(*) AS n FROM sources WHERE format = 'replica-dump'")).toEqual([{ n: 3 }]);
    // r2 repaired: now everything but 'gone' on r3 and 'split' agrees
    mkdirSync(join(dir, 'later'));
    writeFileSync(join(dir, 'later', 'r2.ndjson'), ['same', 'odd', 'gone'].map((k) => JSON.stringify({ key: k, value: k === 'same' ? 'v1' : k === 'odd' ? 'good' : 'here' })).join('\n') + '\n');
    const { doc, stderr } = orderlineJson(['replicas', 'later/r2.ndjson', '--db', db], { cwd: dir });
    expect(stderr).toContain('replaced the earlier dump');
    expect(doc.summary).toEqual({ agree: 2, one_differs: 1, all_differ: 1 });
    expect(doc.keys.map((k: any) => [k.key, k.class, k.odd_replica])).toEqual([['gone', 'one_differs', 'r3'], ['split', 'all_differ', null]]);
    expect(doc.keys[1].values).toEqual({ r1: 'x', r2: null, r3: '{"z":1}' });
    expect(sqlRows(db, "SELECT count(*) AS n FROM sources WHERE format = 'replica-dump'")).toEqual([{ n: 3 }]);
  });

  it('two replicas only: a difference has no odd one (all_differ); duplicates in a dump: highest version wins', () => {
    const { dir, db } = dumps('two', {
      'a.jsonl': '{"key":"k","value":"old","version":1}\n{"key":"k","value":"new","version":2}\n{"key":"j","value":"1"}\n',
      'b.jsonl': '{"key":"k","value":"new","version":2}\n{"key":"j","value":"2"}\n',
    });
    const { doc } = orderlineJson(['replicas', 'replicas/a.jsonl', 'replicas/b.jsonl', '--db', db], { cwd: dir });
    expect(doc.summary).toEqual({ agree: 1, one_differs: 0, all_differ: 1 });
    expect(doc.keys).toEqual([{ key: 'j', class: 'all_differ', odd_replica: null, values: { a: '1', b: '2' }, versions: { a: null, b: null }, writetimes: { a: null, b: null },
      evidence: { a: 'replicas/a.jsonl:3', b: 'replicas/b.jsonl:2' } }]);
  });

  it('identical dumps of two replicas both load (the same bytes are "already loaded" only for the same replica)', () => {
    const same = '{"key":"k","value":"bad"}\n';
    const { dir, db } = dumps('identical', { 'a.ndjson': '{"key":"k","value":"good"}\n', 'b.ndjson': same, 'c.ndjson': same });
    // a directory stands for the dumps in it
    const { doc } = orderlineJson(['replicas', 'replicas', '--db', db], { cwd: dir });
    expect(doc.keys.map((k: any) => [k.key, k.class, k.odd_replica])).toEqual([['k', 'one_differs', 'a']]);
  });

  it('with no database: a usage error, nothing created; a dump without key fails with its file and line (exit 1)', () => {
    const { dir, db } = dumps('bad', { 'x.ndjson': '{"key":"a","value":"1"}\n{"value":"2"}\n' });
    const none = orderline(['replicas', '--db', db]);
    expect([none.status, none.stdout]).toEqual([2, '']);
    expect(none.stderr).toMatch(/^orderline: .*r\.duckdb: no such database/);
    expect(existsSync(db)).toBe(false);
    const r = orderline(['replicas', 'replicas/x.ndjson', '--db', db], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('orderline: replicas/x.ndjson:2: no "key"\n');
    expect(sqlRows(db, 'SELECT count(*) AS n FROM replica_state')).toEqual([{ n: 0 }]);
  });
});
