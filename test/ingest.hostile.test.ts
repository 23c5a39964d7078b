/**
 * `orderline ingest` on hostile input: each bad line or file is kept, rejected with its
 * reason, or fails alone, and the accounting of contract §2 still holds
 * (lines = events + continued + rejected + blank; sources counts = table rows).
 * Also the CLI's answers to bad arguments.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { LineSplitter, RAW_KEEP } from '../src/input/lineSplitter.js';
import { expectAccounting, type SourceAccounts } from './helpers/accounting.js';
import { spawnSync } from 'node:child_process';
import { CLI, orderline, orderlineJson, sqlRows, tempDir, workspaces, write } from './helpers/cli.js';

const tmp = tempDir('orderline-hostile-');
afterAll(() => tmp.cleanup());

const workspace = workspaces(tmp.dir);

/** Ingests files (exit 0 expected) and returns the one source's accounts, checked. */
function ingestOne(db: string, file: string, ...args: string[]): SourceAccounts {
  const r = orderline(['ingest', file, '--db', db, ...args]);
  expect(r.status, r.stderr).toBe(0);
  const [src, ...more] = expectAccounting(db);
  expect(more).toEqual([]);
  return src;
}

const rejects = (db: string) => sqlRows(db, 'SELECT line, reason, raw FROM rejects ORDER BY line');
const eventLines = (db: string) => sqlRows(db, 'SELECT line, message FROM events ORDER BY line');

