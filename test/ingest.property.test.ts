/**
 * Property tests of ingest on random hostile files, through the library API on an
 * in-memory DuckDB. Files mix valid JSON and logfmt lines, invalid JSON, random
 * unicode, control characters, encoded surrogates, invalid UTF-8, lines over a small
 * maxLineBytes, blank lines, CR / CRLF, indented continuation lines, an optional BOM
 * and optional gzip; the format is detected or forced.
 *
 * Properties: ingest never throws; a line format never fails a file; for every source
 * lines = events + continued + rejected + blank, equal to the physical lines of the
 * file; sources counts equal table rows; rejected and event line numbers lie in
 * 1..lines, no line is both; event line numbers strictly increase; a failed or
 * duplicate file leaves no rows. And the line splitter gives the same lines whatever
 * chunks the bytes arrive in, holding no more than one line's worth.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/database.js';
import { query } from '../src/db/rows.js';
import { loadFormats } from '../src/formats.js';
import { ingestPaths } from '../src/ingest.js';
import { LineSplitter, RAW_KEEP } from '../src/input/lineSplitter.js';
import { TimeZone } from '../src/normalize/timestamp.js';
import { tempDir } from './helpers/cli.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** Runs per property: small by default (a busy 2-core machine); ORDERLINE_PROPERTY_RUNS=5000 to search harder. */
const RUNS = Number(process.env.ORDERLINE_PROPERTY_RUNS ?? 80);

// ---- random lines (no line terminator inside, except where random text brings one) ----

const text = fc.string({ unit: 'binary', maxLength: 40 });
const word = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,12}$/);

const isoTs = fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
const anyTs = fc.oneof(isoTs, fc.integer({ min: 0, max: 2 ** 53 - 1 }), fc.double({ noNaN: true }), text, isoTs.map((s) => s.replace('T', ' ').replace('Z', '')));

const jsonLine = fc
  .record({
    ts: anyTs,
    level: fc.constantFrom('info', 'WARN', 'e', 'bogus', 3),
    msg: fc.oneof(text, fc.constant('loaded 36 partitions op=Load key=k-1 seq=7')),
    seq: fc.oneof(fc.integer(), word, fc.constant('abc')),
    host: word,
    attr: fc.dictionary(word, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  }, { requiredKeys: ['msg'] })
  .map((r) => Buffer.from(JSON.stringify(r)));

/** JSON strings with surrogate escapes, lone or paired. */
const surrogateJson = fc
  .array(fc.integer({ min: 0xd800, max: 0xdfff }), { minLength: 1, maxLength: 3 })
  .map((cs) => Buffer.from(`{"msg":"s${cs.map((c) => `\\u${c.toString(16)}`).join('')}","k\\u${cs[0].toString(16)}":1}`));

const logfmtValue = fc.oneof(word, text.map((t) => `"${t.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`));
const logfmtLine = fc
  .array(fc.tuple(fc.constantFrom('ts', 'level', 'msg', 'op', 'key', 'seq', 'peer', 'note', 'flag'), fc.option(logfmtValue)), { minLength: 1, maxLength: 6 })
  .map((pairs) => Buffer.from(pairs.map(([k, v]) => (v === null ? k : `${k}=${v}`)).join(' ')));

const invalidJson = text.map((t) => Buffer.from(`{${t}`));
const unicode = fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => Buffer.from(s));
const controls = fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 8 }).map((s) => Buffer.from(s));
/** CESU-8 surrogates (ED A0..BF xx): not UTF-8. */
const surrogateBytes = fc.tuple(fc.integer({ min: 0xa0, max: 0xbf }), fc.integer({ min: 0x80, max: 0xbf })).map(([b, c]) => Buffer.from([0x61, 0xed, b, c, 0x62]));
const invalidUtf8 = fc
  .tuple(text, fc.constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0x80], [0xc0, 0xaf], [0xfe, 0xfe]))
  .map(([t, bad]) => Buffer.concat([Buffer.from(t), Buffer.from(bad)]));
const randomBytes = fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a));
const blank = fc.constantFrom('', ' ', '\t', ' \t ', '\r').map((s) => Buffer.from(s));
const continuation = fc.tuple(fc.constantFrom(' ', '\t', '    '), text).map(([i, t]) => Buffer.from(`${i}at ${t}`));

/**
 * Deeply nested JSON, built as text (JSON.stringify itself overflows past a few thousand
 * levels): arrays, objects or both, under a key or as the whole line, 2 to 9,000 levels.
 */
