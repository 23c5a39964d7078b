/**
 * Conformance with real logs: each Loghub X_2k.log, ingested through the CLI, must agree
 * with X_2k.log_structured.csv (Loghub's published ground truth) on the timestamp, level,
 * component/process and message content of at least 99% of its lines, with no rejected
 * line. Prints the per-system agreement (the README table comes from it).
 *
 * Loghub's column names do not always mean what they say; each system's comparison
 * below says which ground-truth column is checked against which event column.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS, orderlineJson, sqlRows, tempDir } from './helpers/cli.js';
import { readCsvRecords } from './helpers/csv.js';

const LOGHUB = join(CORPUS, 'loghub');
const present = existsSync(LOGHUB);
if (!present) console.warn(`corpus.loghub: skipped, ${LOGHUB} is absent`);

/** Year given to year-less syslog timestamps, in the ingest and in the expectations. */
const YEAR = 2005;

type Gt = Record<string, string>;
interface Ev {
  line: number; ts: string | null; level: string | null; component: string | null; thread: string | null;
  node: string | null; message: string | null; attrs: Record<string, unknown> | null;
}
interface SystemSpec {
  format: string;
  /** Expected UTC epoch milliseconds. */
  ts(r: Gt): number;
  /** Expected canonical level, or undefined when the ground truth has no level. */
  level?(r: Gt): string | null;
  /** Component/process checks: [ground truth value, event value]. */
  parts(r: Gt, e: Ev): [string, string | null][];
}

const fmt = (text: string, pattern: string) => {
  const dt = DateTime.fromFormat(text, pattern, { zone: 'UTC' });
  if (!dt.isValid) throw new Error(`ground truth time ${JSON.stringify(text)} does not fit ${pattern}`);
  return dt.toMillis();
};
const epoch = (s: string) => Number(s) * 1000;
const attr = (e: Ev, k: string) => (e.attrs?.[k] === undefined ? null : String(e.attrs[k]));
const emptyAsNull = (s: string) => (s === '' ? null : s);
/** The canonical level of each level word the ground truth uses (contract §2). */
const LEVEL: Record<string, string> = {
  INFO: 'INFO', WARN: 'WARN', WARNING: 'WARN', ERROR: 'ERROR', FATAL: 'FATAL', SEVERE: 'ERROR', DEBUG: 'DEBUG',
  notice: 'INFO', error: 'ERROR', warn: 'WARN', info: 'INFO',
};
const level = (word: string) => LEVEL[word] ?? `unmapped ${word}`;

const SYSTEMS: Record<string, SystemSpec> = {
  Apache: { format: 'apache-error', ts: (r) => fmt(r.Time, 'EEE MMM dd HH:mm:ss yyyy'), level: (r) => level(r.Level), parts: () => [] },
  BGL: {
    format: 'bgl', ts: (r) => epoch(r.Timestamp), level: (r) => level(r.Level),
    parts: (r, e) => [[r.Component, e.component], [r.Node, e.node]],
  },
  HDFS: {
    format: 'hdfs', ts: (r) => fmt(`${r.Date} ${r.Time.padStart(6, '0')}`, 'yyMMdd HHmmss'), level: (r) => level(r.Level),
    parts: (r, e) => [[r.Component, e.component], [r.Pid, attr(e, 'pid')]],
  },
  HPC: { format: 'hpc', ts: (r) => epoch(r.Time), parts: (r, e) => [[r.Component, e.component], [r.Node, e.node]] },
  Hadoop: {
    format: 'hadoop', ts: (r) => fmt(`${r.Date} ${r.Time}`, 'yyyy-MM-dd HH:mm:ss,SSS'), level: (r) => level(r.Level),
    parts: (r, e) => [[r.Component, e.component], [r.Process, e.thread]],
  },
  // Linux: the "Level" column holds the host.
  Linux: {
    format: 'syslog', ts: (r) => fmt(`${r.Month} ${r.Date} ${r.Time} ${YEAR}`, 'MMM d HH:mm:ss yyyy'),
    parts: (r, e) => [[r.Level, e.node], [r.Component.trim(), e.component], [r.PID, attr(e, 'pid') ?? '']],
  },
  // OpenSSH: the "Component" column holds the host; the process is sshd[Pid].
  OpenSSH: {
    format: 'syslog', ts: (r) => fmt(`${r.Date} ${r.Day} ${r.Time} ${YEAR}`, 'MMM d HH:mm:ss yyyy'),
    parts: (r, e) => [[r.Component, e.node], [r.Pid, attr(e, 'pid')]],
  },
  OpenStack: {
    format: 'openstack', ts: (r) => fmt(`${r.Date} ${r.Time}`, 'yyyy-MM-dd HH:mm:ss.SSS'), level: (r) => level(r.Level),
    parts: (r, e) => [[r.Component, e.component], [r.Pid, attr(e, 'pid')]],
  },
  Spark: {
    format: 'spark', ts: (r) => fmt(`${r.Date} ${r.Time}`, 'yy/MM/dd HH:mm:ss'), level: (r) => level(r.Level),
    parts: (r, e) => [[r.Component, e.component]],
  },
  // Thunderbird: "User" is the reporting host.
  Thunderbird: {
    format: 'thunderbird', ts: (r) => epoch(r.Timestamp),
    parts: (r, e) => [[r.User, e.node], [r.Component.trim(), e.component], [r.PID, attr(e, 'pid') ?? '']],
  },
  // Zookeeper: Loghub splits "[thread:Class@line]" at the first colon into Node and Component.
  Zookeeper: {
    format: 'zookeeper', ts: (r) => fmt(`${r.Date} ${r.Time}`, 'yyyy-MM-dd HH:mm:ss,SSS'), level: (r) => level(r.Level),
    parts: (r, e) => [[`${r.Node}:${r.Component}`, `${e.thread}:${e.component}`], [r.Id, attr(e, 'src_line')]],
  },
};

