/**
 * `orderline ingest` end to end on every input issue 2 names: how files are found
 * (directories, globs, stdin, gzip), re-ingest, where the node comes from, time zones
 * and epochs, each structured format, message pairs and counts, the `sources` row and
 * the `--json` document. Each test runs the real CLI on its own DuckDB file.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { expectAccounting } from './helpers/accounting.js';
import { orderline, orderlineJson, sqlRows, tempDir, workspaces, write } from './helpers/cli.js';

const tmp = tempDir('orderline-inputs-');
afterAll(() => tmp.cleanup());

const workspace = workspaces(tmp.dir);

const jsonl = (...records: object[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('ingest: how files are found', () => {
  it('reads a directory recursively, sorted, skipping hidden entries; node = parent folder', () => {
    const { dir, db } = workspace();
    write(join(dir, 'logs', 'node-b', 'app.jsonl'), jsonl({ ts: '2026-01-01T00:00:02Z', msg: 'b1' }));
    write(join(dir, 'logs', 'node-a', 'app.jsonl'), jsonl({ ts: '2026-01-01T00:00:00Z', msg: 'a1' }, { ts: '2026-01-01T00:00:01Z', msg: 'a2' }));
    write(join(dir, 'logs', 'node-a', 'deep', 'er', 'worker.log'), 'ts=2026-01-01T00:00:03Z msg="deep one" op=Scan\n');
    write(join(dir, 'logs', '.hidden.jsonl'), jsonl({ msg: 'hidden file' }));
    write(join(dir, 'logs', '.git', 'x.jsonl'), jsonl({ msg: 'hidden folder' }));

    const { status, doc } = orderlineJson(['ingest', join(dir, 'logs'), '--db', db]);
    expect(status).toBe(0);
    expect(doc.sources.map((s: any) => [s.path.slice(dir.length + 1), s.format, s.node, s.events])).toEqual([
      ['logs/node-a/app.jsonl', 'jsonl', 'node-a', 2],
      ['logs/node-a/deep/er/worker.log', 'logfmt', 'er', 1],
      ['logs/node-b/app.jsonl', 'jsonl', 'node-b', 1],
    ]);
    expect(doc.events).toBe(4);
    expect(sqlRows(db, 'SELECT node, message FROM events ORDER BY event_id')).toEqual([
      { node: 'node-a', message: 'a1' }, { node: 'node-a', message: 'a2' },
      { node: 'er', message: 'deep one' }, { node: 'node-b', message: 'b1' },
    ]);
    expectAccounting(db);
  });

  it('expands a quoted glob itself', () => {
    const { dir, db } = workspace();
    write(join(dir, 'archive', 'n1', 'a.log.gz'), gzipSync(jsonl({ msg: 'n1 gz' })));
    write(join(dir, 'archive', 'n2', 'b.log.gz'), gzipSync(jsonl({ msg: 'n2 gz' })));
    write(join(dir, 'archive', 'n2', 'c.log'), jsonl({ msg: 'not matched' }));
    const { status, doc } = orderlineJson(['ingest', 'archive/**/*.log.gz', '--db', db], { cwd: dir });
    expect(status).toBe(0);
    expect(doc.sources.map((s: any) => s.path)).toEqual(['archive/n1/a.log.gz', 'archive/n2/b.log.gz']);
    expect(sqlRows(db, 'SELECT node, message FROM events ORDER BY event_id')).toEqual([
      { node: 'n1', message: 'n1 gz' }, { node: 'n2', message: 'n2 gz' },
    ]);
  });

  it('a glob that matches nothing fails that argument only (exit 1, one line naming it)', () => {
    const { dir, db } = workspace();
    write(join(dir, 'n', 'ok.jsonl'), jsonl({ msg: 'still loaded' }));
    const r = orderline(['ingest', 'nothing/*.log', 'n/ok.jsonl', '--db', db], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual(['nothing/*.log: no file matches this pattern']);
    expect(sqlRows(db, 'SELECT message FROM events')).toEqual([{ message: 'still loaded' }]);
  });

  it('reads standard input for -, with node "stdin" unless --node names one', () => {
    const { db } = workspace();
    const input = jsonl({ ts: '2026-01-01T00:00:00Z', msg: 'from a pipe' }, { ts: '2026-01-01T00:00:01Z', msg: 'second', host: 'named-host' });
    const { status, doc } = orderlineJson(['ingest', '-', '--db', db, '--node', 'pod-a'], { input });
    expect(status).toBe(0);
    expect(doc.sources).toEqual([expect.objectContaining({ path: '-', format: 'jsonl', node: null, lines: 2, events: 2 })]);
    expect(sqlRows(db, 'SELECT node, message FROM events ORDER BY line')).toEqual([
      { node: 'pod-a', message: 'from a pipe' }, { node: 'named-host', message: 'second' },
    ]);
    const other = workspace();
    const r = orderlineJson(['ingest', '-', '--db', other.db], { input: jsonl({ msg: 'no node' }) });
    expect(r.doc.sources[0]).toMatchObject({ path: '-', node: 'stdin' });
  });

  it('decompresses gzip by its magic bytes, with or without a .gz name', () => {
    const { dir, db } = workspace();
    const content = jsonl({ ts: '2026-01-01T00:00:00Z', msg: 'zipped one' }, { ts: '2026-01-01T00:00:01Z', msg: 'zipped two' });
    const named = write(join(dir, 'n', 'app.jsonl.gz'), gzipSync(content));
    const unnamed = write(join(dir, 'n', 'rotated.1'), gzipSync(content.replaceAll('zipped', 'plain-named')));
    const { status, doc } = orderlineJson(['ingest', named, unnamed, '--db', db]);
    expect(status).toBe(0);
    expect(doc.sources.map((s: any) => [s.format, s.lines, s.events, s.rejected])).toEqual([['jsonl', 2, 2, 0], ['jsonl', 2, 2, 0]]);
    expect(sqlRows(db, 'SELECT compressed, bytes FROM sources ORDER BY source_id')).toEqual([
      { compressed: true, bytes: statSync(named).size }, { compressed: true, bytes: statSync(unnamed).size },
    ]);
    expect(sqlRows(db, 'SELECT message FROM events ORDER BY event_id').map((r: any) => r.message))
      .toEqual(['zipped one', 'zipped two', 'plain-named one', 'plain-named two']);
  });
});

