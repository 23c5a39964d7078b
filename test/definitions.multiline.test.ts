/**
 * Multi-line events through definitions, end to end: stack traces and wrapped lines join
 * the event before them, attached lines (ShiViz clocks) merge into their event, and what
 * a line matching nothing does (`unmatched`: join, event, reject). In every case the
 * accounting of contract §2 holds: lines = events + continued + rejected + blank.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { orderlineJson, sqlRows, tempDir } from './helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

let n = 0;
function file(name: string, lines: string[]): string {
  const dir = join(tmp.dir, `case-${++n}`);
  mkdirSync(dir);
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

interface Source { format: string; lines: number; events: number; rejected: number; blank: number; continued: number }

/**
 * Ingests one file into a fresh database; checks the accounting; returns the source and
 * the DB. Without attached lines, every line inside an event is a line of its message.
 */
function ingest(path: string, extra: string[] = [], attached = false): { src: Source; db: string } {
  const db = join(tmp.dir, `db-${++n}.duckdb`);
  const { status, doc, stderr } = orderlineJson(['ingest', path, '--db', db, ...extra]);
  expect(status, stderr).toBe(0);
  const src = doc.sources[0] as Source;
  expect(src.lines).toBe(src.events + src.continued + src.rejected + src.blank);
  const [row] = sqlRows<{ ok: boolean }>(db, 'SELECT lines = events + continued + rejected + blank AS ok FROM sources');
  expect(row.ok).toBe(true);
  const [{ inside }] = sqlRows<{ inside: number }>(db, 'SELECT count(*) + coalesce(sum(length(message) - length(replace(message, chr(10), \'\'))), 0) AS inside FROM events');
  if (!attached) expect(inside).toBe(src.events + src.continued);
  return { src, db };
}