const nestedText = fc.tuple(fc.integer({ min: 2, max: 9000 }), fc.constantFrom('[', '{"x":', '{"a":[')).map(([depth, open]) => {
  const close = open === '[' ? ']' : open === '{"x":' ? '}' : ']}';
  const n = open === '{"a":[' ? Math.ceil(depth / 2) : depth;
  return `${open.repeat(n)}1${close.repeat(n)}`;
});
const deepJsonLine = fc.tuple(nestedText, fc.constantFrom('field', 'whole', 'message')).map(([nested, where]) => Buffer.from(
  where === 'whole' ? nested : where === 'field' ? `{"msg":"deep","ts":"2026-11-27T14:30:00Z","attr":${nested}}` : `{"msg":${JSON.stringify(nested)}}`));
/** Wide values: many fields, or one long string. */
const wideJsonLine = fc.oneof(
  fc.integer({ min: 100, max: 3000 }).map((n) => Buffer.from(JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, i]))))),
  fc.integer({ min: 1000, max: 60_000 }).map((n) => Buffer.from(JSON.stringify({ msg: 'w'.repeat(n), key: 'k'.repeat(n % 500 + 1) }))),
);

/** Lines around a small limit: a few bytes under it to hundreds over, ASCII or multi-byte. */
function longLine(maxLineBytes: number) {
  if (maxLineBytes > 4096) return wideJsonLine;
  return fc
    .tuple(fc.integer({ min: -3, max: 400 }), fc.constantFrom('x', 'é', '€', '😀'), fc.boolean())
    .map(([extra, ch, json]) => {
      const body = ch.repeat(Math.max(1, Math.ceil((maxLineBytes + extra) / Buffer.byteLength(ch))));
      return Buffer.from(json ? `{"msg":"${body}"}` : body);
    });
}

function line(maxLineBytes: number) {
  return fc.oneof(
    { arbitrary: jsonLine, weight: 4 },
    { arbitrary: logfmtLine, weight: 3 },
    { arbitrary: invalidJson, weight: 1 },
    { arbitrary: surrogateJson, weight: 1 },
    { arbitrary: unicode, weight: 1 },
    { arbitrary: controls, weight: 1 },
    { arbitrary: surrogateBytes, weight: 1 },
    { arbitrary: invalidUtf8, weight: 1 },
    { arbitrary: randomBytes, weight: 1 },
    { arbitrary: blank, weight: 2 },
    { arbitrary: continuation, weight: 2 },
    { arbitrary: longLine(maxLineBytes), weight: 1 },
    { arbitrary: deepJsonLine, weight: 1 },
    { arbitrary: wideJsonLine, weight: 1 },
  );
}

const terminator = fc.constantFrom('\n', '\n', '\r\n', '\r\n', '\r\r\n');

/** Lines joined by random terminators, with or without a final one. */
const lineContent = (maxLineBytes: number) => fc
  .tuple(fc.array(fc.tuple(line(maxLineBytes), terminator), { maxLength: 25 }), fc.boolean())
  .map(([lines, finalNewline]) => ({
    content: Buffer.concat(lines.flatMap(([l, t], i) => (i < lines.length - 1 || finalNewline ? [l, Buffer.from(t)] : [l]))),
    records: undefined,
  }));

const eventObject = fc.record({ ts: anyTs, msg: text, seq: fc.oneof(fc.integer(), word), node: word }, { requiredKeys: [] });
/** A value and its JSON text (`pretty`: indented), so that values too deep for JSON.stringify can be written. */
interface Valued { value: unknown; text: (pretty: boolean) => string }
const stringified = (value: unknown): Valued => ({ value, text: (pretty) => JSON.stringify(value, null, pretty ? 2 : undefined) });
/** An event object whose field nests deeper than any log does, written as text. */
const deepObject = nestedText.map((nested): Valued => ({ value: { msg: 'deep' }, text: () => `{"msg":"deep","attr":${nested}}` }));
const anyValue: fc.Arbitrary<Valued> = fc.oneof(
  { arbitrary: eventObject.map(stringified), weight: 3 },
  { arbitrary: deepObject, weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map(stringified), weight: 1 },
  { arbitrary: fc.constant(stringified({ msg: 'lone \udc00' })), weight: 1 },
);

/** A JSON array or concatenated values, pretty or not, sometimes cut short. */
const jsonDocument = fc
  .tuple(fc.array(anyValue, { maxLength: 15 }), fc.boolean(), fc.boolean(), fc.option(fc.nat(), { freq: 4 }))
  .map(([values, array, pretty, cut]) => {
    const texts = values.map((v) => v.text(pretty));
    const full = array ? `[${texts.join(pretty ? ',\n' : ',')}]` : texts.join('\n');
    const text = cut === null || full.length === 0 ? full : full.slice(0, cut % full.length);
    // Concatenated values that start with an array read as one array: no count to expect then.
    const known = text === full && (array || !Array.isArray(values[0]?.value));
    return { content: Buffer.from(text), records: known ? values.length : undefined };
  });