describe('ingest: re-ingest', () => {
  it('loads a file with a known sha256 nothing again, says so, and leaves the counts unchanged', () => {
    const { dir, db } = workspace();
    const a = write(join(dir, 'n', 'a.jsonl'), jsonl({ msg: 'one' }, { msg: 'two' }));
    write(join(dir, 'n', 'b.log'), 'ts=2026-01-01T00:00:00Z msg=three\n');
    const first = orderlineJson(['ingest', join(dir, 'n'), '--db', db]);
    expect(first.doc.events).toBe(3);

    write(join(dir, 'copy', 'same-bytes.jsonl'), readFileSync(a)); // another name, same content
    const again = orderlineJson(['ingest', join(dir, 'n'), join(dir, 'copy'), '--db', db]);
    expect(again.status).toBe(0);
    expect(again.doc.events).toBe(0);
    expect(again.doc.sources.map((s: any) => [s.skipped, s.duplicate_of, s.events])).toEqual([
      ['duplicate', 1, 0], ['duplicate', 2, 0], ['duplicate', 1, 0],
    ]);
    const said = again.stderr.trim().split('\n');
    expect(said).toHaveLength(3);
    for (const line of said) expect(line).toMatch(/already ingested \(same sha256 as source [12]\), nothing loaded$/);

    expect(sqlRows(db, 'SELECT (SELECT count(*) FROM sources) AS sources, (SELECT count(*) FROM events) AS events')).toEqual([{ sources: 2, events: 3 }]);
  });

  it('stdin with bytes already loaded is skipped too', () => {
    const { db } = workspace();
    const input = jsonl({ msg: 'piped twice' });
    orderlineJson(['ingest', '-', '--db', db], { input });
    const again = orderlineJson(['ingest', '-', '--db', db], { input });
    expect(again.status).toBe(0);
    expect(again.doc.sources[0]).toMatchObject({ path: '-', skipped: 'duplicate', duplicate_of: 1, events: 0 });
    expect(sqlRows(db, 'SELECT count(*) AS n FROM events')).toEqual([{ n: 1 }]);
  });
});

