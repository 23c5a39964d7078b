/**
 * The archive-scale run's bookkeeping when a step fails (issue 12): an analysis that runs out of
 * memory at 10 GB must not cost the figures of everything that completed. The children are
 * stand-ins here (a real failure needs 10 GB of logs); the run, its tables and its target lines
 * are the bench's own.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildRun } from '../dist/bench/measure.js';
import { scaleTable, scaleTargetLines } from '../dist/bench/report.js';
import { runScale, scaleDirName, scaleFailures, type Measure } from '../dist/bench/scale.js';
import { tempDir } from './helpers/cli.js';

const tmp = tempDir('orderline-bench-scale-');
afterAll(() => tmp.cleanup());

/** A generator-sized NDJSON file in place, so the run reuses it instead of generating one. */
function corpus(out: string, bytes: number): void {
  const dir = join(out, scaleDirName(bytes));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'logs.ndjson'), `${'{"msg":"x"}\n'.repeat(Math.ceil(bytes / 12))}`);
}

/** Children that succeed, except those whose arguments `fails` picks; ingest reports 7 events. */
function standIn(fails: (args: readonly string[]) => boolean): { measure: Measure; calls: string[][] } {
  const calls: string[][] = [];
  const measure: Measure = async (_script, args) => {
    calls.push([...args]);
    const bad = fails(args);
    const r: ChildRun = {
      seconds: bad ? 35 : 2, peakRssBytes: bad ? 1.1e9 : 2e8, status: bad ? 1 : 0, signal: null,
      stdout: args[0] === 'ingest' ? '{"events": 7}' : '',
      stderr: bad ? 'orderline: skew: out of memory under --memory-limit 1.0 GiB (could not allocate block)\nmore detail\n' : '',
    };
    return r;
  };
  return { measure, calls };
}