/** A folder with one definition (for --formats-dir). */
function defs(def: object): string {
  const dir = join(tmp.dir, `defs-${++n}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'def.json'), JSON.stringify(def));
  return dir;
}

describe('continuation lines join the event before them', () => {
  it('a Java stack trace is one event (log4j)', () => {
    const path = file('app.log', [
      '2026-01-05 10:00:00,001 INFO  [main] starting op=Load key=k1',
      '2026-01-05 10:00:01,002 ERROR [worker-1] load failed op=Load key=k1 phase=failed',
      'java.lang.IllegalStateException: no quorum',
      '\tat org.example.Loader.run(Loader.java:42)',
      '\tat java.base/java.lang.Thread.run(Thread.java:833)',
      'Caused by: java.net.ConnectException: refused',
      '\t... 2 more',
      '',
      '2026-01-05 10:00:02,003 INFO  [main] stopped',
    ]);
    const { src, db } = ingest(path);
    expect(src).toMatchObject({ format: 'log4j', lines: 9, events: 3, continued: 5, blank: 1, rejected: 0 });
    const rows = sqlRows(db, 'SELECT line, level, op, key, phase, message FROM events ORDER BY line');
    expect(rows[1]).toEqual({
      line: 2, level: 'ERROR', op: 'Load', key: 'k1', phase: 'failed',
      message: 'load failed op=Load key=k1 phase=failed\njava.lang.IllegalStateException: no quorum\n' +
        '\tat org.example.Loader.run(Loader.java:42)\n\tat java.base/java.lang.Thread.run(Thread.java:833)\n' +
        'Caused by: java.net.ConnectException: refused\n\t... 2 more',
    });
    expect(rows[2]).toMatchObject({ line: 9, message: 'stopped' });
  });

  it('unmatched lines join the event before them (default); before any event they are text events', () => {
    const path = file('merged.log', [
      'banner: merged by tool 1.2',
      'db-1> I250101 12:00:00.000001 10 gossip/gossip.go:555  [n1] gossip status (ok, 3 nodes)',
      'gossip client (0/3 cur/max conns)',
      '  2: db-2:26257 (8m0s)',
      'db-2> W250101 12:00:01.000002 11 server/status.go:10  [n2] slow',
      'db-1> I250101 12:00:02.000003 10 server/status.go:10  [n1] runtime stats: 1509 goroutines',
    ]);
    const { src, db } = ingest(path);
    expect(src).toMatchObject({ format: 'cockroach', lines: 6, events: 4, continued: 2, rejected: 0 });
    const rows = sqlRows(db, 'SELECT line, node, message FROM events ORDER BY line');
    expect(rows.map((r) => r.line)).toEqual([1, 2, 5, 6]);
    expect(rows[0]).toMatchObject({ message: 'banner: merged by tool 1.2' });
    expect(rows[1]).toMatchObject({ node: 'db-1', message: 'gossip status (ok, 3 nodes)\ngossip client (0/3 cur/max conns)\n  2: db-2:26257 (8m0s)' });
  });
});

describe('unmatched: what a line matching neither line nor continuation does', () => {
  const base = {
    line: '^(?<ts>\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ) (?<level>[A-Z]+) (?<message>.*)$',
    timestamp: { format: 'iso' },
    continuation: '^\\s',
  };
  const lines = [
    'preamble line',
    '2026-02-01T00:00:00Z INFO first',
    '   indented detail',
    'stray line',
    '2026-02-01T00:00:01Z WARN second',
  ];

  it('reject: the stray lines go to rejects with a reason; continuation lines still join', () => {
    const dir = defs({ ...base, name: 'strict', unmatched: 'reject' });
    const { src, db } = ingest(file('strict.log', lines), ['--formats-dir', dir, '--format', 'strict']);
    expect(src).toMatchObject({ events: 2, continued: 1, rejected: 2 });
    expect(sqlRows(db, 'SELECT line, reason, raw FROM rejects ORDER BY line')).toEqual([
      { line: 1, reason: 'matches no pattern of format strict', raw: 'preamble line' },
      { line: 4, reason: 'matches no pattern of format strict', raw: 'stray line' },
    ]);
    expect(sqlRows(db, 'SELECT message FROM events ORDER BY line')[0]).toEqual({ message: 'first\n   indented detail' });
  });

  it('event: each stray line is a plain text event of its own', () => {
    const dir = defs({ ...base, name: 'loose', unmatched: 'event' });
    const { src, db } = ingest(file('loose.log', lines), ['--formats-dir', dir, '--format', 'loose']);
    expect(src).toMatchObject({ events: 4, continued: 1, rejected: 0 });
    expect(sqlRows(db, 'SELECT line, level, message FROM events ORDER BY line')).toEqual([
      { line: 1, level: null, message: 'preamble line' },
      { line: 2, level: 'INFO', message: 'first\n   indented detail' },
      { line: 4, level: null, message: 'stray line' },
      { line: 5, level: 'WARN', message: 'second' },
    ]);
  });

  it('join (default): the preamble is a text event, the stray line joins "first"', () => {
    const dir = defs({ ...base, name: 'joined' });
    const { src, db } = ingest(file('joined.log', lines), ['--formats-dir', dir, '--format', 'joined']);
    expect(src).toMatchObject({ events: 3, continued: 2, rejected: 0 });
    expect(sqlRows(db, 'SELECT line, message FROM events ORDER BY line')[1]).toEqual({ line: 2, message: 'first\n   indented detail\nstray line' });
  });
});

describe('attached lines: vector clocks merge into their event', () => {
  it('clock after the event (shiviz): clock → vclock, host → node; an orphan clock is rejected', () => {
    const path = file('run.log', [
      '2025-06-01 10:00:00,100 sending put key=k9',
      'client {"client":1}',
      'server received put key=k9',
      'server {"client":1, "server":1}',
      '',
      'server {"client":1, "server":2}',
      'reply sent',
      'server {"client":1, "server":3}',
    ]);
    const { src, db } = ingest(path, [], true);
    expect(src).toMatchObject({ format: 'shiviz', lines: 8, events: 3, continued: 3, rejected: 1, blank: 1 });
    expect(sqlRows(db, 'SELECT line, node, key, vclock, ts FROM events ORDER BY line')).toEqual([
      { line: 1, node: 'client', key: 'k9', vclock: { client: 1 }, ts: '2025-06-01T10:00:00.100Z' },
      { line: 3, node: 'server', key: 'k9', vclock: { client: 1, server: 1 }, ts: null },
      { line: 7, node: 'server', key: null, vclock: { client: 1, server: 3 }, ts: null },
    ]);
    expect(sqlRows(db, 'SELECT line, reason FROM rejects')).toEqual([{ line: 6, reason: 'attached line with no event line next to it' }]);
  });

  it('clock before the event (shiviz-clock-first): the event starts at its clock line', () => {
    const path = file('chord.log', [
      'front {"front":1}',
      'Initialization Complete',
      'front {"front":2, "kv-1":4}',
      'Received Put reply',
      'front {"front":3, "kv-1":4}',
      'Sending Get request',
    ]);
    const { src, db } = ingest(path, [], true);
    expect(src).toMatchObject({ format: 'shiviz-clock-first', events: 3, continued: 3, rejected: 0 });
    expect(sqlRows(db, 'SELECT line, node, vclock, message FROM events ORDER BY line')).toEqual([
      { line: 1, node: 'front', vclock: { front: 1 }, message: 'Initialization Complete' },
      { line: 3, node: 'front', vclock: { front: 2, 'kv-1': 4 }, message: 'Received Put reply' },
      { line: 5, node: 'front', vclock: { front: 3, 'kv-1': 4 }, message: 'Sending Get request' },
    ]);
  });

  it('several attached lines and continuation lines after one event (tlc-shiviz)', () => {
    const path = file('trace.log', [
      'TLC output',
      'State 1: <Init line 1, col 1 to line 2, col 2 of module M>',
      '/\\ x = 0',
      'State 2: <Send line 3, col 1 to line 4, col 2 of module M>',
      '/\\ Host = n2',
      '/\\ Clock = "{\\"n1\\":0,\\"n2\\":1}"',
      '/\\ x = 1',
    ]);
    const { src, db } = ingest(path, [], true);
    expect(src).toMatchObject({ format: 'tlc-shiviz', events: 3, continued: 4, rejected: 0 });
    expect(sqlRows(db, 'SELECT line, node, op, seq, vclock FROM events ORDER BY line')[2]).toEqual({ line: 4, node: 'n2', op: 'Send', seq: 2, vclock: { n1: 0, n2: 1 } });
  });
});