describe('ingest: node', () => {
  it('a field of the line wins over --node, which wins over the parent folder', () => {
    const { dir, db } = workspace();
    const file = write(join(dir, 'folder-node', 'app.jsonl'), jsonl(
      { msg: 'plain' },
      { msg: 'host field', host: 'h-1' },
      { msg: 'hostname field', hostname: 'h-2' },
      { msg: 'flat node.name', 'node.name': 'es-1' },
      { msg: 'nested node.name', node: { name: 'es-2' } },
      { msg: 'host.name', host: { name: 'otel-host' } },
      { msg: 'NODE upper case', NODE: 'n-upper' },
    ));
    orderlineJson(['ingest', file, '--db', db, '--node', 'cli-node']);
    expect(sqlRows(db, 'SELECT node FROM events ORDER BY line').map((r: any) => r.node))
      .toEqual(['cli-node', 'h-1', 'h-2', 'es-1', 'es-2', 'otel-host', 'n-upper']);
    expect(sqlRows(db, 'SELECT node FROM sources')).toEqual([{ node: null }]); // more than one node in the file

    const other = workspace();
    const f2 = write(join(other.dir, 'folder-node', 'app.jsonl'), jsonl({ msg: 'plain' }));
    const r = orderlineJson(['ingest', f2, '--db', other.db]);
    expect(r.doc.sources[0].node).toBe('folder-node');
    expect(sqlRows(other.db, 'SELECT node FROM events')).toEqual([{ node: 'folder-node' }]);
  });
});

describe('ingest: time', () => {
  it('--tz Europe/Berlin reads zone-less timestamps in that zone (winter and summer), and only those', () => {
    const { dir, db } = workspace();
    const j = write(join(dir, 'n', 'a.jsonl'), jsonl(
      { ts: '2026-01-15 10:00:00', msg: 'winter, no zone' },
      { ts: '2026-07-15T10:00:00.250', msg: 'summer, no zone' },
      { ts: '2026-07-15T10:00:00Z', msg: 'Z' },
      { ts: '2026-07-15T10:00:00+05:30', msg: 'offset' },
      { ts: 1768471200, msg: 'epoch' },
    ));
    const l = write(join(dir, 'n', 'b.log'), 'ts="2026-01-15 10:00:00,5" msg="logfmt, no zone"\n');
    const t = write(join(dir, 'n', 'c.txt'), '2026-01-15 10:00:00.125 plain text, no zone\n');
    const { status } = orderlineJson(['ingest', j, l, t, '--db', db, '--tz', 'Europe/Berlin']);
    expect(status).toBe(0);
    expect(sqlRows(db, 'SELECT ts, ts_corrected, message FROM events ORDER BY event_id')).toEqual([
      { ts: '2026-01-15T09:00:00.000Z', ts_corrected: '2026-01-15T09:00:00.000Z', message: 'winter, no zone' },
      { ts: '2026-07-15T08:00:00.250Z', ts_corrected: '2026-07-15T08:00:00.250Z', message: 'summer, no zone' },
      { ts: '2026-07-15T10:00:00.000Z', ts_corrected: '2026-07-15T10:00:00.000Z', message: 'Z' },
      { ts: '2026-07-15T04:30:00.000Z', ts_corrected: '2026-07-15T04:30:00.000Z', message: 'offset' },
      { ts: '2026-01-15T10:00:00.000Z', ts_corrected: '2026-01-15T10:00:00.000Z', message: 'epoch' },
      { ts: '2026-01-15T09:00:00.500Z', ts_corrected: '2026-01-15T09:00:00.500Z', message: 'logfmt, no zone' },
      { ts: '2026-01-15T09:00:00.125Z', ts_corrected: '2026-01-15T09:00:00.125Z', message: '2026-01-15 10:00:00.125 plain text, no zone' },
    ]);
  });

  it('recognises epoch seconds (float, zap/etcd style), milliseconds, microseconds and nanoseconds', () => {
    const { dir, db } = workspace();
    const file = write(join(dir, 'n', 'epochs.jsonl'), [
      '{"level":"info","ts":1674375668.1805167,"caller":"etcdserver/server.go:2133","msg":"zap float seconds"}',
      '{"ts":1674375668,"msg":"integer seconds"}',
      '{"ts":1674375668180,"msg":"milliseconds"}',
      '{"ts":1674375668180516,"msg":"microseconds"}',
      '{"ts":1674375668180516000,"msg":"nanoseconds"}',
      '{"ts":"1674375668180516999","msg":"nanoseconds as text"}',
      '{"time":"1674375668.25","msg":"seconds as text"}',
    ].join('\n'));
    orderlineJson(['ingest', file, '--db', db]);
    expect(sqlRows(db, 'SELECT ts, message FROM events ORDER BY line')).toEqual([
      { ts: '2023-01-22T08:21:08.180517Z', message: 'zap float seconds' },
      { ts: '2023-01-22T08:21:08.000Z', message: 'integer seconds' },
      { ts: '2023-01-22T08:21:08.180Z', message: 'milliseconds' },
      { ts: '2023-01-22T08:21:08.180516Z', message: 'microseconds' },
      { ts: '2023-01-22T08:21:08.180516Z', message: 'nanoseconds' },
      { ts: '2023-01-22T08:21:08.180516Z', message: 'nanoseconds as text' },
      { ts: '2023-01-22T08:21:08.250Z', message: 'seconds as text' },
    ]);
    expect(sqlRows(db, "SELECT component FROM events WHERE line = 1")).toEqual([{ component: 'etcdserver/server.go:2133' }]);
  });
});

