/**
 * The archive-scale run (issue 12, `--scale 1GB,10GB`): for each size, one NDJSON file of the
 * seeded generator's events, then, each once in its own child process with its time and peak RSS:
 * orderline ingest --no-infer --jobs 1 against DuckDB's read_json of the same file (the ratio),
 * the stored inference, the analyses on the DuckDB file, `export` to a Parquet dataset and the
 * same analyses on the dataset. Everything it writes goes to the scratch folder and is removed
 * as soon as the next step no longer needs it, so 10 GB needs about the file plus 1.5 times it
 * of free disk, not more. A failed analysis or export is recorded (its time to fail, its first
 * line of stderr) and the run goes on; a failed ingest, read_json or inference ends that size
 * only. What completed is always returned, so the report shows it beside what failed.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCorpus } from './corpus.js';
import { BASELINE_FILE } from './inputs.js';
import { firstLineOf, measureNode, type ChildRun } from './measure.js';
import { CLI, DUCKDB_BASELINE } from './paths.js';

/** The analyses timed on the DuckDB file and on the Parquet dataset, with their JSON output option. */
export const SCALE_ANALYSES: readonly { command: string; json: string[] }[] = [
  { command: 'diverge', json: ['--json'] },
  { command: 'anomalies', json: ['--json'] },
  { command: 'affected', json: ['--format', 'json'] },
  { command: 'skew', json: ['--json'] },
];

export interface ScaleStep {
  label: string;
  /** Wall seconds; for a failed step, the time it took to fail. */
  seconds: number;
  peakRssMb: number | null;
  /** Set when the step failed: its exit and the first line of its stderr. */
  error?: string;
}

export interface ScaleAnalysis {
  command: string;
  file: ScaleStep;
  /** null when the export failed, so there was no dataset to run it on. */
  dataset: ScaleStep | null;
}

export interface ScaleResult {
  bytes: number;
  events: number;
  ingest: ScaleStep & { mbPerSecond: number; ratioToReadJson: number };
  readJson: ScaleStep & { mbPerSecond: number };
  infer: ScaleStep;
  export: ScaleStep & { datasetBytes: number };
  analyses: ScaleAnalysis[];
}

/** A size whose ingest, read_json or inference failed: nothing after it ran. */
export interface ScaleFailure {
  bytes: number;
  error: string;
  /** The steps measured for this size, in order, the failed one last (empty when the corpus failed). */
  steps: ScaleStep[];
}

export interface ScaleRun {
  results: ScaleResult[];
  failed: ScaleFailure[];
}

/** Runs one measured child; the bench's is measureNode, a test's may be a stand-in. */
export type Measure = (script: string, args: readonly string[], opts: { scratch: string; keepStdout?: boolean }) => Promise<ChildRun>;

/** The folder of a size's NDJSON file: scale-1g, scale-10g, else scale-<bytes>b. */
export function scaleDirName(bytes: number): string {
  return bytes % 1e9 === 0 ? `scale-${bytes / 1e9}g` : bytes % 1e6 === 0 ? `scale-${bytes / 1e6}m` : `scale-${bytes}b`;
}

const rss = (r: ChildRun) => (r.peakRssBytes === null ? null : r.peakRssBytes / 1e6);

function failure(what: string, r: ChildRun): string | undefined {
  return r.status === 0 ? undefined : `${what} failed (exit ${r.status ?? r.signal}): ${firstLineOf(r.stderr)}`;
}

function duSize(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, e) => n + duSize(join(path, e)), 0);
}

