/**
 * The multi-file follow-up (issue 8): a free-text incident as real archives are (samples/
 * realistic.ts, seed 8, five nodes in five envelopes, sized to `bytes` in all, over 1.2 M
 * events at the default), generated once into the bench folder and reused; then `ingest` of
 * its folder (inference included), `diverge` and `anomalies` on that database and on its export
 * as a Parquet dataset, and
 * `investigate` of the folder with its replica dumps from scratch, each timed with its peak
 * RSS in its own child process. Every command must exit 0: a failure is a failed benchmark.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { dateLogsAfter, randomRealisticSpec, writeRealistic } from '../samples/realistic.js';
import { firstLineOf, measureNode } from './measure.js';
import { CLI } from './paths.js';
import { median } from './stats.js';

export const INCIDENT_SEED = 8;
export const INCIDENT_NODES = 5;
/** Cycles of each of the incident's two hot keys on every node (issue 10: 10,000). */
export const HOT_KEY_CYCLES = 10_000;
/** 160 MB in five files: about 1.25 M events. */
export const DEFAULT_INCIDENT_BYTES = 160e6;

export interface IncidentInfo {
  dir: string;
  bytes: number;
  files: number;
  lines: number;
  envelopes: string[];
}

export interface MultiFileResult {
  label: string;
  seconds: number;
  peakRssMb: number | null;
  samples: { seconds: number; peakRssBytes: number | null }[];
}

/** Generates the incident into `dir` unless a finished one (same seed, nodes, bytes) is there. */
export function ensureIncident(dir: string, bytes: number, say: (m: string) => void): IncidentInfo {
  const marker = join(dir, 'incident.json');
  if (existsSync(marker)) {
    const info = JSON.parse(readFileSync(marker, 'utf8')) as IncidentInfo & { seed: number; nodes: number; hotKeys?: number };
    if (info.seed === INCIDENT_SEED && info.nodes === INCIDENT_NODES && info.bytes === bytes && info.hotKeys === HOT_KEY_CYCLES) return info;
  }
  rmSync(dir, { recursive: true, force: true });
  say(`bench: generating a ${Math.round(bytes / 1e6)} MB free-text incident in ${INCIDENT_NODES} files (seed ${INCIDENT_SEED}) in ${dir}`);
  const spec = randomRealisticSpec(INCIDENT_SEED, { nodes: INCIDENT_NODES });
  // hot keys, as archives have them: worked 10,000 times on every node (fewer in a small incident)
  const hotCycles = Math.max(20, Math.min(HOT_KEY_CYCLES, Math.floor(bytes / 16e3)));
  spec.hotKeys = [{ key: 'tenant-hot-1', cycles: hotCycles }, { key: 'acct/hot-2', cycles: hotCycles }];
  const expected = writeRealistic(spec, dir, { targetBytes: bytes });
  dateLogsAfter(spec, expected, dir);
  const info: IncidentInfo = {
    dir, bytes,
    files: Object.keys(expected.sources).length,
    lines: Object.values(expected.stats.lines).reduce((a, b) => a + b, 0),
    envelopes: spec.nodes.map((n) => n.envelope),
  };
  writeFileSync(marker, `${JSON.stringify({ ...info, seed: INCIDENT_SEED, nodes: INCIDENT_NODES, hotKeys: HOT_KEY_CYCLES }, null, 2)}\n`);
  return info;
}

/** `--jobs` values the follow-up times: 1, 2, this machine's cores and 4, each once. */
export function jobsSweep(): number[] {
  return [...new Set([1, 2, availableParallelism(), 4])].sort((a, b) => a - b);
}

const INGEST_ONLY = 'ingest --no-infer (parse and load only)';
const INFER = 'infer --refresh (the inference, stored)';
const DIVERGE_AFTER = 'diverge (on that inference)';

/** Issue 10's cost target: inference plus diverge take less time than the ingest (ratio < 1). */
export interface InferenceCost {
  ingestSeconds: number;
  inferSeconds: number;
  divergeSeconds: number;
  ratio: number;
}