describe('ingest: structured formats', () => {
  it('Elasticsearch 7 JSON: comma before the milliseconds, +0100, node.name', () => {
    const { dir, db } = workspace();
    const file = write(join(dir, 'logs', 'es7.json.log'), [
      '{"type": "server", "timestamp": "2019-01-18T08:55:08,159+0100", "level": "INFO", "component": "o.e.g.GatewayService", "cluster.name": "c1", "node.name": "es-node-1", "message": "recovered [0] indices into cluster_state"  }',
      '{"type": "server", "timestamp": "2019-01-18T08:55:09,001+0100", "level": "WARN", "component": "o.e.c.s.MasterService", "cluster.name": "c1", "node.name": "es-node-1", "cluster.uuid": "u-1", "node.id": "id-1", "message": "elected-as-master ([1] nodes joined), term: 3, version: 18"  }',
    ].join('\n'));
    const { doc } = orderlineJson(['ingest', file, '--db', db]);
    expect(doc.sources[0]).toMatchObject({ format: 'jsonl', node: 'es-node-1', events: 2, rejected: 0 });
    expect(sqlRows(db, 'SELECT node, ts, level, component, message, count, count_unit, attrs FROM events ORDER BY line')).toEqual([
      { node: 'es-node-1', ts: '2019-01-18T07:55:08.159Z', level: 'INFO', component: 'o.e.g.GatewayService',
        message: 'recovered [0] indices into cluster_state', count: 0, count_unit: 'indices', attrs: { type: 'server', 'cluster.name': 'c1' } },
      { node: 'es-node-1', ts: '2019-01-18T07:55:09.001Z', level: 'WARN', component: 'o.e.c.s.MasterService',
        message: 'elected-as-master ([1] nodes joined), term: 3, version: 18', count: 1, count_unit: 'nodes',
        attrs: { type: 'server', 'cluster.name': 'c1', 'cluster.uuid': 'u-1', 'node.id': 'id-1' } },
    ]);
  });

  it('MongoDB 4.4: t.$date, s, c, ctx, msg, attr', () => {
    const { dir, db } = workspace();
    const file = write(join(dir, 'mongo-1', 'mongod.log'), [
      '{"t":{"$date":"2023-05-02T10:11:12.345+02:00"},"s":"I",  "c":"STORAGE",  "id":22430,   "ctx":"initandlisten","msg":"WiredTiger message","attr":{"message":"opened"}}',
      '{"t":{"$date":"2023-05-02T08:11:13.000Z"},"s":"W",  "c":"NETWORK",  "id":4615610, "ctx":"conn12","msg":"Slow query","attr":{"durationMillis":120}}',
      '{"t":{"$date":{"$numberLong":"1683015074000"}},"s":"E","c":"REPL","id":21799,"ctx":"ReplCoord-0","msg":"rollback op=Rollback seq=77"}',
      '{"t":{"$date":"2023-05-02T08:11:15.000Z"},"s":"D1","c":"COMMAND","id":51803,"ctx":"conn3","msg":"Slow query","attr":{"type":"command"}}',
    ].join('\n'));
    const { doc } = orderlineJson(['ingest', file, '--db', db]);
    expect(doc.sources[0]).toMatchObject({ format: 'jsonl', node: 'mongo-1', events: 4, rejected: 0 });
    expect(sqlRows(db, 'SELECT ts, level, component, thread, message, op, seq, attrs FROM events ORDER BY line')).toEqual([
      { ts: '2023-05-02T08:11:12.345Z', level: 'INFO', component: 'STORAGE', thread: 'initandlisten', message: 'WiredTiger message',
        op: null, seq: null, attrs: { id: 22430, attr: { message: 'opened' } } },
      { ts: '2023-05-02T08:11:13.000Z', level: 'WARN', component: 'NETWORK', thread: 'conn12', message: 'Slow query',
        op: null, seq: null, attrs: { id: 4615610, attr: { durationMillis: 120 } } },
      { ts: '2023-05-02T08:11:14.000Z', level: 'ERROR', component: 'REPL', thread: 'ReplCoord-0', message: 'rollback op=Rollback seq=77',
        op: 'Rollback', seq: 77, attrs: { id: 21799 } },
      { ts: '2023-05-02T08:11:15.000Z', level: 'DEBUG', component: 'COMMAND', thread: 'conn3', message: 'Slow query',
        op: null, seq: null, attrs: { id: 51803, attr: { type: 'command' } } },
    ]);
  });

  it('logfmt: quoted values with escapes, bare keys, synonyms', () => {
    const { dir, db } = workspace();
    const file = write(join(dir, 'n', 'app.log'), [
      String.raw`ts=2026-01-01T00:00:00.5Z level=info msg="said \"hi\"\tthere \\ back" op=Load key=tenant-7 dry_run seq=5`,
      String.raw`time=2026-01-01T00:00:01Z lvl=warn msg=plain caller=main.go:12 empty="" force trace_id=abc-1 count=3 unit=files`,
    ].join('\n'));
    const { doc } = orderlineJson(['ingest', file, '--db', db]);
    expect(doc.sources[0]).toMatchObject({ format: 'logfmt', events: 2, rejected: 0 });
    expect(sqlRows(db, 'SELECT ts, level, message, op, key, seq, component, causal_id, count, count_unit, attrs FROM events ORDER BY line')).toEqual([
      { ts: '2026-01-01T00:00:00.500Z', level: 'INFO', message: 'said "hi"\tthere \\ back', op: 'Load', key: 'tenant-7', seq: 5,
        component: null, causal_id: null, count: null, count_unit: null, attrs: { dry_run: true } },
      { ts: '2026-01-01T00:00:01.000Z', level: 'WARN', message: 'plain', op: null, key: null, seq: null,
        component: 'main.go:12', causal_id: 'abc-1', count: 3, count_unit: 'files', attrs: { empty: '', force: true } },
    ]);
  });

  it('a top-level JSON array: line = index + 1, a non-object element rejected at its index', () => {
    const { dir, db } = workspace();
    const file = write(join(dir, 'n', 'events.json'), `[
  {"ts": "2026-01-01T00:00:00Z", "msg": "first", "seq": 1},
  {"ts": "2026-01-01T00:00:01Z", "msg": "second", "seq": 2},
  42,
  {"ts": "2026-01-01T00:00:03Z", "msg": "fourth", "seq": 4}
]
`);
    const { status, doc } = orderlineJson(['ingest', file, '--db', db]);
    expect(status).toBe(0);
    expect(doc.sources[0]).toMatchObject({ format: 'json', lines: 4, events: 3, rejected: 1 });
    expect(sqlRows(db, 'SELECT line, seq, message FROM events ORDER BY line')).toEqual([
      { line: 1, seq: 1, message: 'first' }, { line: 2, seq: 2, message: 'second' }, { line: 4, seq: 4, message: 'fourth' },
    ]);
    expect(sqlRows(db, 'SELECT line, reason, raw FROM rejects')).toEqual([{ line: 3, reason: 'not a JSON object', raw: '42' }]);
    expectAccounting(db);
  });

  it('concatenated pretty-printed JSON objects: one event per object', () => {
    const { dir, db } = workspace();
    const file = write(join(dir, 'n', 'dump.json'), `{
  "time": "2026-01-01T00:00:00Z",
  "message": "one",
  "key": "k-1"
}
{
  "time": "2026-01-01T00:00:01Z",
  "message": "two",
  "op": "Apply"
}{"time": "2026-01-01T00:00:02Z", "message": "three, glued on"}
`);
    const { doc } = orderlineJson(['ingest', file, '--db', db]);
    expect(doc.sources[0]).toMatchObject({ format: 'json', lines: 3, events: 3, rejected: 0 });
    expect(sqlRows(db, 'SELECT line, ts, message, key, op FROM events ORDER BY line')).toEqual([
      { line: 1, ts: '2026-01-01T00:00:00.000Z', message: 'one', key: 'k-1', op: null },
      { line: 2, ts: '2026-01-01T00:00:01.000Z', message: 'two', key: null, op: 'Apply' },
      { line: 3, ts: '2026-01-01T00:00:02.000Z', message: 'three, glued on', key: null, op: null },
    ]);
  });

  it('an OTLP/JSON logs document: two resources, service.name / host.name, trace and span, severity, attributes, kvlist body', () => {
    const { dir, db } = workspace();
    const kv = (key: string, value: object) => ({ key, value });
    const doc = {
      resourceLogs: [
        {
          resource: { attributes: [kv('service.name', { stringValue: 'store-a' }), kv('host.name', { stringValue: 'host-a' })] },
          scopeLogs: [{
            scope: { name: 'orderline.test', version: '1.0' },
            logRecords: [
              {
                timeUnixNano: '1767225600123456789', severityNumber: 9, severityText: 'INFO',
                traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331',
                body: { stringValue: 'LoadMetadata queued' },
                attributes: [kv('key', { stringValue: 'tenant-7' }), kv('op', { stringValue: 'LoadMetadata' }),
                  kv('seq', { intValue: '41' }), kv('phase', { stringValue: 'queued' }), kv('retries', { intValue: '2' })],
              },
              {
                timeUnixNano: '1767225601000000000', severityNumber: 17,
                body: { kvlistValue: { values: [kv('event', { stringValue: 'write' }), kv('rows', { intValue: '3' })] } },
                attributes: [kv('key', { stringValue: 'tenant-7' }), kv('op', { stringValue: 'WriteDerived' }), kv('seq', { intValue: '42' })],
              },
            ],
          }],
        },
        {
          resource: { attributes: [kv('host.name', { stringValue: 'host-b' })] },
          scopeLogs: [{
            scope: { name: 'orderline.test' },
            logRecords: [{
              observedTimeUnixNano: '1767225602000000000', severityText: 'Warning', traceId: '', spanId: '',
              body: { stringValue: 'initialized with metadata from 4790 entities' },
            }],
          }],
        },
      ],
    };
    const file = write(join(dir, 'otel', 'export.json'), JSON.stringify(doc, null, 2));
    const r = orderlineJson(['ingest', file, '--db', db]);
    expect(r.doc.sources[0]).toMatchObject({ format: 'otlp', node: null, lines: 3, events: 3, rejected: 0 });
    expect(sqlRows(db, `SELECT line, node, ts, level, component, message, key, op, phase, seq, causal_id, count, count_unit, attrs
      FROM events ORDER BY line`)).toEqual([
      { line: 1, node: 'store-a', ts: '2026-01-01T00:00:00.123456Z', level: 'INFO', component: 'orderline.test', message: 'LoadMetadata queued',
        key: 'tenant-7', op: 'LoadMetadata', phase: 'queued', seq: 41, causal_id: '0af7651916cd43dd8448eb211c80319c', count: null, count_unit: null,
        attrs: { span_id: 'b7ad6b7169203331', resource: { 'service.name': 'store-a', 'host.name': 'host-a' }, retries: 2 } },
      { line: 2, node: 'store-a', ts: '2026-01-01T00:00:01.000Z', level: 'ERROR', component: 'orderline.test', message: '{"event":"write","rows":3}',
        key: 'tenant-7', op: 'WriteDerived', phase: null, seq: 42, causal_id: null, count: null, count_unit: null,
        attrs: { resource: { 'service.name': 'store-a', 'host.name': 'host-a' } } },
      { line: 3, node: 'host-b', ts: '2026-01-01T00:00:02.000Z', level: 'WARN', component: 'orderline.test', message: 'initialized with metadata from 4790 entities',
        key: null, op: null, phase: null, seq: null, causal_id: null, count: 4790, count_unit: 'entities',
        attrs: { resource: { 'host.name': 'host-b' } } },
    ]);
  });
});