interface Agreement { system: string; format: string; lines: number; rejected: number; ts: number; level: number | null; parts: number; message: number; all: number }

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe.skipIf(!present)('Loghub conformance (ground truth: *_2k.log_structured.csv)', () => {
  const results: Agreement[] = [];
  const db = join(tmp.dir, 'loghub.duckdb');
  const names = Object.keys(SYSTEMS);
  let ingest: { sources: { path: string; format: string; lines: number; events: number; rejected: number; source_id: number }[] };

  it('ingests every X_2k.log with no rejected line', () => {
    const files = names.map((s) => join(LOGHUB, s, `${s}_2k.log`));
    const r = orderlineJson(['ingest', ...files, '--db', db, '--year', String(YEAR)]);
    expect(r.status, r.stderr).toBe(0);
    ingest = r.doc;
    for (const s of ingest.sources) expect({ path: s.path, rejected: s.rejected }).toEqual({ path: s.path, rejected: 0 });
  });

  for (const system of names) {
    it(`${system}: ≥ 99% of lines agree on ts, level, component/process and message`, () => {
      const spec = SYSTEMS[system];
      const src = ingest.sources.find((s) => s.path.endsWith(`${system}_2k.log`))!;
      expect(src.format).toBe(spec.format);
      const truth = readCsvRecords(readFileSync(join(LOGHUB, system, `${system}_2k.log_structured.csv`), 'utf8'));
      expect(truth.length).toBe(2000);
      const events = new Map<number, Ev>();
      for (const e of sqlRows<Ev>(db, `SELECT line, ts, level, component, thread, node, message, attrs FROM events WHERE source_id = ${src.source_id}`)) {
        events.set(e.line, e);
      }
      let ts = 0, lv = 0, parts = 0, message = 0, all = 0;
      const misses: string[] = [];
      for (const r of truth) {
        const e = events.get(Number(r.LineId));
        if (e === undefined) { misses.push(`line ${r.LineId}: no event starts here`); continue; }
        const okTs = e.ts !== null && Date.parse(e.ts) === spec.ts(r);
        const okLevel = spec.level === undefined || e.level === spec.level(r);
        const okParts = spec.parts(r, e).every(([want, got]) => emptyAsNull(want) === (got === null ? null : emptyAsNull(got)));
        const okMessage = (e.message ?? '').trim() === r.Content.trim();
        ts += +okTs; lv += +okLevel; parts += +okParts; message += +okMessage;
        if (okTs && okLevel && okParts && okMessage) all++;
        else if (misses.length < 5) misses.push(`line ${r.LineId}: ${[!okTs && `ts ${e.ts}`, !okLevel && `level ${e.level}`, !okParts && `parts ${JSON.stringify(spec.parts(r, e))}`, !okMessage && `message ${JSON.stringify(e.message)}`].filter(Boolean).join(', ')}`);
      }
      const pct = (k: number) => Math.round((k / truth.length) * 1000) / 10;
      results.push({
        system, format: src.format, lines: src.lines, rejected: src.rejected,
        ts: pct(ts), level: spec.level ? pct(lv) : null, parts: pct(parts), message: pct(message), all: pct(all),
      });
      expect(all / truth.length, `${system} disagreements:\n${misses.join('\n')}`).toBeGreaterThanOrEqual(0.99);
    });
  }

  afterAll(() => {
    if (results.length === 0) return;
    const rows = results.map((r) =>
      `| ${r.system} | \`${r.format}\` | ${r.lines} | ${r.rejected} | ${r.ts}% | ${r.level === null ? 'n/a' : `${r.level}%`} | ${r.parts}% | ${r.message}% | ${r.all}% |`);
    console.log(['Loghub conformance (share of the 2,000 lines that agree with the ground truth):',
      '| system | format | lines | rejected | ts | level | component/process | message | all four |',
      '|---|---|---|---|---|---|---|---|---|', ...rows].join('\n'));
  });
});