describe('ingest: hostile lines', () => {
  it('an invalid JSON line is rejected with the parser\'s reason; its neighbours load', () => {
    const { dir, db } = workspace();
    const file = write(join(dir, 'n', 'a.jsonl'), '{"msg":"before"}\n{"msg": "unterminated\n{"msg":"after"}\n');
    expect(ingestOne(db, file)).toMatchObject({ lines: 3, events: 2, rejected: 1, blank: 0, continued: 0 });
    expect(rejects(db)).toEqual([{ line: 2, reason: expect.stringMatching(/^invalid JSON: /), raw: '{"msg": "unterminated' }]);
    expect(eventLines(db)).toEqual([{ line: 1, message: 'before' }, { line: 3, message: 'after' }]);
  });

  it('binary garbage is rejected, as binary data or invalid UTF-8, in every line format', () => {
    const { dir, db } = workspace();
    const garbage = Buffer.from([0x00, 0x01, 0x02, 0x03, 0x1b, 0x7f, 0x41]); // valid UTF-8, but control characters
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a]); // a PNG header: `\x89PNG` (not UTF-8) CR LF, then `\x1a`
    const body = (first: string) => Buffer.concat([Buffer.from(`${first}\n`), garbage, Buffer.from('\n'), png, Buffer.from(`\n${first}\n`)]);
    const j = write(join(dir, 'n', 'a.jsonl'), body('{"msg":"ok"}'));
    const l = write(join(dir, 'n', 'b.log'), body('msg=ok op=x'));
    const t = write(join(dir, 'n', 'c.txt'), body('2026-01-01 00:00:00 plain ok'));
    const r = orderlineJson(['ingest', j, l, t, '--db', db]);
    expect(r.doc.sources.map((s: any) => [s.format, s.lines, s.events, s.rejected])).toEqual([
      ['jsonl', 5, 2, 3], ['logfmt', 5, 2, 3], ['text', 5, 2, 3],
    ]);
    const binary = (id: number, reason: string) => [
      { source_id: id, line: 2, reason }, { source_id: id, line: 3, reason: 'invalid UTF-8' }, { source_id: id, line: 4, reason },
    ];
    expect(sqlRows(db, 'SELECT source_id, line, reason FROM rejects ORDER BY source_id, line')).toEqual([
      ...binary(1, 'not JSON: binary data'), ...binary(2, 'binary data (control characters)'), ...binary(3, 'binary data (control characters)'),
    ]);
    expect(sqlRows(db, 'SELECT DISTINCT raw FROM rejects WHERE line = 2')).toEqual([{ raw: '\uFFFD\u0001\u0002\u0003\u001b\u007fA' }]);
    expectAccounting(db);
  });

  it('a line that is not valid UTF-8 is rejected, its raw text kept with U+FFFD in place of the bad bytes', () => {
    const { dir, db } = workspace();
    const file = write(join(dir, 'n', 'a.jsonl'), Buffer.concat([
      Buffer.from('{"msg":"fine é"}\n{"msg":"bad '), Buffer.from([0xc3, 0x28]), Buffer.from(' end"}\n'),
      Buffer.from('{"msg":"surrogate bytes '), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}\n{"msg":"last"}'),
    ]));
    expect(ingestOne(db, file)).toMatchObject({ lines: 4, events: 2, rejected: 2 });
    expect(rejects(db)).toEqual([
      { line: 2, reason: 'invalid UTF-8', raw: '{"msg":"bad \uFFFD( end"}' },
      { line: 3, reason: 'invalid UTF-8', raw: '{"msg":"surrogate bytes \uFFFD\uFFFD\uFFFD"}' },
    ]);
    expect(eventLines(db)).toEqual([{ line: 1, message: 'fine é' }, { line: 4, message: 'last' }]);
  });

  it('a 5 MB line is rejected as too long, only its first KiB kept; the lines after it load', () => {
    const { dir, db } = workspace();
    const long = `{"msg":"${'x'.repeat(5 << 20)}"}`;
    const file = write(join(dir, 'n', 'a.jsonl'), `{"msg":"before"}\n${long}\n{"msg":"after 1"}\r\n{"msg":"after 2"}`);
    expect(ingestOne(db, file)).toMatchObject({ lines: 4, events: 3, rejected: 1 });
    expect(rejects(db)).toEqual([{ line: 2, reason: 'line longer than 1048576 bytes', raw: long.slice(0, RAW_KEEP) }]);
    expect(eventLines(db)).toEqual([{ line: 1, message: 'before' }, { line: 3, message: 'after 1' }, { line: 4, message: 'after 2' }]);

    // The same with a small limit: a short line that exceeds it, a long one, a multi-byte one cut before a character.
    const small = workspace();
    const euro = '€'.repeat(400); // 1200 bytes
    const f2 = write(join(small.dir, 'n', 'b.jsonl'), `{"msg":"short"}\n{"msg":"${'y'.repeat(150)}"}\r\n${long}\n${euro}\n{"msg":"after"}\n`);
    expect(ingestOne(small.db, f2, '--max-line-bytes', '100')).toMatchObject({ lines: 5, events: 2, rejected: 3 });
    expect(rejects(small.db)).toEqual([
      { line: 2, reason: 'line longer than 100 bytes', raw: `{"msg":"${'y'.repeat(150)}"}` },
      { line: 3, reason: 'line longer than 100 bytes', raw: long.slice(0, RAW_KEEP) },
      { line: 4, reason: 'line longer than 100 bytes', raw: '€'.repeat(341) }, // 1023 bytes: the 342nd would cross 1 KiB
    ]);
  });

  it('an overlong line is never held whole, whatever the chunks it arrives in', () => {
    const seen: Array<[number, string, number]> = [];
    const sp = new LineSplitter({ line: (t, i) => seen.push([i, 'line', t.length]), reject: (i, reason, raw) => seen.push([i, reason, raw.length]) }, 4096);
    let maxHeld = 0;
    sp.push(Buffer.from('{"msg":"a"}\n{"msg":"'));
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    for (let i = 0; i < 80; i++) { // 5 MiB
      sp.push(chunk);
      maxHeld = Math.max(maxHeld, sp.heldBytes);
    }
    sp.push(Buffer.from('"}\n{"msg":"b"}\n'));
    sp.end();
    expect(maxHeld).toBeLessThanOrEqual(RAW_KEEP + 1);
    expect(seen).toEqual([[1, 'line', 11], [2, 'line longer than 4096 bytes', RAW_KEEP], [3, 'line', 11]]);
  });

  it('CRLF endings: no \\r in messages, continuation lines or logfmt values; CRLF blank lines count as blank', () => {
    const { dir, db } = workspace();
    const j = write(join(dir, 'n', 'a.jsonl'), '{"msg":"one"}\r\n\r\n{"msg":"two"}\r\n\tat frame 1\r\n\tat frame 2\r\n');
    const l = write(join(dir, 'n', 'b.log'), 'msg="quoted" op=Load\r\nmsg=bare op=Save\r\n');
    // no level word: the plain-text fallback (with one, it would read as plain-iso)
    const t = write(join(dir, 'n', 'c.txt'), '2026-01-01 00:00:00 some text\r\n  more\r\n');
    orderlineJson(['ingest', j, l, t, '--db', db]);
    const sources = expectAccounting(db);
    expect(sources.map((s) => [s.lines, s.events, s.blank, s.continued])).toEqual([[5, 2, 1, 2], [2, 2, 0, 0], [2, 1, 0, 1]]);
    expect(sqlRows(db, 'SELECT message, op FROM events ORDER BY event_id', ['--no-infer'])).toEqual([
      { message: 'one', op: null }, { message: 'two\n\tat frame 1\n\tat frame 2', op: null },
      { message: 'quoted', op: 'Load' }, { message: 'bare', op: 'Save' },
      { message: '2026-01-01 00:00:00 some text\n  more', op: null },
    ]);
    expect(sqlRows(db, "SELECT count(*) AS n FROM events WHERE contains(message, chr(13)) OR contains(op, chr(13)) OR contains(attrs::VARCHAR, '\\r')")).toEqual([{ n: 0 }]);
  });

  it('a UTF-8 BOM is dropped: the first line parses and detection sees through it', () => {
    const { dir, db } = workspace();
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const j = write(join(dir, 'n', 'a.jsonl'), Buffer.concat([bom, Buffer.from('{"msg":"first"}\n{"msg":"second"}\n')]));
    const l = write(join(dir, 'n', 'b.log'), Buffer.concat([bom, Buffer.from('ts=2026-01-01T00:00:00Z msg=first op=x\r\n')]));
    const a = write(join(dir, 'n', 'c.json'), Buffer.concat([bom, Buffer.from('[{"msg":"in array"}]')]));
    const r = orderlineJson(['ingest', j, l, a, '--db', db]);
    expect(r.doc.sources.map((s: any) => [s.format, s.events, s.rejected])).toEqual([['jsonl', 2, 0], ['logfmt', 1, 0], ['json', 1, 0]]);
    expect(sqlRows(db, 'SELECT message FROM events ORDER BY event_id').map((x: any) => x.message)).toEqual(['first', 'second', 'first', 'in array']);
    expectAccounting(db);
  });

  it('an empty file gets a sources row with 0 lines (exit 0); a file of blank lines counts them', () => {
    const { dir, db } = workspace();
    const empty = write(join(dir, 'n', 'empty.log'), '');
    const blank = write(join(dir, 'n', 'blank.log'), '\n  \n\t\r\n');
    const r = orderlineJson(['ingest', empty, blank, '--db', db]);
    expect(r.status).toBe(0);
    expect(expectAccounting(db).map((s) => [s.path, s.lines, s.events, s.rejected, s.blank])).toEqual([[empty, 0, 0, 0, 0], [blank, 3, 0, 0, 3]]);
  });

  it('text between JSON lines is kept: a [bracketed] log line is a text event, a JSON array is rejected', () => {
    const { dir, db } = workspace();
    const file = write(join(dir, 'n', 'a.jsonl'), [
      '{"msg":"json"}',
      '[2019-01-18T08:55:08,159][INFO ][o.e.n.Node] [node-0] starting ...',
      '[1, 2, 3]',
      'panic: boom',
      '',
      'goroutine 7 [running]:',
      'main.main()',
      '\t/src/main.go:12 +0x1d',
    ].join('\n'));
    expect(ingestOne(db, file)).toMatchObject({ lines: 8, events: 5, rejected: 1, blank: 1, continued: 1 });
    expect(rejects(db)).toEqual([{ line: 3, reason: 'not a JSON object', raw: '[1, 2, 3]' }]);
    expect(sqlRows(db, 'SELECT line, ts, level, message FROM events ORDER BY line')).toEqual([
      { line: 1, ts: null, level: null, message: 'json' },
      { line: 2, ts: '2019-01-18T08:55:08.159Z', level: 'INFO', message: '[2019-01-18T08:55:08,159][INFO ][o.e.n.Node] [node-0] starting ...' },
      { line: 4, ts: null, level: 'FATAL', message: 'panic: boom' },
      { line: 6, ts: null, level: null, message: 'goroutine 7 [running]:' },
      { line: 7, ts: null, level: null, message: 'main.main()\n\t/src/main.go:12 +0x1d' },
    ]);
  });
});