describe('ingest: message content', () => {
  it('name=value pairs in a message fill empty canonical columns; other names go to attrs; the line\'s own fields win', () => {
    const { dir, db } = workspace();
    const file = write(join(dir, 'n', 'app.jsonl'), jsonl(
      { ts: '2026-01-01T00:00:00Z', msg: 'applied op=WriteDerived key=tenant-7 seq=42 phase=done peer=node-b trace_id=t-9 version=7 shard=3 note="two words"' },
      { ts: '2026-01-01T00:00:01Z', op: 'FromField', msg: 'retry op=FromMessage, (key=k-2; attempt=2)' },
    ));
    write(join(dir, 'n', 'plain.txt'), '2026-01-01 00:00:02 INFO scheduled op=Compact key=k-3 seq=0x1F\n');
    orderlineJson(['ingest', join(dir, 'n'), '--db', db]);
    expect(sqlRows(db, 'SELECT op, key, seq, phase, peer, causal_id, version, attrs FROM events ORDER BY event_id')).toEqual([
      { op: 'WriteDerived', key: 'tenant-7', seq: 42, phase: 'completed', peer: 'node-b', causal_id: 't-9', version: 7,
        attrs: { shard: '3', note: 'two words' } },
      { op: 'FromField', key: 'k-2', seq: null, phase: null, peer: null, causal_id: null, version: null, attrs: { op: 'FromMessage', attempt: '2' } },
      { op: 'Compact', key: 'k-3', seq: 31, phase: null, peer: null, causal_id: null, version: null, attrs: null },
    ]);
  });

  it('a count followed by a unit noun fills count and count_unit (in every format)', () => {
    const { dir, db } = workspace();
    write(join(dir, 'n', 'a.jsonl'), jsonl(
      { msg: 'initialized with metadata from 4790 entities' },
      { msg: 'recovered [0] indices into cluster_state' },
      { msg: 'loaded 36 partitions' },
      { msg: 'snapshot contains 20,000 records' },
      { msg: 'took 36 ms' },
    ));
    write(join(dir, 'n', 'b.log'), 'msg="loaded 12 segments" op=Open\n');
    write(join(dir, 'n', 'c.txt'), '2026-01-01T00:00:00Z replayed 26207 mutations\n');
    orderlineJson(['ingest', join(dir, 'n'), '--db', db]);
    expect(sqlRows(db, 'SELECT message, count, count_unit, template FROM events ORDER BY event_id')).toEqual([
      { message: 'initialized with metadata from 4790 entities', count: 4790, count_unit: 'entities', template: 'initialized with metadata from <*> entities' },
      { message: 'recovered [0] indices into cluster_state', count: 0, count_unit: 'indices', template: 'recovered [<*>] indices into cluster_state' },
      { message: 'loaded 36 partitions', count: 36, count_unit: 'partitions', template: 'loaded <*> partitions' },
      { message: 'snapshot contains 20,000 records', count: 20000, count_unit: 'records', template: 'snapshot contains <*> records' },
      { message: 'took 36 ms', count: null, count_unit: null, template: 'took <*> ms' },
      { message: 'loaded 12 segments', count: 12, count_unit: 'segments', template: 'loaded <*> segments' },
      { message: '2026-01-01T00:00:00Z replayed 26207 mutations', count: 26207, count_unit: 'mutations', template: '<*> replayed <*> mutations' },
    ]);
  });
});