describe('bench --scale when a step fails', () => {
  it('keeps every completed figure, marks the failed analysis, and runs the dataset analyses still', async () => {
    const out = join(tmp.dir, 'a');
    corpus(out, 20_000);
    const { measure, calls } = standIn((args) => args[0] === 'skew' && !args.includes(join(out, 'scratch', 'scale-dataset')));
    mkdirSync(join(out, 'scratch'), { recursive: true });
    const run = await runScale([20_000], { out, scratch: join(out, 'scratch'), generator: '/nonexistent', say: () => {}, measure });
    expect(run.failed).toEqual([]);
    expect(run.results).toHaveLength(1);
    const s = run.results[0];
    expect(s.events).toBe(7);
    const skewOnFile = s.analyses.find((a) => a.command === 'skew')!;
    expect(skewOnFile.file.error).toBe('skew (DuckDB file) failed (exit 1): orderline: skew: out of memory under --memory-limit 1.0 GiB (could not allocate block)');
    expect(skewOnFile.file.seconds).toBe(35);
    expect(skewOnFile.dataset?.error).toBeUndefined();
    for (const a of s.analyses.filter((x) => x.command !== 'skew')) expect(a.file.error).toBeUndefined();
    // every analysis ran on both sides, the failed one included
    expect(calls.filter((c) => c[0] === 'skew')).toHaveLength(2);
    const table = scaleTable(s);
    expect(table).toMatch(/skew\s+│?\s*FAILED after 35\.0/);
    expect(table).toMatch(/diverge\s+│?\s*2\.0/);
    const lines = scaleTargetLines(run);
    expect(lines).toContain('failed: scale 0 MB: skew (DuckDB file) failed (exit 1): orderline: skew: out of memory under --memory-limit 1.0 GiB (could not allocate block)');
    expect(lines.find((l) => l.startsWith('analyses and inference'))).toMatch(/: FAILED \(skew at 0 MB\); highest peak RSS 1100 MB/);
    expect(scaleFailures(run)).toHaveLength(1);
  });

  it('a failed export leaves the dataset analyses not run, and says so', async () => {
    const out = join(tmp.dir, 'b');
    corpus(out, 20_000);
    const { measure, calls } = standIn((args) => args[0] === 'export');
    const run = await runScale([20_000], { out, scratch: join(out, 'scratch'), generator: '/nonexistent', say: () => {}, measure });
    const s = run.results[0];
    expect(s.export.error).toMatch(/^export \(Parquet dataset\) failed \(exit 1\): /);
    expect(s.analyses.every((a) => a.dataset === null)).toBe(true);
    expect(calls.filter((c) => c.includes(join(out, 'scratch', 'scale-dataset')) && c[0] !== 'export')).toEqual([]);
    expect(scaleTable(s)).toMatch(/not run/);
  });

  it('a failed ingest ends that size only: the next size is still measured, and the targets are not reached', async () => {
    const out = join(tmp.dir, 'c');
    corpus(out, 20_000);
    corpus(out, 30_000);
    let ingests = 0;
    const { measure } = standIn((args) => args[0] === 'ingest' && ingests++ === 0);
    const said: string[] = [];
    const run = await runScale([20_000, 30_000], { out, scratch: join(out, 'scratch'), generator: '/nonexistent', say: (m) => said.push(m), measure });
    expect(run.failed).toHaveLength(1);
    expect(run.failed[0].error).toMatch(/^ingest --no-infer --jobs 1 failed \(exit 1\)/);
    expect(run.results.map((r) => r.bytes)).toEqual([30_000 + (12 - (30_000 % 12)) % 12]);
    expect(said.some((m) => /FAILED: ingest/.test(m))).toBe(true);
    const lines = scaleTargetLines(run);
    expect(lines[0]).toMatch(/with --jobs 1: NOT reached \(not measured at 0 MB, 200 MB at 0 MB\)/);
    expect(lines.at(-1)).toMatch(/^failed: scale 0 MB: ingest --no-infer --jobs 1 failed .*; nothing after it ran$/);
  });

  it('a failed inference keeps that size\'s ingest and read_json figures for the targets', async () => {
    const out = join(tmp.dir, 'e');
    corpus(out, 20_000);
    const { measure, calls } = standIn((args) => args[0] === 'infer');
    const run = await runScale([20_000], { out, scratch: join(out, 'scratch'), generator: '/nonexistent', say: () => {}, measure });
    expect(run.results).toEqual([]);
    expect(run.failed[0].steps.map((x) => [x.label, x.error === undefined])).toEqual([
      ['ingest --no-infer --jobs 1', true], ['duckdb read_json', true], ['infer --refresh', false]]);
    expect(calls.map((c) => c[0])).toEqual(['ingest', expect.stringMatching(/logs\.ndjson$/), 'infer']);
    const lines = scaleTargetLines(run);
    expect(lines[0]).toMatch(/with --jobs 1: reached \(200 MB at 0 MB\)$/);
    expect(lines[1]).toMatch(/read_json <= 1\.0: reached \(1\.00 at 0 MB\)$/);
    expect(lines[2]).toMatch(/: FAILED \(infer --refresh at 0 MB\); highest peak RSS \? MB \(not measured at 0 MB\)$/);
    expect(lines[3]).toMatch(/^failed: scale 0 MB: infer --refresh failed \(exit 1\): .*; nothing after it ran \(measured before it: ingest --no-infer --jobs 1 2\.0 s \/ 200 MB, duckdb read_json 2\.0 s \/ 200 MB\)$/);
  });

  it('a size the generator cannot make is a failure of that size, not of the run', async () => {
    const out = join(tmp.dir, 'd');
    corpus(out, 30_000);
    const { measure } = standIn(() => false);
    const run = await runScale([50_000, 30_000], { out, scratch: join(out, 'scratch'), generator: join(out, 'no-generator.js'), say: () => {}, measure });
    expect(run.failed.map((f) => f.bytes)).toEqual([50_000]);
    expect(run.failed[0].error).toMatch(/corpus generator not found/);
    expect(run.results).toHaveLength(1);
  });
});
