/**
 * Real structured logs from the shared corpus (`jsonl/`: Elasticsearch 7/8, MongoDB 4.4,
 * OTLP examples; `etcd/`: zap JSON mixed with Go panics, and logrus text from rke)
 * ingested through the CLI into one DuckDB file: every source keeps the accounting
 * invariant, each gets a sensible format, and a few known facts of each file come out.
 * The corpus is research-only data outside the repo: read in place, never copied.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccounting, type SourceAccounts } from './helpers/accounting.js';
import { CORPUS, orderlineJson, sqlRows, tempDir } from './helpers/cli.js';

const FOLDERS = ['jsonl', 'etcd'].map((f) => join(CORPUS, f));
const present = FOLDERS.every((f) => existsSync(f));
if (!present) console.log(`corpus.structured: ${FOLDERS.join(' or ')} not found; skipping the real-log tests`);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(jsonl|json|log)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

describe.skipIf(!present)('ingest on the structured corpus', () => {
  let tmp: ReturnType<typeof tempDir> | undefined;
  let db = '';
  let sources: SourceAccounts[] = [];
  const byName = (name: string) => {
    const s = sources.find((x) => x.path.endsWith(`/${name}`));
    if (!s) throw new Error(`${name} was not ingested`);
    return s;
  };
  const rows = (sql: string, name: string) => sqlRows<any>(db, sql.replaceAll('$SRC', String(byName(name).source_id)));

  beforeAll(() => {
    tmp = tempDir('orderline-corpus-');
    db = join(tmp.dir, 'corpus.duckdb');
    const files = FOLDERS.flatMap(filesUnder);
    const r = orderlineJson(['ingest', ...files, '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.doc.sources.map((s: any) => s.path)).toEqual(files);
    sources = expectAccounting(db);
    console.log(`\n${'file'.padEnd(58)} ${'format'.padEnd(7)} ${'events'.padStart(6)} ${'rejected'.padStart(8)}`);
    for (const s of sources) {
      console.log(`${relative(CORPUS, s.path).padEnd(58)} ${s.format.padEnd(7)} ${String(s.events).padStart(6)} ${String(s.rejected).padStart(8)}`);
    }
  });
  afterAll(() => tmp?.cleanup());

  it('ingests every file, the accounting invariant holding for each', () => {
    expect(sources.length).toBe(FOLDERS.flatMap(filesUnder).length);
    expect(sources.length).toBeGreaterThanOrEqual(9);
    for (const s of sources) expect(s.lines, s.path).toBeGreaterThan(0);
  });

  it('detects OTLP as otlp, Elasticsearch and MongoDB JSON as jsonl', () => {
    expect(byName('otlp-logs.json').format).toBe('otlp');
    expect(byName('otlp-events.json').format).toBe('otlp');
    for (const f of ['es7-test-json.log', 'elasticsearch-json.800.log', 'mongodb-ubuntu-4.4.4-json.log']) {
      expect([f, byName(f).format, byName(f).rejected]).toEqual([f, 'jsonl', 0]);
    }
  });

  it('keeps the Go panics of the etcd docker log as events, its stack frames joined, nothing rejected', () => {
    const etcd = byName('rke-etcd-ks-9047366-docker-logs.log');
    // 500 lines: 350 zap JSON, 78 text (panic, goroutine, frames), 66 indented file:line continuations, 6 blank.
    expect(etcd).toMatchObject({ format: 'jsonl', lines: 500, events: 428, rejected: 0, continued: 66, blank: 6 });
    expect(rows("SELECT count(*) AS n FROM events WHERE source_id = $SRC AND message LIKE 'panic: unexpected removal of unknown remote peer%'", 'rke-etcd-ks-9047366-docker-logs.log'))
      .toEqual([{ n: 6 }]);
    expect(rows(`SELECT line, level, message FROM events WHERE source_id = $SRC AND line BETWEEN 35 AND 40 ORDER BY line`, 'rke-etcd-ks-9047366-docker-logs.log')).toEqual([
      { line: 35, level: 'FATAL', message: 'unexpected removal of unknown remote peer' },
      { line: 36, level: 'FATAL', message: 'panic: unexpected removal of unknown remote peer' },
      { line: 38, level: null, message: 'goroutine 257 [running]:' },
      { line: 39, level: null, message: expect.stringMatching(/^go\.uber\.org\/zap\/zapcore\.\(\*CheckedEntry\)\.Write\(.*\n\s+\/.*zapcore\/entry\.go:234 \+0x58d$/) },
    ]);
    expect(rows("SELECT ts, component FROM events WHERE source_id = $SRC AND line = 1", 'rke-etcd-ks-9047366-docker-logs.log'))
      .toEqual([{ ts: expect.stringMatching(/^2023-02-22T08:21:08\.\d{3}Z$/), component: expect.any(String) }]);
  });

  it('reads Elasticsearch 7 times (comma, +0100), node.name and the recovered [0] indices count', () => {
    expect(byName('es7-test-json.log')).toMatchObject({ node: 'node-0', lines: 55, events: 55 });
    expect(rows("SELECT line, ts, level, count, count_unit FROM events WHERE source_id = $SRC AND message LIKE 'recovered [0] indices%'", 'es7-test-json.log'))
      .toEqual([{ line: 49, ts: expect.stringMatching(/^2019-01-18T07:\d{2}:\d{2}\.\d{3}Z$/), level: 'INFO', count: 0, count_unit: 'indices' }]);
    expect(rows('SELECT count(*) AS n FROM events WHERE source_id = $SRC AND ts IS NULL', 'es7-test-json.log')).toEqual([{ n: 0 }]);
    expect(byName('elasticsearch-json.800.log').node).toBe('CBR-MBP.local');
  });

  it('reads MongoDB 4.4 t.$date, s, c and ctx on every line', () => {
    expect(byName('mongodb-ubuntu-4.4.4-json.log')).toMatchObject({ lines: 10, events: 10 });
    expect(rows(`SELECT count(*) FILTER (WHERE ts IS NULL) AS no_ts, count(*) FILTER (WHERE level IS NULL) AS no_level,
      count(*) FILTER (WHERE component IS NULL) AS no_component, count(*) FILTER (WHERE thread IS NULL) AS no_thread
      FROM events WHERE source_id = $SRC`, 'mongodb-ubuntu-4.4.4-json.log')).toEqual([{ no_ts: 0, no_level: 0, no_component: 0, no_thread: 0 }]);
    expect(rows('SELECT ts, level, component, thread, message FROM events WHERE source_id = $SRC AND line = 1', 'mongodb-ubuntu-4.4.4-json.log'))
      .toEqual([{ ts: '2021-03-22T21:21:20.349Z', level: 'INFO', component: 'STORAGE', thread: 'initandlisten', message: 'MongoDB starting' }]);
  });

  it('reads the OTLP example: service.name, trace id, span id, severity', () => {
    expect(rows('SELECT node, ts, level, causal_id, message, attrs->>\'span_id\' AS span_id FROM events WHERE source_id = $SRC', 'otlp-logs.json')).toEqual([{
      node: 'my.service', ts: '2018-12-13T14:51:00.300Z', level: 'INFO', causal_id: '5B8EFFF798038103D269B633813FC60C',
      message: 'Example log record', span_id: 'EEE19B7EC3C1B174',
    }]);
  });

  it('reads the rke logrus text levels, the fatal last line included', () => {
    const rke = byName('rke-up-remove-node-67.log');
    expect(rke).toMatchObject({ format: 'logrus', rejected: 0 });
    expect(rows("SELECT line, level FROM events WHERE source_id = $SRC AND level = 'FATAL'", 'rke-up-remove-node-67.log')).toEqual([{ line: 545, level: 'FATAL' }]);
    expect(rows("SELECT count(*) AS n FROM events WHERE source_id = $SRC AND level IS NULL", 'rke-up-remove-node-67.log'))
      .toEqual([{ n: 0 }]);
  });
});