describe('ingest: hostile values', () => {
  it('a JSON field of the wrong type keeps the event: column NULL, raw value in attrs, attrs._problems says why', () => {
    const { dir, db } = workspace();
    const file = write(join(dir, 'n', 'a.jsonl'), [
      '{"msg":"bad seq","seq":"abc","op":"Apply"}',
      '{"msg":"bad version","version":1.5,"count":"many"}',
      '{"msg":"good","seq":"0x1f","version":"1,024"}',
      '{"msg":"past BIGINT","seq":1e19,"version":"9223372036854775808"}',
    ].join('\n'));
    expect(ingestOne(db, file)).toMatchObject({ lines: 4, events: 4, rejected: 0 });
    expect(sqlRows(db, 'SELECT line, seq, version, count, op, attrs FROM events ORDER BY line')).toEqual([
      { line: 1, seq: null, version: null, count: null, op: 'Apply', attrs: { _problems: ['seq: not an integer: "abc"'], seq: 'abc' } },
      { line: 2, seq: null, version: null, count: null, op: null,
        attrs: { _problems: ['version: not an integer: 1.5', 'count: not an integer: "many"'], version: 1.5, count: 'many' } },
      { line: 3, seq: 31, version: 1024, count: null, op: null, attrs: null },
      { line: 4, seq: null, version: null, count: null, op: null, attrs: {
        _problems: ['seq: not an integer: 10000000000000000000', 'version: not an integer: "9223372036854775808"'],
        seq: 10000000000000000000, version: '9223372036854775808' } },
    ]);
  });

  it('a timestamp that does not parse keeps the event: ts NULL, raw value in attrs, attrs._problems says why', () => {
    const { dir, db } = workspace();
    const file = write(join(dir, 'n', 'a.jsonl'), [
      '{"ts":"yesterday-ish 99","msg":"words"}',
      '{"ts":"2026-13-45T99:00:00Z","msg":"impossible date"}',
      '{"ts":true,"msg":"boolean"}',
      '{"ts":9.2e21,"msg":"past year 9999"}',
      '{"ts":"Tue, 22 Jan 2019 08:55:08 +0100","msg":"RFC 2822 still parses"}',
    ].join('\n'));
    const l = write(join(dir, 'n', 'b.log'), 'ts=soon msg="logfmt too"\n');
    orderlineJson(['ingest', file, l, '--db', db]);
    expectAccounting(db);
    expect(sqlRows(db, 'SELECT ts, message, attrs FROM events ORDER BY event_id')).toEqual([
      { ts: null, message: 'words', attrs: { _problems: ['ts: unparseable timestamp "yesterday-ish 99"'], ts: 'yesterday-ish 99' } },
      { ts: null, message: 'impossible date', attrs: { _problems: ['ts: unparseable timestamp "2026-13-45T99:00:00Z"'], ts: '2026-13-45T99:00:00Z' } },
      { ts: null, message: 'boolean', attrs: { _problems: ['ts: unparseable timestamp true'], ts: true } },
      { ts: null, message: 'past year 9999', attrs: { _problems: ['ts: unparseable timestamp 9.2e+21'], ts: 9.2e21 } },
      { ts: '2019-01-22T07:55:08.000Z', message: 'RFC 2822 still parses', attrs: null },
      { ts: null, message: 'logfmt too', attrs: { _problems: ['ts: unparseable timestamp "soon"'], ts: 'soon' } },
    ]);
  });

  it('lone surrogates and NULs in JSON strings do not fail the file: they become U+FFFD', () => {
    const { dir, db } = workspace();
    const file = write(join(dir, 'n', 'a.jsonl'), String.raw`{"msg":"lone \ud800 high","odd":"\udc00 low \u0000 nul","k\udfff":1}` + '\n{"msg":"next"}\n');
    expect(ingestOne(db, file)).toMatchObject({ lines: 2, events: 2, rejected: 0 });
    expect(sqlRows(db, 'SELECT message, attrs FROM events ORDER BY line')).toEqual([
      { message: 'lone \uFFFD high', attrs: { odd: '\uFFFD low \u0000 nul', 'k\uFFFD': 1 } },
      { message: 'next', attrs: null },
    ]);
  });
});