const otlpValue = fc.oneof(
  text.map((stringValue) => ({ stringValue })),
  fc.integer().map((i) => ({ intValue: String(i) })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((doubleValue) => ({ doubleValue })),
  fc.boolean().map((boolValue) => ({ boolValue })),
  fc.constant({ kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } }),
  fc.constant({ arrayValue: { values: [{ intValue: '1' }] } }),
  // kvlists and arrays nested 20 to 300 levels (past the 100 orderline keeps)
  fc.integer({ min: 20, max: 300 }).map((depth) => {
    let v: Record<string, unknown> = { stringValue: 'leaf' };
    for (let i = 0; i < depth; i++) v = i % 2 ? { kvlistValue: { values: [{ key: `k${i}`, value: v }] } } : { arrayValue: { values: [v] } };
    return v;
  }),
);
const otlpRecord = fc.record({
  timeUnixNano: fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 20n - 1n }).map(String), fc.constant('0'), text),
  severityNumber: fc.integer({ min: -1, max: 30 }),
  severityText: fc.constantFrom('INFO', 'Warning', 'weird'),
  traceId: fc.stringMatching(/^[0-9a-f]{0,32}$/),
  body: otlpValue,
  attributes: fc.array(fc.record({ key: fc.constantFrom('key', 'op', 'seq', 'phase', 'peer', 'x.y'), value: otlpValue }), { maxLength: 4 }),
}, { requiredKeys: [] });
const otlpDocument = fc
  .array(fc.tuple(fc.option(word), fc.array(fc.array(otlpRecord, { maxLength: 4 }), { maxLength: 2 })), { maxLength: 3 })
  .map((resources) => {
    const doc = {
      resourceLogs: resources.map(([name, scopes]) => ({
        resource: { attributes: name === null ? [] : [{ key: 'service.name', value: { stringValue: name } }] },
        scopeLogs: scopes.map((logRecords) => ({ scope: { name: 's' }, logRecords })),
      })),
    };
    const records = resources.reduce((n, [, scopes]) => n + scopes.reduce((m, r) => m + r.length, 0), 0);
    return { content: Buffer.from(JSON.stringify(doc, null, 1)), records: resources.length > 0 ? records : undefined };
  });

interface RandomFile {
  maxLineBytes: number;
  /** The bytes after decompression and without the BOM: what lines are counted in. */
  content: Buffer;
  /** For an intact JSON document: the values (records) it holds. */
  records: number | undefined;
  bom: boolean;
  gzip: boolean;
  format: string | undefined;
}

// Mostly a small limit (overlong lines are common); sometimes the default 1 MiB, where deep and wide lines fit.
const maxLine = fc.oneof({ arbitrary: fc.integer({ min: 48, max: 512 }), weight: 3 }, { arbitrary: fc.constant(1 << 20), weight: 1 });
const randomFile: fc.Arbitrary<RandomFile> = maxLine.chain((maxLineBytes) =>
  fc.record({
    maxLineBytes: fc.constant(maxLineBytes),
    body: fc.oneof({ arbitrary: lineContent(maxLineBytes), weight: 6 }, { arbitrary: jsonDocument, weight: 2 }, { arbitrary: otlpDocument, weight: 1 }),
    bom: fc.boolean(),
    gzip: fc.boolean(),
    format: fc.constantFrom(undefined, undefined, undefined, 'jsonl', 'logfmt', 'text', 'json', 'otlp'),
  }).map(({ body, ...rest }) => ({ ...rest, ...body })),
);

/** Physical lines as the contract counts them: `\n`-separated, a final newline ends the last one. */
function physicalLines(b: Buffer): number {
  if (b.length === 0) return 0;
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return b[b.length - 1] === 10 ? n : n + 1;
}

// ---- the properties ----

const tmp = tempDir('orderline-property-');
let db: Database;
beforeAll(async () => {
  db = await openDatabase(':memory:', { threads: 1 });
});
afterAll(() => {
  db?.close();
  tmp.cleanup();
});

async function one<T = Record<string, unknown>>(sql: string): Promise<T> {
  return (await query(db.conn, sql)).rows[0] as T;
}

const totals = () => one<{ sources: number; events: number; rejects: number }>(
  'SELECT (SELECT count(*) FROM sources) AS sources, (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM rejects) AS rejects',
);

