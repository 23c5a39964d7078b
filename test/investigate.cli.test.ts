import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SECTION_TITLES } from '../src/report/markdown.js';
import { writeIncidentLogs } from './fixtures/incidentLogs.js';
import { orderline, orderlineJson, sqlRows, tempDir } from './helpers/cli.js';
import { schemaErrors } from './helpers/reportSchema.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const { logs, events } = writeIncidentLogs(tmp.dir);

describe('orderline investigate (end to end: too few instances to mine an invariant, one lower count)', () => {
  const out = join(tmp.dir, 'report');
  const first = orderline(['investigate', logs, '--out', out, '--format', 'html']);

  it('exits 0, says what it found and which files it wrote', () => {
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout.split('\n')).toEqual([
      `3 files, ${events} events, 3 nodes`,
      'No ordering break found.',
      '1 lower-count anomaly',
      `Wrote ${['report.md', 'report.json', 'report.html', 'trace.json', 'incident.duckdb'].map((f) => join(out, f)).join(', ')}`,
      '',
    ]);
  });

  it('writes incident.duckdb with the events, report.json valid against the shipped schema, report.md and report.html', () => {
    expect(sqlRows(join(out, 'incident.duckdb'), 'SELECT count(*)::INTEGER AS n, count(DISTINCT node)::INTEGER AS nodes FROM events')).toEqual([{ n: events, nodes: 3 }]);
    const doc = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(schemaErrors(doc)).toEqual([]);
    expect(doc.findings).toEqual([]);
    expect(doc.meta).toMatchObject({ inputs: [logs], sources: 3, events, rejected: 0, nodes: ['node-a', 'node-b', 'node-c'], failed_sources: [] });
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md.split('\n')[0]).toBe('# Incident report: no ordering break found');
    expect([...md.matchAll(/^## (.+)$/gm)].map((m) => m[1])).toEqual(['Summary', ...SECTION_TITLES]);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<h1>No ordering break found</h1>');
  });

  it('starts from a fresh incident.duckdb on every run (nothing "already ingested")', () => {
    const again = orderline(['investigate', logs, '--out', out]);
    expect(again.status).toBe(0);
    expect(again.stderr).toBe('');
    expect(sqlRows(join(out, 'incident.duckdb'), 'SELECT count(*)::INTEGER AS n FROM events')).toEqual([{ n: events }]);
  });

  it('--json prints the report document on stdout and nothing else; it is what report.json holds', () => {
    const dir = join(tmp.dir, 'json');
    const { status, doc, stderr } = orderlineJson(['investigate', logs, '--out', dir]);
    expect(status).toBe(0);
    expect(stderr).toBe('');
    expect(schemaErrors(doc)).toEqual([]);
    expect(doc).toEqual(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')));
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });

  it('writes into ./orderline-report/ by default', () => {
    const cwd = join(tmp.dir, 'cwd');
    mkdirSync(cwd);
    const r = orderline(['investigate', logs], { cwd });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Wrote orderline-report/report.md, orderline-report/report.json, orderline-report/trace.json, orderline-report/incident.duckdb');
    for (const f of ['incident.duckdb', 'report.md', 'report.json']) expect(existsSync(join(cwd, 'orderline-report', f))).toBe(true);
  });
});

describe('orderline investigate failures', () => {
  it('a file that fails to load: the reports are still written, they name it, and the exit status is 1', () => {
    const dir = join(tmp.dir, 'broken-logs', 'node-x');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ok.jsonl'), `${JSON.stringify({ ts: '2026-11-27T14:30:00Z', msg: 'fine' })}\n`);
    writeFileSync(join(dir, 'cut.jsonl.gz'), gzipSync(Buffer.from(`${JSON.stringify({ ts: '2026-11-27T14:30:00Z', msg: 'x'.repeat(5000) })}\n`.repeat(50))).subarray(0, 200));
    const out = join(tmp.dir, 'broken-report');
    const r = orderline(['investigate', join(tmp.dir, 'broken-logs'), '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cut\.jsonl\.gz: .*truncated gzip data/);
    const doc = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(doc.meta.failed_sources).toHaveLength(1);
    expect(doc.meta.events).toBe(1);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('**1 file failed to load**; the report covers the others:');
  });

  it('a missing path is a runtime failure (1) with a one-line message', () => {
    const r = orderline(['investigate', join(tmp.dir, 'nope'), '--out', join(tmp.dir, 'nope-report')]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('no such file or directory');
  });

  it('a missing replica dump is a runtime failure (1), found before any work', () => {
    const r = orderline(['investigate', logs, '--replicas', join(tmp.dir, 'none.csv'), '--out', join(tmp.dir, 'rep-report')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`orderline: ${join(tmp.dir, 'none.csv')}: no such replica dump (a file or folder was expected)\n`);
  });

  it('an unknown report format is a usage error (2)', () => {
    const r = orderline(['investigate', logs, '--format', 'md,pdf']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('orderline: --format: "pdf" is not one of md, json, html\n');
  });
});