describe('ingest: hostile names', () => {
  it('names like __proto__, constructor, valueOf are plain names: kept in attrs, never a level or phase', () => {
    const { dir, db } = workspace();
    const j = write(join(dir, 'n', 'a.jsonl'), [
      '{"msg":"m1","__proto__":{"x":1},"constructor":"c","level":"valueOf","phase":"constructor","_problems":"logged","seq":"abc"}',
      '{"msg":"pairs toString=1 __proto__=2 constructor=3"}',
    ].join('\n'));
    const l = write(join(dir, 'n', 'b.log'), 'level=valueOf\n');
    const r = orderlineJson(['ingest', j, l, '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expectAccounting(db);
    expect(sqlRows(db, 'SELECT level, phase, attrs FROM events ORDER BY event_id')).toEqual([
      { level: null, phase: 'constructor', attrs: JSON.parse('{"__proto__":{"x":1},"constructor":"c","level":"valueOf","_problems":["logged","seq: not an integer: \\"abc\\""],"seq":"abc"}') },
      { level: null, phase: null, attrs: JSON.parse('{"toString":"1","__proto__":"2","constructor":"3"}') },
      { level: null, phase: null, attrs: { level: 'valueOf' } },
    ]);
  });
});

describe('ingest: hostile files', () => {
  it('a truncated .gz fails alone: exit 1, one stderr line naming the file and a line, no rows of it; the good file loads', () => {
    const { dir, db } = workspace();
    const lines = Array.from({ length: 20000 }, (_, i) => JSON.stringify({ ts: 1767225600 + i, msg: `line ${i + 1}`, seq: i })).join('\n');
    const gz = gzipSync(lines);
    const bad = write(join(dir, 'n', 'a-truncated.jsonl.gz'), gz.subarray(0, gz.length >> 1));
    const good = write(join(dir, 'n', 'b-good.jsonl'), '{"msg":"good one"}\n');
    const r = orderline(['ingest', bad, good, '--db', db, '--json']);
    expect(r.status).toBe(1);
    const said = r.stderr.trim().split('\n');
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line \\d+: truncated gzip data`));
    const doc = JSON.parse(r.stdout); // exactly one JSON document on stdout, failure included
    expect(doc).toMatchObject({ events: 1, rejected: 0, failed: 1 });
    expect(doc.sources.map((s: any) => [s.path, s.source_id, s.error ?? null])).toEqual([[bad, null, said[0]], [good, 1, null]]);
    expect(expectAccounting(db).map((s) => s.path)).toEqual([good]);
    expect(sqlRows(db, 'SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM rejects) AS rejects')).toEqual([{ events: 1, rejects: 0 }]);
  });

  it('a broken JSON document fails alone, naming the record where it broke', () => {
    const { dir, db } = workspace();
    const bad = write(join(dir, 'n', 'a.json'), '[{"msg":"one"},{"msg":"two"},{"msg":');
    const good = write(join(dir, 'n', 'b.jsonl'), '{"msg":"good"}\n');
    const r = orderline(['ingest', bad, good, '--db', db]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^.*a\\.json: record 3: `))]);
    expect(expectAccounting(db).map((s) => s.path)).toEqual([good]);
  });
});