export function inferenceCost(results: readonly { label: string; seconds: number }[]): InferenceCost | null {
  const at = (l: string) => results.find((r) => r.label === l)?.seconds;
  const ingest = at(INGEST_ONLY), infer = at(INFER), div = at(DIVERGE_AFTER);
  if (ingest === undefined || infer === undefined || div === undefined || ingest <= 0) return null;
  return { ingestSeconds: ingest, inferSeconds: infer, divergeSeconds: div, ratio: (infer + div) / ingest };
}

/** Times ingest, diverge, anomalies and investigate on the incident, then the inference's cost, `runs` times each. */
export async function runMultiFile(incident: IncidentInfo, scratch: string, runs: number, say: (m: string) => void): Promise<MultiFileResult[]> {
  const logs = join(incident.dir, 'logs');
  const db = join(scratch, 'incident.duckdb');
  const bare = join(scratch, 'incident-no-infer.duckdb');
  const dataset = join(scratch, 'incident-dataset');
  const steps: { label: string; args: () => string[]; before?: () => void; after?: () => void }[] = [
    { label: 'ingest (5 files, inference included)', args: () => ['ingest', logs, '--db', db, '--json'], before: () => rmSync(db, { force: true }) },
    { label: 'diverge', args: () => ['diverge', '--db', db, '--json'] },
    { label: 'anomalies', args: () => ['anomalies', '--db', db, '--json'] },
    // issue 12: the same analyses on the database exported as a Parquet dataset
    {
      label: 'export (Parquet dataset)', args: () => ['export', dataset, '--db', db, '--json'],
      before: () => rmSync(dataset, { recursive: true, force: true }),
    },
    { label: 'diverge (on the Parquet dataset)', args: () => ['diverge', '--db', dataset, '--json'] },
    {
      label: 'anomalies (on the Parquet dataset)', args: () => ['anomalies', '--db', dataset, '--json'],
      after: () => rmSync(dataset, { recursive: true, force: true }),
    },
    {
      label: 'investigate (from scratch, with replica dumps)',
      args: () => ['investigate', logs, '--replicas', join(incident.dir, 'replicas'), '--out', join(scratch, 'investigate'), '--json'],
      before: () => rmSync(join(scratch, 'investigate'), { recursive: true, force: true }),
    },
    // issue 10's cost: inference plus diverge against the ingest that parsed and loaded the files
    { label: INGEST_ONLY, args: () => ['ingest', logs, '--db', bare, '--no-infer', '--json'], before: () => rmSync(bare, { force: true }) },
    { label: INFER, args: () => ['infer', '--db', bare, '--refresh', '--json'] },
    { label: DIVERGE_AFTER, args: () => ['diverge', '--db', bare, '--json'] },
    // issue 12's sweep: the same ingest with 1, 2, this machine's cores and 4 jobs (the tables do not depend on it)
    ...jobsSweep().map((j) => ({
      label: `ingest --no-infer --jobs ${j}`,
      args: () => ['ingest', logs, '--db', join(scratch, `jobs-${j}.duckdb`), '--no-infer', '--jobs', String(j), '--json'],
      before: () => rmSync(join(scratch, `jobs-${j}.duckdb`), { force: true }),
      after: () => rmSync(join(scratch, `jobs-${j}.duckdb`), { force: true }),
    })),
  ];
  const samples = new Map<string, { seconds: number; peakRssBytes: number | null }[]>(steps.map((s) => [s.label, []]));
  for (let run = 1; run <= runs; run++) {
    for (const s of steps) {
      s.before?.();
      const r = await measureNode(CLI, s.args(), { scratch });
      if (r.status !== 0) throw new Error(`multi-file ${s.label} failed (exit ${r.status ?? r.signal}): ${firstLineOf(r.stderr)}`);
      samples.get(s.label)!.push({ seconds: r.seconds, peakRssBytes: r.peakRssBytes });
      s.after?.();
      say(`bench: multi-file run ${run}/${runs} ${s.label}: ${r.seconds.toFixed(1)} s, ${r.peakRssBytes === null ? '?' : Math.round(r.peakRssBytes / 1e6)} MB`);
    }
  }
  return steps.map((s) => {
    const list = samples.get(s.label)!;
    const rss = list.map((x) => x.peakRssBytes).filter((x): x is number => x !== null);
    return { label: s.label, seconds: median(list.map((x) => x.seconds)) ?? 0, peakRssMb: rss.length ? median(rss)! / 1e6 : null, samples: list };
  });
}
