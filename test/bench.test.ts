import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusDirName, ensureCorpus, hasRightSize } from '../dist/bench/corpus.js';
import { measureNode } from '../dist/bench/measure.js';
import type { BenchResults } from '../dist/bench/results.js';
import { median } from '../dist/bench/stats.js';
import { jobsSweep } from '../dist/bench/multiFile.js';
import { ROOT, tempDir } from './helpers/cli.js';

const RUN = join(ROOT, 'dist', 'bench', 'run.js');
const GENERATOR = resolve(ROOT, '..', 'shared', 'bench', 'gen.js');
const tmp = tempDir('orderline-bench-');
afterAll(() => tmp.cleanup());

function bench(args: string[]) {
  const r = spawnSync(process.execPath, [RUN, ...args], { encoding: 'utf8', maxBuffer: 16 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bench helpers', () => {
  it('median of odd and even counts, none for none', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it('names corpus folders by size', () => {
    expect(corpusDirName(1e8)).toBe('bench-100m');
    expect(corpusDirName(1e9)).toBe('bench-1g');
    expect(corpusDirName(123)).toBe('bench-123b');
  });

  it('reuses a corpus whose files have the right size, without the generator', () => {
    const dir = join(tmp.dir, 'reuse');
    mkdirSync(dir);
    for (const f of ['logs.ndjson', 'logs.logfmt', 'logs.log4j.log']) writeFileSync(join(dir, f), 'x'.repeat(1050));
    expect(hasRightSize(join(dir, 'logs.ndjson'), 1000)).toBe(true);
    expect(hasRightSize(join(dir, 'logs.ndjson'), 2000)).toBe(false);
    const said: string[] = [];
    ensureCorpus(dir, 1000, '/nonexistent/gen.js', (m) => said.push(m));
    expect(said.join('\n')).toMatch(/reusing/);
    expect(() => ensureCorpus(dir, 5000, '/nonexistent/gen.js', () => {})).toThrow(/corpus generator not found at \/nonexistent\/gen\.js/);
  });

  it('measures a child\'s peak RSS, native memory included', async () => {
    const script = join(tmp.dir, 'alloc.js');
    // 150 MB outside the V8 heap, touched so it is resident.
    writeFileSync(script, 'const b = Buffer.alloc(150e6, 1); console.log(b[1e8]);\n');
    const r = await measureNode(script, [], { scratch: tmp.dir, keepStdout: true });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('1');
    expect(r.peakRssBytes).toBeGreaterThan(150e6);
    expect(r.peakRssBytes).toBeLessThan(1e9);
    expect(r.seconds).toBeGreaterThan(0);
  });
});

describe('npm run bench (dist/bench/run.js)', () => {
  it('refuses bad options with exit 2', () => {
    const r = bench(['--runs', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^bench: --runs takes a positive whole number, not "0"/);
    expect(bench(['--no-such']).status).toBe(2);
    expect(bench(['--big', '--bytes', '100']).status).toBe(2);
    const scale = bench(['--scale', '1GB,lots']);
    expect(scale.status).toBe(2);
    expect(scale.stderr).toMatch(/^bench: --scale takes sizes such as 1GB,10GB \(at least 10KB each\), not "1GB,lots"/);
    const bad = bench(['--inputs', 'NDJSON,parquet']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--inputs takes labels among NDJSON, logfmt, log4j text, not "NDJSON,parquet"/);
  });

  it('says where the generator was expected when it is absent (exit 1)', () => {
    const r = bench(['--bytes', '1000', '--out', join(tmp.dir, 'nogen'), '--generator', '/nonexistent/gen.js']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/corpus generator not found at \/nonexistent\/gen\.js/);
  });

  it.skipIf(!existsSync(GENERATOR))('generates a small corpus, times both tools and writes results.json', () => {
    const out = join(tmp.dir, 'out');
    const r = bench(['--bytes', '300000', '--runs', '1', '--out', out, '--incident-bytes', '0']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/corpus: generating 3 files/);
    expect(r.stdout).toMatch(/input\s+size MB\s+tool\s+seconds\s+MB\/s\s+events\/s\s+peak RSS MB\s+ratio orderline\/DuckDB/);

    const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    const lines = readFileSync(join(out, 'bench-300000b', 'logs.ndjson'), 'utf8').split('\n').length - 1;
    expect(lines).toBeGreaterThan(1000);
    const ol = doc.results.find((x) => x.input === 'NDJSON' && x.tool === 'orderline ingest')!;
    const dd = doc.results.find((x) => x.input === 'NDJSON' && x.tool === 'duckdb read_json')!;
    // Both loaded every event of the file, once.
    expect(ol.samples).toHaveLength(1);
    expect(ol.samples[0].events).toBe(lines);
    expect(dd.samples[0].events).toBe(lines);
    expect(ol.ratioToDuckdb).toBeCloseTo(ol.seconds / dd.seconds, 10);
    expect(ol.mbPerSecond).toBeCloseTo(ol.bytes / 1e6 / ol.seconds, 10);
    expect(ol.peakRssMb).toBeGreaterThan(20);
    expect(dd.peakRssMb).toBeGreaterThan(20);
    // logfmt renders the same events; its baseline is read_json of the NDJSON file.
    const lf = doc.results.find((x) => x.input === 'logfmt' && x.tool === 'orderline ingest')!;
    expect(lf.file).toBe('logs.logfmt');
    expect(doc.results.find((x) => x.input === 'logfmt' && x.tool === 'duckdb read_json')!.file).toBe('logs.ndjson');
    // Every input is either measured or skipped with its reason.
    for (const label of ['NDJSON', 'logfmt', 'log4j text']) {
      const measured = doc.results.some((x) => x.input === label);
      const skipped = doc.skipped.some((s) => s.input === label);
      expect(measured !== skipped, label).toBe(true);
    }
    for (const s of doc.skipped) expect(r.stderr).toContain(`warning: skipping ${s.input}`);
    // Follow-up commands run against each ingested database.
    const fu = doc.followUps.find((f) => f.input === 'NDJSON' && f.label === 'query events_per_node')!;
    expect(fu.samples).toHaveLength(1);
    expect(fu.ratioToIngest).toBeCloseTo(fu.seconds / ol.seconds, 10);
    // Scratch databases are gone.
    expect(readdirSync(out).sort()).toEqual(['bench-300000b', 'results.json']);
    expect(doc.multiFile).toBeNull();
  });

  it.skipIf(!existsSync(GENERATOR))('--inputs times only the inputs named', () => {
    const out = join(tmp.dir, 'only-ndjson');
    const r = bench(['--bytes', '300000', '--runs', '1', '--out', out, '--incident-bytes', '0', '--inputs', 'ndjson']);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    expect([...new Set(doc.results.map((x) => x.input))]).toEqual(['NDJSON']);
  });

  it('the multi-file follow-up: a free-text incident in five files through ingest, diverge, anomalies and investigate, and the inference cost', () => {
    const out = join(tmp.dir, 'multi');
    const r = bench(['--incident-only', '--incident-bytes', '2000000', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/generating a 2 MB free-text incident in 5 files \(seed 8\)/);
    expect(r.stdout).toMatch(/multi-file follow-up: a free-text incident of 2 MB in 5 files/);
    const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    expect(doc.results).toEqual([]);
    expect(doc.multiFile!.incident).toMatchObject({ files: 5, bytes: 2e6 });
    expect(doc.multiFile!.incident.lines).toBeGreaterThan(10_000);
    expect(doc.multiFile!.results.map((x) => x.label)).toEqual([
      'ingest (5 files, inference included)', 'diverge', 'anomalies',
      'export (Parquet dataset)', 'diverge (on the Parquet dataset)', 'anomalies (on the Parquet dataset)',
      'investigate (from scratch, with replica dumps)',
      'ingest --no-infer (parse and load only)', 'infer --refresh (the inference, stored)', 'diverge (on that inference)',
      ...jobsSweep().map((j) => `ingest --no-infer --jobs ${j}`),
    ]);
    // issue 10's cost target, printed with its parts
    const c = doc.multiFile!.inferenceCost!;
    const at = (l: string) => doc.multiFile!.results.find((x) => x.label.startsWith(l))!.seconds;
    expect(c.ratio).toBeCloseTo((at('infer') + at('diverge (on that')) / at('ingest --no-infer'), 10);
    expect(r.stdout).toMatch(/target inference \+ diverge < ingest --no-infer: (reached|NOT reached) \(.* ratio \d+\.\d\d\)/);
    // issue 12: what each further job costs in memory
    expect(r.stdout).toMatch(/target each further --jobs adds <= 100 MB of peak RSS: (reached|NOT reached) \(\d+ MB at --jobs 1; [-+]\d+ MB at --jobs 2/);
    for (const x of doc.multiFile!.results) {
      expect(x.seconds).toBeGreaterThan(0);
      expect(x.peakRssMb).toBeGreaterThan(20);
    }
    // the incident is kept for the next run; scratch databases are gone
    expect(readdirSync(out).sort()).toEqual(['incident-2m', 'results.json']);
  }, 180_000); // a whole bench run: under the full suite's load it took 39-60 s and more

  it.skipIf(!existsSync(GENERATOR))('--scale: ingest against read_json, then the analyses on the DuckDB file and on its Parquet dataset', () => {
    const out = join(tmp.dir, 'scale');
    const r = bench(['--incident-only', '--incident-bytes', '0', '--scale', '40KB', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    expect(doc.scale).toHaveLength(1);
    const s = doc.scale![0];
    const lines = readFileSync(join(out, 'scale-40000b', 'logs.ndjson'), 'utf8').split('\n').length - 1;
    expect(s.events).toBe(lines);
    expect(s.ingest.ratioToReadJson).toBeCloseTo(s.ingest.seconds / s.readJson.seconds, 10);
    expect(s.analyses.map((a) => a.command)).toEqual(['diverge', 'anomalies', 'affected', 'skew']);
    for (const a of s.analyses) for (const x of [a.file, a.dataset]) expect(x.peakRssMb).toBeGreaterThan(20);
    expect(s.export.datasetBytes).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/archive scale: 0 MB of NDJSON in one file/);
    expect(r.stdout).toMatch(/target ingest peak RSS <= 300 MB with --jobs 1: (reached|NOT reached) \(\d+ MB at 0 MB\)/);
    // only the NDJSON file is kept; scratch databases and the dataset are gone
    expect(readdirSync(join(out, 'scale-40000b'))).toEqual(['logs.ndjson']);
    expect(readdirSync(out).sort()).toEqual(['results.json', 'scale-40000b']);
  });
});