export async function runScale(
  sizes: readonly number[],
  o: { out: string; scratch: string; generator: string; say: (m: string) => void; measure?: Measure },
): Promise<ScaleRun> {
  const measure = o.measure ?? measureNode;
  const run: ScaleRun = { results: [], failed: [] };
  for (const bytes of sizes) {
    const dir = join(o.out, scaleDirName(bytes));
    const file = join(dir, BASELINE_FILE);
    let size = bytes;
    let mb = Math.round(size / 1e6);
    const db = join(o.scratch, 'scale.duckdb');
    const other = join(o.scratch, 'scale-read-json.duckdb');
    const dataset = join(o.scratch, 'scale-dataset');
    const drop = () => {
      for (const f of [db, `${db}.wal`, other, `${other}.wal`]) rmSync(f, { force: true });
      rmSync(dataset, { recursive: true, force: true });
    };
    drop();
    const done: ScaleStep[] = [];
    /** One measured step; a failure is said and kept in the step, not thrown. */
    const step = async (label: string, script: string, args: string[], keepStdout = false): Promise<{ r: ChildRun; s: ScaleStep }> => {
      const r = await measure(script, args, { scratch: o.scratch, keepStdout });
      const error = failure(label, r);
      o.say(`bench: scale ${mb} MB ${label}: ${r.seconds.toFixed(1)} s, ${rss(r)?.toFixed(0) ?? '?'} MB${error ? ` (FAILED: ${error})` : ''}`);
      const s: ScaleStep = { label, seconds: r.seconds, peakRssMb: rss(r), ...(error ? { error } : {}) };
      done.push(s);
      return { r, s };
    };
    /** A step nothing can go on without. */
    const needed = async (label: string, script: string, args: string[], keepStdout = false) => {
      const x = await step(label, script, args, keepStdout);
      if (x.s.error) throw new Error(x.s.error);
      return x;
    };
    try {
      ensureCorpus(dir, bytes, o.generator, o.say, [BASELINE_FILE]);
      size = statSync(file).size;
      mb = Math.round(size / 1e6);
      const ing = await needed('ingest --no-infer --jobs 1', CLI, ['ingest', file, '--db', db, '--no-infer', '--jobs', '1', '--json'], true);
      const events = Number((JSON.parse(ing.r.stdout) as { events: number }).events);
      const rj = await needed('duckdb read_json', DUCKDB_BASELINE, [file, other]);
      for (const f of [other, `${other}.wal`]) rmSync(f, { force: true });
      const inf = await needed('infer --refresh', CLI, ['infer', '--db', db, '--refresh', '--json']);
      const onFile: ScaleStep[] = [];
      for (const a of SCALE_ANALYSES) onFile.push((await step(`${a.command} (DuckDB file)`, CLI, [a.command, '--db', db, ...a.json])).s);
      const ex = await step('export (Parquet dataset)', CLI, ['export', dataset, '--db', db, '--json']);
      const datasetBytes = ex.s.error ? 0 : duSize(dataset);
      for (const f of [db, `${db}.wal`]) rmSync(f, { force: true }); // the dataset alone from here
      const onDataset: (ScaleStep | null)[] = [];
      for (const a of SCALE_ANALYSES) {
        onDataset.push(ex.s.error ? null : (await step(`${a.command} (Parquet dataset)`, CLI, [a.command, '--db', dataset, ...a.json])).s);
      }
      run.results.push({
        bytes: size, events,
        ingest: { ...ing.s, mbPerSecond: size / 1e6 / ing.s.seconds, ratioToReadJson: ing.s.seconds / rj.s.seconds },
        readJson: { ...rj.s, mbPerSecond: size / 1e6 / rj.s.seconds },
        infer: inf.s,
        export: { ...ex.s, label: 'export', datasetBytes },
        analyses: SCALE_ANALYSES.map((a, i) => ({
          command: a.command,
          file: { ...onFile[i], label: a.command },
          dataset: onDataset[i] === null ? null : { ...onDataset[i]!, label: a.command },
        })),
      });
    } catch (e) {
      run.failed.push({ bytes: size, error: (e as Error).message, steps: done });
    } finally {
      drop();
    }
  }
  return run;
}

/** The ingest and read_json steps of every size, completed or not (for the ingest targets). */
export function ingestSteps(run: ScaleRun): { bytes: number; ingest: ScaleStep | null; readJson: ScaleStep | null }[] {
  const ok = (x: ScaleStep | undefined) => (x && !x.error ? x : null);
  return [
    ...run.results.map((s) => ({ bytes: s.bytes, ingest: s.ingest, readJson: s.readJson })),
    ...run.failed.map((f) => ({ bytes: f.bytes, ingest: ok(f.steps[0]), readJson: ok(f.steps[1]) })),
  ].sort((a, b) => a.bytes - b.bytes);
}

/** Every step of a run that failed, one line each, for the report and the exit status. */
export function scaleFailures(run: ScaleRun): string[] {
  const at = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
  const out = run.failed.map((f) => {
    const before = f.steps.filter((x) => !x.error).map((x) => `${x.label} ${x.seconds.toFixed(1)} s / ${x.peakRssMb?.toFixed(0) ?? '?'} MB`);
    return `scale ${at(f.bytes)}: ${f.error}; nothing after it ran${before.length ? ` (measured before it: ${before.join(', ')})` : ''}`;
  });
  for (const s of run.results) {
    // a step's error names it in full ("skew (DuckDB file) failed …")
    const steps = [s.export, ...s.analyses.flatMap((a) => [a.file, ...(a.dataset ? [a.dataset] : [])])];
    for (const x of steps) if (x.error) out.push(`scale ${at(s.bytes)}: ${x.error}`);
  }
  return out;
}