describe('ingest properties (random hostile files)', () => {
  it('never throws; accounting holds and matches the file; line numbers are sound', async () => {
    const formats = await loadFormats();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(randomFile, async (f) => {
        const dir = join(tmp.dir, `node-${run}`);
        mkdirSync(dir, { recursive: true });
        const path = join(dir, `run-${run++}.log`);
        const stored = f.bom ? Buffer.concat([BOM, f.content]) : f.content;
        writeFileSync(path, f.gzip ? gzipSync(stored) : stored);

        const before = await totals();
        const warnings: string[] = [];
        const result = await ingestPaths(db, [path], {
          formats, format: f.format, zone: TimeZone.utc(), maxLineBytes: f.maxLineBytes, warn: (m) => warnings.push(m),
        });
        expect(result.sources).toHaveLength(1);
        const src = result.sources[0];
        const isDocument = src.format === 'json' || src.format === 'otlp';

        if (src.error !== undefined || src.skipped) {
          // Only a broken JSON document may fail; a failed or duplicate file leaves nothing.
          if (src.error !== undefined) {
            expect(isDocument, `a ${src.format} file failed: ${src.error}`).toBe(true);
            expect(f.records === undefined || f.format !== undefined, `an intact document failed: ${src.error}`).toBe(true);
            expect(src.error.startsWith(`${path}: record `), src.error).toBe(true);
          }
          expect(warnings).toHaveLength(1);
          expect(await totals()).toEqual(before);
          return;
        }

        const id = src.sourceId!;
        const row = await one<{ lines: number; events: number; rejected: number; blank: number; continued: number; event_rows: number; reject_rows: number;
          event_lines: number[] | null; reject_lines: number[] | null }>(`
          SELECT s.lines, s.events, s.rejected, s.blank, s.continued,
            (SELECT count(*) FROM events WHERE source_id = ${id}) AS event_rows,
            (SELECT count(*) FROM rejects WHERE source_id = ${id}) AS reject_rows,
            (SELECT list(line ORDER BY event_id) FROM events WHERE source_id = ${id}) AS event_lines,
            (SELECT list(line ORDER BY line) FROM rejects WHERE source_id = ${id}) AS reject_lines
          FROM sources s WHERE s.source_id = ${id}`);
        expect(row.lines).toBe(row.events + row.continued + row.rejected + row.blank);
        expect([row.event_rows, row.reject_rows]).toEqual([row.events, row.rejected]);
        expect([row.lines, row.events, row.rejected]).toEqual([src.lines, src.events, src.rejected]);
        if (!isDocument) expect(row.lines).toBe(physicalLines(f.content));
        else if (f.records !== undefined && f.format === undefined) expect(row.lines, 'records of an intact document').toBe(f.records);

        const eventLines = row.event_lines ?? [];
        const rejectLines = row.reject_lines ?? [];
        for (let i = 1; i < eventLines.length; i++) expect(eventLines[i]).toBeGreaterThan(eventLines[i - 1]);
        for (const l of [...eventLines, ...rejectLines]) {
          expect(l).toBeGreaterThanOrEqual(1);
          expect(l).toBeLessThanOrEqual(row.lines);
        }
        expect(new Set([...eventLines, ...rejectLines]).size).toBe(eventLines.length + rejectLines.length);

        const after = await totals();
        expect(after).toEqual({ sources: before.sources + 1, events: before.events + row.events, rejects: before.rejects + row.rejected });
      }),
      { numRuns: RUNS },
    );
  }, 30_000 + RUNS * 100);

  it('the line splitter gives the same lines whatever the chunks, and holds at most one line', () => {
    type Call = [string, number, string];
    const split = (bytes: Buffer, cuts: number[], max: number): { calls: Call[]; lines: number; blank: number; held: number } => {
      const calls: Call[] = [];
      const sp = new LineSplitter({ line: (t, i) => calls.push(['line', i, t]), reject: (i, reason, raw) => calls.push([reason, i, raw]) }, max);
      let held = 0;
      let at = 0;
      for (const c of [...cuts.filter((x) => x > 0 && x < bytes.length).sort((a, b) => a - b), bytes.length]) {
        if (c > at) sp.push(bytes.subarray(at, c));
        at = Math.max(at, c);
        held = Math.max(held, sp.heldBytes);
      }
      sp.end();
      return { calls, lines: sp.lines, blank: sp.blank, held };
    };
    fc.assert(
      fc.property(randomFile, fc.array(fc.nat({ max: 4000 }), { maxLength: 30 }), (f, cuts) => {
        const bytes = f.bom ? Buffer.concat([BOM, f.content]) : f.content;
        const whole = split(bytes, [], f.maxLineBytes);
        const chunked = split(bytes, [...cuts, 1, 2], f.maxLineBytes); // 1 and 2: a BOM cut into pieces
        expect(chunked.calls).toEqual(whole.calls);
        expect([chunked.lines, chunked.blank]).toEqual([whole.lines, whole.blank]);
        expect(whole.lines).toBe(physicalLines(f.content));
        expect(chunked.held).toBeLessThanOrEqual(Math.max(f.maxLineBytes + 1, RAW_KEEP + 1) + 2);
        for (const [, , raw] of whole.calls) expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(Math.max(f.maxLineBytes, RAW_KEEP) * 3);
      }),
      { numRuns: RUNS * 5 },
    );
  });
});
