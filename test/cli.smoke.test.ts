import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, orderline, orderlineJson, sqlRows, tempDir } from './helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('orderline CLI basics', () => {
  it('--help lists the commands', () => {
    const r = orderline(['--help']);
    expect(r.status).toBe(0);
    for (const c of ['ingest', 'sql', 'formats', 'detect']) expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
  });

  it('the built CLI runs by itself, as npx runs it (executable, shebang with its Node options)', () => {
    expect(statSync(CLI).mode & 0o111).not.toBe(0);
    const r = spawnSync(CLI, ['--version'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('an unknown option is a usage error (exit 2)', () => {
    const r = orderline(['ingest', '--no-such-option', 'x']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown option/);
  });

  it('ingests JSON lines and answers SQL', () => {
    const dir = join(tmp.dir, 'node-a');
    mkdirSync(dir);
    const file = join(dir, 'app.jsonl');
    writeFileSync(file, [
      JSON.stringify({ ts: '2026-11-27T14:30:00.123456Z', level: 'info', msg: 'initialized with metadata from 4790 entities', key: 'tenant-7', op: 'LoadMetadata', phase: 'done', seq: 41 }),
      JSON.stringify({ ts: 1764253800.5, level: 'WARN', msg: 'slow op=WriteDerived key=tenant-7' }),
    ].join('\n'));
    const db = join(tmp.dir, 'a.duckdb');
    const { status, doc } = orderlineJson(['ingest', file, '--db', db]);
    expect(status).toBe(0);
    expect(doc).toMatchObject({ events: 2, rejected: 0, sources: [{ format: 'jsonl', node: 'node-a', lines: 2, events: 2, rejected: 0 }] });
    const rows = sqlRows(db, 'SELECT node, ts, level, key, op, phase, seq, count, count_unit, template FROM events ORDER BY line');
    expect(rows[0]).toEqual({
      node: 'node-a', ts: '2026-11-27T14:30:00.123456Z', level: 'INFO', key: 'tenant-7', op: 'LoadMetadata',
      phase: 'completed', seq: 41, count: 4790, count_unit: 'entities', template: 'initialized with metadata from <*> entities',
    });
    expect(rows[1]).toMatchObject({ ts: '2025-11-27T14:30:00.500Z', level: 'WARN', op: 'WriteDerived', key: 'tenant-7' });
  });
});
