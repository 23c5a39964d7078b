/**
 * Detection with definitions in the mix: each file gets the format that fits most of its
 * first lines; ties go to priority, then to the more specific definition. The structured
 * formats keep their files, and a log4j line carrying key=value pairs stays log4j.
 * Plain text that matches nothing still ingests, with timestamps of common shapes found.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { orderline, orderlineJson, sqlRows, tempDir } from './helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function file(name: string, text: string): string {
  const dir = join(tmp.dir, name.replace(/\W/g, '_'));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const detect = (path: string) => orderlineJson(['detect', path]).doc;

describe('detect: the format that fits best', () => {
  it('a log4j line with key=value pairs in its message is log4j, not logfmt', () => {
    const path = file('pairs.log', Array.from({ length: 5 }, (_, i) =>
      `2026-11-27 14:30:0${i},123 INFO  [Thread-${i}] node=n${i} key=user:${i} op=A seq=${i} trace=ab${i} msg=hello`).join('\n'));
    const d = detect(path);
    expect(d).toMatchObject({ format: 'log4j', score: 1 });
    // plain-iso (timestamp, level, message) fits the same lines as loosely; log4j is the more specific
    expect(d.runner_up).toEqual({ format: 'plain-iso', score: 1 });
    const r = orderline(['detect', path]);
    expect(r.stdout).toMatch(/pairs\.log: log4j \(score 1\); runner-up plain-iso \(score 1\)\n$/);
  });

  it('structured files keep their formats', () => {
    expect(detect(file('a.jsonl', '{"ts":"2026-01-01T00:00:00Z","level":"info","msg":"x"}\n{"ts":"2026-01-01T00:00:01Z","msg":"y"}\n')).format).toBe('jsonl');
    expect(detect(file('a.logfmt', 'ts=2026-01-01T00:00:00Z level=info msg="a b" key=k\nts=2026-01-01T00:00:01Z level=warn msg=c key=k\n')).format).toBe('logfmt');
    expect(detect(file('a.json', '[{"ts":"2026-01-01T00:00:00Z","msg":"x"},\n{"ts":"2026-01-01T00:00:01Z","msg":"y"}]\n')).format).toBe('json');
    expect(detect(file('o.json', '{"resourceLogs":[{"resource":{},"scopeLogs":[{"logRecords":[{"timeUnixNano":"1","body":{"stringValue":"x"}}]}]}]}\n')).format).toBe('otlp');
  });

  it('a tie between a generic and a specific definition goes to the specific one', () => {
    const d = detect(file('mr.log', '2015-10-18 18:01:47,978 INFO [main] org.example.mr.AppMaster: Created AppMaster\n'));
    expect(d).toMatchObject({ format: 'hadoop', score: 1, runner_up: { format: 'log4j', score: 1 } });
  });

  it('which of two vector-clock layouts: the one whose records pair up from the first line', () => {
    const after = 'boot\nn1 {"n1":1}\nsend m1\nn1 {"n1":2}\nrecv m2\nn1 {"n1":3, "n2":1}\n';
    const before = 'n1 {"n1":1}\nboot\nn1 {"n1":2}\nsend m1\nn1 {"n1":3, "n2":1}\nrecv m2\n';
    expect(detect(file('after.log', after)).format).toBe('shiviz');
    expect(detect(file('before.log', before)).format).toBe('shiviz-clock-first');
  });

  it('a continuation-heavy head (stack traces) does not count against its format', () => {
    const trace = Array.from({ length: 30 }, (_, i) => `\tat org.example.C${i}.run(C.java:${i})`).join('\n');
    const path = file('trace.log', `2026-01-01 00:00:00,000 ERROR [main] boom\njava.lang.RuntimeException: x\n${trace}\n2026-01-01 00:00:01,000 INFO  [main] ok\n`);
    expect(detect(path)).toMatchObject({ format: 'log4j', score: 1 });
  });

  it('JSON lines followed by many indented continuation lines stay jsonl', () => {
    const trace = Array.from({ length: 60 }, (_, i) => `\tgoroutine frame ${i}`).join('\n');
    const path = file('panic.jsonl', `{"ts":"2026-01-01T00:00:00Z","level":"error","msg":"boom"}\n${trace}\n{"ts":"2026-01-01T00:00:01Z","msg":"ok"}\n`);
    expect(detect(path)).toMatchObject({ format: 'jsonl', score: 1 });
    const db = join(tmp.dir, 'panic.duckdb');
    expect(orderlineJson(['ingest', path, '--db', db]).doc).toMatchObject({ events: 2, rejected: 0, sources: [{ continued: 60 }] });
  });
});

describe('plain text that matches nothing still ingests', () => {
  it('one event per line, message = line, ts from timestamps of common shapes', () => {
    const path = file('notes.txt', [
      'Sun Dec 04 04:47:44 2005 apache restarted',
      'backup done at 2024/03/05 10:11:12 on disk2',
      'job 7 finished 5/27/2013 10:53:39 PM, exit=0',
      '1700000000123 heartbeat from edge-4',
      'Jun  4 03:02:01 router vpn up',
      'no time here at all',
    ].join('\n'));
    const db = join(tmp.dir, 'notes.duckdb');
    const r = orderlineJson(['ingest', path, '--db', db, '--year', '2025']);
    expect(r.doc.sources[0]).toMatchObject({ format: 'text', lines: 6, events: 6, rejected: 0 });
    expect(sqlRows(db, 'SELECT line, ts, message FROM events ORDER BY line')).toEqual([
      { line: 1, ts: '2005-12-04T04:47:44.000Z', message: 'Sun Dec 04 04:47:44 2005 apache restarted' },
      { line: 2, ts: '2024-03-05T10:11:12.000Z', message: 'backup done at 2024/03/05 10:11:12 on disk2' },
      { line: 3, ts: '2013-05-27T22:53:39.000Z', message: 'job 7 finished 5/27/2013 10:53:39 PM, exit=0' },
      { line: 4, ts: '2023-11-14T22:13:20.123Z', message: '1700000000123 heartbeat from edge-4' },
      { line: 5, ts: '2025-06-04T03:02:01.000Z', message: 'Jun  4 03:02:01 router vpn up' },
      { line: 6, ts: null, message: 'no time here at all' },
    ]);
  });
});

describe('levels of plain-text lines', () => {
  it('an upper-case or bracketed level word is a level; a level word in prose is not', () => {
    const path = file('levels.txt', [
      '2026-01-01 00:00:00 ERROR disk full',
      '2026-01-01 00:00:01 [warn] slow disk',
      'panic: runtime error: index out of range',
      '2026-01-01 00:00:02 compaction finished, no error found',
      '2026-01-01 00:00:03 calling log.Error( on shutdown',
    ].join('\n'));
    const db = join(tmp.dir, 'levels.duckdb');
    expect(orderlineJson(['ingest', path, '--db', db, '--format', 'text']).status).toBe(0);
    expect(sqlRows(db, 'SELECT line, level FROM events ORDER BY line')).toEqual([
      { line: 1, level: 'ERROR' }, { line: 2, level: 'WARN' }, { line: 3, level: 'FATAL' }, { line: 4, level: null }, { line: 5, level: null },
    ]);
  });
});