describe('ingest: what it records and prints', () => {
  it('fills the sources row: path, sha256 of the stored bytes, format, node, bytes and the line accounts', () => {
    const { dir, db } = workspace();
    const content = '{"msg":"one"}\n\n{"msg":"two"}\n  continued\nnot json but text\n{"msg": broken\n';
    const plain = write(join(dir, 'node-x', 'app.jsonl'), content);
    const zipped = write(join(dir, 'node-x', 'app.jsonl.gz'), gzipSync(content.replace('one', 'uno')));
    const before = Date.now();
    orderlineJson(['ingest', plain, zipped, '--db', db]);
    const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
    const rows = sqlRows<any>(db, 'SELECT * FROM sources ORDER BY source_id');
    expect(rows.map(({ ingested_at, ...r }) => r)).toEqual([
      { source_id: 1, path: plain, sha256: sha(plain), format: 'jsonl', node: 'node-x', bytes: statSync(plain).size,
        lines: 6, events: 3, rejected: 1, blank: 1, continued: 1, compressed: false },
      { source_id: 2, path: zipped, sha256: sha(zipped), format: 'jsonl', node: 'node-x', bytes: statSync(zipped).size,
        lines: 6, events: 3, rejected: 1, blank: 1, continued: 1, compressed: true },
    ]);
    for (const r of rows) expect(Date.parse(r.ingested_at)).toBeGreaterThanOrEqual(before - 60_000);
    expect(sqlRows(db, 'SELECT source_id, line, message FROM events WHERE source_id = 1 ORDER BY line')).toEqual([
      { source_id: 1, line: 1, message: 'one' }, { source_id: 1, line: 3, message: 'two\n  continued' },
      { source_id: 1, line: 5, message: 'not json but text' },
    ]);
    expect(sqlRows(db, 'SELECT line, raw FROM rejects WHERE source_id = 1')).toEqual([{ line: 6, raw: '{"msg": broken' }]);
    expectAccounting(db);
  });

  it('--json prints exactly one document of the contract §3 shape', () => {
    const { dir, db } = workspace();
    const a = write(join(dir, 'node-a', 'a.jsonl'), jsonl({ msg: 'x' }, { msg: 'y' }) + '{bad\n');
    const b = write(join(dir, 'node-b', 'b.log'), 'msg=z op=o\n');
    const r = orderline(['ingest', a, b, '--db', db, '--json']);
    expect(r.status).toBe(0);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toEqual({
      sources: [
        { path: a, format: 'jsonl', node: 'node-a', lines: 3, events: 2, rejected: 1, blank: 0, continued: 0, bytes: statSync(a).size, source_id: 1 },
        { path: b, format: 'logfmt', node: 'node-b', lines: 1, events: 1, rejected: 0, blank: 0, continued: 0, bytes: statSync(b).size, source_id: 2 },
      ],
      events: 3,
      rejected: 1,
      failed: 0,
    });
    expect(r.stderr).toBe('');
  });
});

describe('ingest: the database inside the folder it reads', () => {
  it('is never read as a log, on the first ingest or the next', () => {
    const dir = join(tmp.dir, 'db-inside');
    write(join(dir, 'n1', 'a.jsonl'), '{"ts":"2026-01-01T00:00:00Z","msg":"x"}\n');
    const db = join(dir, 'incident.duckdb');
    for (const run of [1, 2]) {
      const r = orderlineJson(['ingest', dir, '--db', db]);
      expect(r.status, `run ${run}`).toBe(0);
      expect(r.doc.sources.map((s: { path: string }) => s.path), `run ${run}`).toEqual([join(dir, 'n1', 'a.jsonl')]);
    }
    expect(sqlRows(db, 'SELECT count(*)::INTEGER AS n FROM sources')).toEqual([{ n: 1 }]);
  });
});
