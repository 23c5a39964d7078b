/**
 * The archive-scale run (issue 12, `--scale 1GB,10GB`): for each size, one NDJSON file of the
 * seeded generator's events, then, each once in its own child process with its time and peak RSS:
 * orderline ingest --no-infer --jobs 1 against DuckDB's read_json of the same file (the ratio),
 * the stored inference, the analyses on the DuckDB file, `export` to a Parquet dataset and the
 * same analyses on the dataset. Everything it writes goes to the scratch folder and is removed
 * as soon as the next step no longer needs it, so 10 GB needs about the file plus 1.5 times it
 * of free disk, not more.
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
  seconds: number;
  peakRssMb: number | null;
}

export interface ScaleAnalysis {
  command: string;
  file: ScaleStep;
  dataset: ScaleStep;
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

/** The folder of a size's NDJSON file: scale-1g, scale-10g, else scale-<bytes>b. */
export function scaleDirName(bytes: number): string {
  return bytes % 1e9 === 0 ? `scale-${bytes / 1e9}g` : bytes % 1e6 === 0 ? `scale-${bytes / 1e6}m` : `scale-${bytes}b`;
}

const rss = (r: ChildRun) => (r.peakRssBytes === null ? null : r.peakRssBytes / 1e6);

function mustSucceed(what: string, r: ChildRun): ChildRun {
  if (r.status !== 0) throw new Error(`scale ${what} failed (exit ${r.status ?? r.signal}): ${firstLineOf(r.stderr)}`);
  return r;
}

function duSize(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, e) => n + duSize(join(path, e)), 0);
}

export async function runScale(
  sizes: readonly number[], o: { out: string; scratch: string; generator: string; say: (m: string) => void },
): Promise<ScaleResult[]> {
  const results: ScaleResult[] = [];
  for (const bytes of sizes) {
    const dir = join(o.out, scaleDirName(bytes));
    ensureCorpus(dir, bytes, o.generator, o.say, [BASELINE_FILE]);
    const file = join(dir, BASELINE_FILE);
    const size = statSync(file).size;
    const db = join(o.scratch, 'scale.duckdb');
    const other = join(o.scratch, 'scale-read-json.duckdb');
    const dataset = join(o.scratch, 'scale-dataset');
    const drop = () => {
      for (const f of [db, `${db}.wal`, other, `${other}.wal`]) rmSync(f, { force: true });
      rmSync(dataset, { recursive: true, force: true });
    };
    drop();
    const step = async (label: string, script: string, args: string[], keepStdout = false): Promise<ChildRun> => {
      const r = mustSucceed(label, await measureNode(script, args, { scratch: o.scratch, keepStdout }));
      o.say(`bench: scale ${Math.round(size / 1e6)} MB ${label}: ${r.seconds.toFixed(1)} s, ${rss(r)?.toFixed(0) ?? '?'} MB`);
      return r;
    };
    const asStep = (label: string, r: ChildRun): ScaleStep => ({ label, seconds: r.seconds, peakRssMb: rss(r) });
    try {
      const ing = await step('ingest --no-infer --jobs 1', CLI, ['ingest', file, '--db', db, '--no-infer', '--jobs', '1', '--json'], true);
      const events = Number((JSON.parse(ing.stdout) as { events: number }).events);
      const rj = await step('duckdb read_json', DUCKDB_BASELINE, [file, other]);
      for (const f of [other, `${other}.wal`]) rmSync(f, { force: true });
      const inf = await step('infer --refresh', CLI, ['infer', '--db', db, '--refresh', '--json']);
      const onFile: ChildRun[] = [];
      for (const a of SCALE_ANALYSES) onFile.push(await step(`${a.command} (DuckDB file)`, CLI, [a.command, '--db', db, ...a.json]));
      const ex = await step('export (Parquet dataset)', CLI, ['export', dataset, '--db', db, '--json']);
      const datasetBytes = duSize(dataset);
      for (const f of [db, `${db}.wal`]) rmSync(f, { force: true }); // the dataset alone from here
      const onDataset: ChildRun[] = [];
      for (const a of SCALE_ANALYSES) onDataset.push(await step(`${a.command} (Parquet dataset)`, CLI, [a.command, '--db', dataset, ...a.json]));
      results.push({
        bytes: size, events,
        ingest: { ...asStep('ingest --no-infer --jobs 1', ing), mbPerSecond: size / 1e6 / ing.seconds, ratioToReadJson: ing.seconds / rj.seconds },
        readJson: { ...asStep('duckdb read_json', rj), mbPerSecond: size / 1e6 / rj.seconds },
        infer: asStep('infer --refresh', inf),
        export: { ...asStep('export', ex), datasetBytes },
        analyses: SCALE_ANALYSES.map((a, i) => ({ command: a.command, file: asStep(a.command, onFile[i]), dataset: asStep(a.command, onDataset[i]) })),
      });
    } finally {
      drop();
    }
  }
  return results;
}