describe('ingest: bad arguments', () => {
  it('a nonexistent path: exit 1, one line; with --json still one document', () => {
    const { dir, db } = workspace();
    const good = write(join(dir, 'n', 'a.jsonl'), '{"msg":"x"}\n');
    const missing = join(dir, 'no-such.log');
    const r = orderline(['ingest', missing, good, '--db', db, '--json']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${missing}: no such file or directory\n`);
    expect(JSON.parse(r.stdout)).toMatchObject({ failed: 1, events: 1, sources: [{ path: missing, error: `${missing}: no such file or directory` }, { path: good }] });
  });

  it('an unknown --format and an unknown --tz are usage errors (exit 2, one line), nothing loaded', () => {
    const { dir, db } = workspace();
    const good = write(join(dir, 'n', 'a.jsonl'), '{"msg":"x"}\n');
    const f = orderline(['ingest', good, '--db', db, '--format', 'nope']);
    expect([f.status, f.stderr]).toEqual([2, 'orderline: --format: unknown format "nope" (orderline formats lists them)\n']);
    const z = orderline(['ingest', good, '--db', db, '--tz', 'Mars/Olympus']);
    expect([z.status, z.stderr]).toEqual([2, 'orderline: --tz: "Mars/Olympus" is no time zone (an IANA name such as Europe/Berlin, UTC, or an offset from -18:00 to +18:00)\n']);
    const m = orderline(['ingest', good, '--db', db, '--max-line-bytes', 'lots']);
    expect(m.status).toBe(2);
    expect(m.stderr.trim().split('\n')[0]).toMatch(/--max-line-bytes takes a whole number/);
  });

  it('ingest --help lists every option', () => {
    const r = orderline(['ingest', '--help']);
    expect(r.status).toBe(0);
    for (const o of ['--format', '--formats-dir', '--node', '--tz', '--year', '--max-line-bytes', '--db', '--json']) expect(r.stdout).toContain(o);
  });
});

describe('coloured logs', () => {
  it('strips ANSI colour codes instead of rejecting the line', () => {
    const t = tempDir();
    try {
      const file = join(t.dir, 'colour.log');
      writeFileSync(file, '\x1b[32mINFO\x1b[0m 2026-11-27T14:30:00Z started op=Load key=k1\n\x1b[31mERROR\x1b[0m failed op=Load\n');
      const db = join(t.dir, 'c.duckdb');
      const r = orderlineJson(['ingest', file, '--db', db]);
      expect(r.doc).toMatchObject({ events: 2, rejected: 0 });
      const rows = sqlRows<{ message: string; level: string }>(db, 'SELECT message, level FROM events ORDER BY line');
      expect(rows).toEqual([
        { message: 'INFO 2026-11-27T14:30:00Z started op=Load key=k1', level: 'INFO' },
        { message: 'ERROR failed op=Load', level: 'ERROR' },
      ]);
    } finally {
      t.cleanup();
    }
  });
});

describe('a reader that stops early', () => {
  it('is no failure (EPIPE): orderline exits 0, prints nothing on stderr, however much it still had to write', () => {
    // 2 M rows (about 16 MB) into `head -1`, which stops reading after the first line: the
    // pipe closes long before orderline is done, so its writes fail with EPIPE.
    const r = spawnSync('bash', ['-c', `set -o pipefail; node ${CLI} sql "SELECT range AS n FROM range(2000000)" --db :memory: --format csv | head -1; echo "status \${PIPESTATUS[0]}" >&2`],
      { encoding: 'utf8' });
    expect(r.stdout).toBe('n\n');
    expect(r.stderr).toBe('status 0\n');
  });
});
