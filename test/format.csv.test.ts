/**
 * The `csv` format: header row → field names mapped like JSON fields, RFC 4180 quoting,
 * quoted newlines as continuation lines (accounting holds), JSON-object cells mapped
 * too, a pod column naming the node, detection.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { orderline, orderlineJson, sqlRows, tempDir } from './helpers/cli.js';

const tmp = tempDir('orderline-csv-');
afterAll(() => tmp.cleanup());
let n = 0;

function ingest(name: string, text: string, ...args: string[]) {
  const dir = join(tmp.dir, `case-${++n}`, 'host-x');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, text);
  const db = join(tmp.dir, `case-${n}`, 'db.duckdb');
  const r = orderlineJson(['ingest', file, '--db', db, ...args]);
  expect(r.status, r.stderr).toBe(0);
  return { db, file, doc: r.doc };
}

/** lines = events + continued + rejected + blank, per source. */
function accounting(db: string) {
  return sqlRows<{ lines: number; events: number; continued: number; rejected: number; blank: number }>(
    db, 'SELECT lines, events, continued, rejected, blank FROM sources')[0];
}

describe('csv format', () => {
  it('maps header names like JSON fields; the header line is a reject; empty cells are absent', () => {
    const { db, doc } = ingest('app.csv', [
      'time,host,level,msg,key,op,phase,seq,Extra',
      '2026-01-02T03:04:05.123Z,node-a,warn,initialized with metadata from 4790 entities,tenant-7,Load,done,41,x',
      '2026-01-02T03:04:06Z,node-b,,plain,,,,,',
    ].join('\n'));
    expect(doc).toMatchObject({ events: 2, rejected: 1, sources: [{ format: 'csv', lines: 3, events: 2, rejected: 1 }] });
    expect(sqlRows(db, 'SELECT line, node, ts, level, message, key, op, phase, seq, count, attrs FROM events ORDER BY line')).toEqual([
      { line: 2, node: 'node-a', ts: '2026-01-02T03:04:05.123Z', level: 'WARN', message: 'initialized with metadata from 4790 entities',
        key: 'tenant-7', op: 'Load', phase: 'completed', seq: 41, count: 4790, attrs: { Extra: 'x' } },
      { line: 3, node: 'node-b', ts: '2026-01-02T03:04:06.000Z', level: null, message: 'plain', key: null, op: null, phase: null, seq: null, count: null, attrs: null },
    ]);
    expect(sqlRows(db, 'SELECT line, reason FROM rejects')).toEqual([{ line: 1, reason: 'CSV header (column names)' }]);
  });

  it('reads quoted commas, doubled quotes and quoted newlines (continuation lines; accounting holds)', () => {
    const { db } = ingest('q.csv', [
      'ts,node,msg,component',
      '2026-01-02T03:04:05Z,a,"one, two ""three""",c1',
      '2026-01-02T03:04:06Z,a,"stack:',
      '  at x()',
      '  at y()",c2',
      '2026-01-02T03:04:07Z,a,after,c3',
    ].join('\n'));
    expect(sqlRows(db, 'SELECT line, message, component FROM events ORDER BY line')).toEqual([
      { line: 2, message: 'one, two "three"', component: 'c1' },
      { line: 3, message: 'stack:\n  at x()\n  at y()', component: 'c2' },
      { line: 6, message: 'after', component: 'c3' },
    ]);
    const a = accounting(db);
    expect(a).toEqual({ lines: 6, events: 3, continued: 2, rejected: 1, blank: 0 });
    expect(a.lines).toBe(a.events + a.continued + a.rejected + a.blank);
  });

  it('rejects a record with the wrong number of cells, and a quote never closed (the lines after it are read again)', () => {
    const { db } = ingest('bad.csv', [
      'ts,node,msg',
      '2026-01-02T03:04:05Z,a,ok',
      '2026-01-02T03:04:06Z,a,too,many',
      '2026-01-02T03:04:07Z,a,"never closed',
      '2026-01-02T03:04:08Z,a,fine again',
    ].join('\n'), '--format', 'csv'); // ragged records fail detection, which wants consistent records
    expect(sqlRows(db, 'SELECT line, message FROM events ORDER BY line')).toEqual([
      { line: 2, message: 'ok' },
      { line: 5, message: 'fine again' },
    ]);
    expect(sqlRows(db, 'SELECT line, reason FROM rejects ORDER BY line')).toEqual([
      { line: 1, reason: 'CSV header (column names)' },
      { line: 3, reason: 'CSV record has 4 cells, the header 3' },
      { line: 4, reason: 'quoted field not closed before the end of the file' },
    ]);
    const a = accounting(db);
    expect(a.lines).toBe(a.events + a.continued + a.rejected + a.blank);
  });

  it('maps the fields of a JSON-object cell (a Docker json-file line), and of JSON inside its log', () => {
    const docker = (log: string) => JSON.stringify({ log: `${log}\n`, stream: 'stdout', time: '2026-01-02T03:04:05.5Z' });
    const cell = (s: string) => `"${s.replaceAll('"', '""')}"`;
    const { db } = ingest('pods.csv', [
      'Timestamp,Node,PodName,TraceID,Log',
      `2026-01-02T03:04:05.123456789Z,10.0.0.7,shop-7d9f8c6b5-x2x9q,abc123,${cell(docker('17:20:29.294 ERROR o.a.Foo#12 failed'))}`,
      `2026-01-02T03:04:06Z,10.0.0.8,cart-5b6c7d8e9f-k8k8k,def456,${cell(docker(JSON.stringify({ severity: 'warning', message: 'slow cart' })))}`,
    ].join('\n'));
    expect(sqlRows(db, 'SELECT line, node, ts, level, causal_id, message, attrs FROM events ORDER BY line')).toEqual([
      { line: 2, node: 'shop-7d9f8c6b5-x2x9q', ts: '2026-01-02T03:04:05.123456Z', level: null, causal_id: 'abc123',
        message: '17:20:29.294 ERROR o.a.Foo#12 failed', attrs: { Node: '10.0.0.7', stream: 'stdout', time: '2026-01-02T03:04:05.5Z' } },
      { line: 3, node: 'cart-5b6c7d8e9f-k8k8k', ts: '2026-01-02T03:04:06.000Z', level: 'WARN', causal_id: 'def456',
        message: 'slow cart', attrs: { Node: '10.0.0.8', stream: 'stdout', time: '2026-01-02T03:04:05.5Z' } },
    ]);
  });

  it('a pod field names the node in JSON lines too; without node fields --node applies', () => {
    const dir = join(tmp.dir, `case-${++n}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'k.jsonl');
    writeFileSync(file, `${JSON.stringify({ ts: '2026-01-02T03:04:05Z', host: 'ip-10-0-0-1', pod: 'api-0', msg: 'x' })}\n`);
    const db = join(dir, 'db.duckdb');
    expect(orderline(['ingest', file, '--db', db]).status).toBe(0);
    expect(sqlRows(db, 'SELECT node, attrs FROM events')).toEqual([{ node: 'api-0', attrs: { host: 'ip-10-0-0-1' } }]);
    const plain = ingest('plain.csv', 'ts,msg,status\n2026-01-02T03:04:05Z,hello,200\n', '--node', 'given');
    expect(sqlRows(plain.db, 'SELECT node, message FROM events')).toEqual([{ node: 'given', message: 'hello' }]);
  });

  it('is detected by a header of three or more names and records of as many cells; other formats are not csv', () => {
    const dir = join(tmp.dir, `case-${++n}`);
    mkdirSync(dir, { recursive: true });
    const files: Record<string, string> = {
      'a.csv': 'ts,node,msg\n2026-01-02T03:04:05Z,a,"x, y"\n2026-01-02T03:04:06Z,a,z\n',
      'two-columns.csv': 'ts,msg\n2026-01-02T03:04:05Z,x\n',
      'ragged.csv': 'ts,node,msg\n1,2\n3,4,5,6\n',
      'logfmt.log': 'ts=2026-01-02T03:04:05Z level=info msg="a, b, c"\nts=2026-01-02T03:04:06Z level=info msg="d, e, f"\n',
      'java.log': '2026-01-02 03:04:05,123 INFO [main] a.b.C: one, two, three\n2026-01-02 03:04:06,123 INFO [main] a.b.C: four, five, six\n',
    };
    const expected: Record<string, string> = { 'a.csv': 'csv', 'two-columns.csv': 'text', 'ragged.csv': 'text', 'logfmt.log': 'logfmt', 'java.log': 'hadoop' };
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(dir, name), text);
      const r = orderlineJson(['detect', join(dir, name)]);
      expect([name, r.doc.format]).toEqual([name, expected[name]]);
    }
  });
});
