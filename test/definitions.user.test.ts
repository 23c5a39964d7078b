/**
 * A user's own format, written from contract §4 alone: the "compact-store" layout
 * `ts node code message`, where the one-letter code says the phase and the message
 * carries `Op key #seq via request`. Its rules fill op, phase, key, seq and causal_id;
 * its samples pass `formats --check`; detection picks it; ingest fills the columns.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { orderline, orderlineJson, sqlRows, tempDir } from './helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const STEP = '^(?<op>\\w+) (?<key>\\S+) #(?<seq>\\d+)(?: via (?<causal_id>\\S+))?$';
const definition = {
  name: 'compact-store',
  description: 'compact-store node log: ts node code message; Q/S/C codes give the phase',
  line: '^(?<ts>\\S+) (?<node>\\S+) (?<code>[A-Z]) (?<message>.*)$',
  timestamp: { field: 'ts', format: "yyyy-MM-dd'T'HH:mm:ss.SSS", zone: 'UTC' },
  continuation: '^\\s',
  rules: [
    { match: STEP, when: { code: 'Q' }, set: { phase: 'queued' } },
    { match: STEP, when: { code: 'S' }, set: { phase: 'started' } },
    { match: STEP, when: { code: 'C' }, set: { phase: 'completed' } },
    { match: STEP, when: { code: 'F' }, set: { phase: 'failed', level: 'ERROR' } },
  ],
  samples: [
    { line: '2026-11-27T14:30:00.123 n1 Q LoadMetadata tenant-7 #41 via r-9f2c', expect: { op: 'LoadMetadata', phase: 'queued', key: 'tenant-7', seq: 41, causal_id: 'r-9f2c', node: 'n1', ts: '2026-11-27T14:30:00.123Z' } },
    { line: '2026-11-27T14:30:02.000 n2 C WriteDerived tenant-7 #42', expect: { op: 'WriteDerived', phase: 'completed', causal_id: null, attrs: { code: 'C' } } },
  ],
};

const formatsDir = join(tmp.dir, 'formats');
mkdirSync(formatsDir);
writeFileSync(join(formatsDir, 'compact-store.json'), JSON.stringify(definition, null, 2));

const logDir = join(tmp.dir, 'logs');
mkdirSync(logDir);
const log = join(logDir, 'store.log');
writeFileSync(log, [
  '2026-11-27T14:30:00.123 n1 Q LoadMetadata tenant-7 #41 via r-9f2c',
  '2026-11-27T14:30:00.200 n1 S WriteDerived tenant-7 #42 via r-9f2c',
  '2026-11-27T14:30:01.500 n1 S LoadMetadata tenant-7 #41 via r-9f2c',
  '2026-11-27T14:30:02.000 n1 C LoadMetadata tenant-7 #41',
  '2026-11-27T14:30:02.100 n1 F WriteDerived tenant-7 #42 via r-9f2c',
  '  caused by: metadata not loaded',
  '2026-11-27T14:30:03.000 n2 C LoadMetadata tenant-7 #41',
  '2026-11-27T14:30:03.900 n2 N compaction finished',
].join('\n'));

describe('a user-written definition (contract §4 only)', () => {
  it('its samples pass formats --check', () => {
    const r = orderlineJson(['formats', '--check', formatsDir]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.doc).toMatchObject({ samples: 2, passed: 2, failed: 0 });
  });

  it('detection picks it for its files', () => {
    const r = orderlineJson(['detect', log, '--formats-dir', formatsDir]);
    expect(r.status).toBe(0);
    expect(r.doc).toMatchObject({ format: 'compact-store', score: expect.any(Number) });
    expect(r.doc.score).toBeGreaterThanOrEqual(0.8);
    expect(r.doc.runner_up.score).toBeLessThan(r.doc.score);
  });

  it('rules fill op, phase, key, seq and causal_id when their code matches', () => {
    const db = join(tmp.dir, 'store.duckdb');
    const r = orderlineJson(['ingest', log, '--db', db, '--formats-dir', formatsDir]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.doc.sources[0]).toMatchObject({ format: 'compact-store', lines: 8, events: 7, rejected: 0, continued: 1 });
    const rows = sqlRows(db, 'SELECT line, node, ts, level, op, phase, key, seq, causal_id, message, attrs FROM events ORDER BY line');
    expect(rows.map((e) => [e.line, e.node, e.op, e.phase, e.key, e.seq, e.causal_id])).toEqual([
      [1, 'n1', 'LoadMetadata', 'queued', 'tenant-7', 41, 'r-9f2c'],
      [2, 'n1', 'WriteDerived', 'started', 'tenant-7', 42, 'r-9f2c'],
      [3, 'n1', 'LoadMetadata', 'started', 'tenant-7', 41, 'r-9f2c'],
      [4, 'n1', 'LoadMetadata', 'completed', 'tenant-7', 41, null],
      [5, 'n1', 'WriteDerived', 'failed', 'tenant-7', 42, 'r-9f2c'],
      [7, 'n2', 'LoadMetadata', 'completed', 'tenant-7', 41, null],
      [8, 'n2', null, null, null, null, null],
    ]);
    expect(rows[4]).toMatchObject({ level: 'ERROR', ts: '2026-11-27T14:30:02.100Z', message: 'WriteDerived tenant-7 #42 via r-9f2c\n  caused by: metadata not loaded' });
    expect(rows[0].attrs).toEqual({ code: 'Q' });
    // a line whose code is not one of the rules' keeps its text and no step
    expect(rows[6]).toMatchObject({ message: 'compaction finished', attrs: { code: 'N' } });
  });

  it('a wrong expectation makes formats --check fail (exit 1) and say what differed', () => {
    const dir = join(tmp.dir, 'wrong');
    mkdirSync(dir);
    const wrong = { ...definition, samples: [{ line: definition.samples[0].line, expect: { phase: 'started', seq: 40 } }] };
    writeFileSync(join(dir, 'compact-store.json'), JSON.stringify(wrong));
    const r = orderline(['formats', '--check', dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('phase: expected "started", got "queued"');
    expect(r.stdout).toContain('seq: expected 40, got "41"');
    expect(r.stdout).toMatch(/1 definitions, 1 samples, 1 failed/);
  });
});
