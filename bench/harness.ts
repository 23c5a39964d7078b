/**
 * The measurement loop. For each run and each input: orderline ingest into a fresh
 * database, the follow-up commands against that database, and DuckDB's read_json of the
 * same events into another fresh database. Which tool goes first alternates from one
 * measurement pair to the next, so background load falls on both alike.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeError } from '../src/errors.js';
import { FOLLOW_UPS, type FollowUp } from './followUps.js';
import { BASELINE_FILE, type BenchInput } from './inputs.js';
import { firstLineOf, measureNode, type ChildRun } from './measure.js';
import { CLI, DUCKDB_BASELINE } from './paths.js';
import { summarize, summarizeFollowUp, type FollowUpSample, type Sample, type ToolResult, type FollowUpResult } from './results.js';

export interface HarnessOptions {
  corpusDir: string;
  scratch: string;
  runs: number;
  inputs: readonly BenchInput[];
  followUps?: readonly FollowUp[];
  say: (message: string) => void;
}

export interface HarnessOutput {
  results: ToolResult[];
  followUps: FollowUpResult[];
  skipped: { input: string; file: string; reason: string }[];
}

interface Active {
  input: BenchInput;
  path: string;
  orderline: Sample[];
  duckdb: Sample[];
  followUps: Map<string, FollowUpSample[]>;
}

interface IngestJson {
  sources: { format: string; lines: number; events: number; rejected: number }[];
  events: number;
  rejected: number;
}

export async function runHarness(o: HarnessOptions): Promise<HarnessOutput> {
  const followUps = o.followUps ?? FOLLOW_UPS;
  const baseline = join(o.corpusDir, BASELINE_FILE);
  if (!existsSync(baseline)) throw new RuntimeError(`${baseline}: missing (the DuckDB baseline reads it)`);
  const skipped: HarnessOutput['skipped'] = [];
  const active: Active[] = [];
  for (const input of o.inputs) {
    const path = join(o.corpusDir, input.file);
    const reason = await preflight(path, o.scratch);
    if (reason) {
      o.say(`warning: skipping ${input.label} (${input.file}): ${reason}`);
      skipped.push({ input: input.label, file: input.file, reason });
    } else {
      const mine = followUps.filter((f) => !f.inputs || f.inputs.includes(input.label));
      active.push({ input, path, orderline: [], duckdb: [], followUps: new Map(mine.map((f) => [f.label, []])) });
    }
  }

  let pair = 0;
  for (let run = 1; run <= o.runs; run++) {
    for (const a of [...active]) {
      const orderlineFirst = pair++ % 2 === 0;
      const steps = orderlineFirst ? [ingestStep, baselineStep] : [baselineStep, ingestStep];
      let skip: string | null = null;
      for (const step of steps) {
        skip = await step(a, run);
        if (skip) break;
      }
      if (skip) {
        o.say(`warning: skipping ${a.input.label} (${a.input.file}): ${skip}`);
        skipped.push({ input: a.input.label, file: a.input.file, reason: skip });
        active.splice(active.indexOf(a), 1);
      }
    }
  }

  async function ingestStep(a: Active, run: number): Promise<string | null> {
    const db = freshDb(o.scratch, 'orderline');
    const r = await measureNode(CLI, ['ingest', a.path, '--db', db, '--json'], { scratch: o.scratch, keepStdout: true });
    const doc = ingestResult(r, a.path);
    const src = doc.sources[0];
    if (doc.events === 0 || (src && src.rejected === src.lines)) {
      dropDb(db);
      return `orderline rejected all ${src?.lines ?? 0} lines (format ${src?.format ?? '?'})`;
    }
    a.orderline.push({ run, seconds: r.seconds, peakRssBytes: r.peakRssBytes, events: doc.events, dbBytes: sizeOf(db) });
    o.say(`run ${run}/${o.runs}  ${a.input.label.padEnd(10)}  orderline ingest   ${r.seconds.toFixed(2)} s  ${rssText(r)}`);
    for (const f of followUps) {
      if (f.inputs && !f.inputs.includes(a.input.label)) continue;
      const fr = await measureNode(CLI, f.args(db, a.path, o.scratch), { scratch: o.scratch });
      if (fr.status !== 0) throw new RuntimeError(`follow-up "${f.label}" failed on ${a.input.label} (exit ${fr.status ?? fr.signal}): ${firstLineOf(fr.stderr)}`);
      a.followUps.get(f.label)!.push({ run, seconds: fr.seconds, peakRssBytes: fr.peakRssBytes, ingestSeconds: r.seconds });
      o.say(`run ${run}/${o.runs}  ${a.input.label.padEnd(10)}    then ${f.label}  ${fr.seconds.toFixed(2)} s`);
    }
    dropDb(db);
    return null;
  }

  async function baselineStep(a: Active, run: number): Promise<string | null> {
    const db = freshDb(o.scratch, 'duckdb');
    const r = await measureNode(DUCKDB_BASELINE, [baseline, db], { scratch: o.scratch, keepStdout: true });
    if (r.status !== 0) throw new RuntimeError(`DuckDB read_json baseline failed on ${baseline} (exit ${r.status ?? r.signal}): ${firstLineOf(r.stderr)}`);
    const rows = Number((JSON.parse(r.stdout) as { rows: number }).rows);
    a.duckdb.push({ run, seconds: r.seconds, peakRssBytes: r.peakRssBytes, events: rows, dbBytes: sizeOf(db) });
    o.say(`run ${run}/${o.runs}  ${a.input.label.padEnd(10)}  duckdb read_json   ${r.seconds.toFixed(2)} s  ${rssText(r)}`);
    dropDb(db);
    return null;
  }

  const results: ToolResult[] = [];
  const followUpResults: FollowUpResult[] = [];
  for (const a of active) {
    const ol = summarize(a.input.label, 'orderline ingest', a.input.file, statSync(a.path).size, a.orderline);
    const dd = summarize(a.input.label, 'duckdb read_json', BASELINE_FILE, statSync(baseline).size, a.duckdb);
    ol.ratioToDuckdb = ol.seconds / dd.seconds;
    results.push(ol, dd);
    for (const [label, samples] of a.followUps) followUpResults.push(summarizeFollowUp(a.input.label, label, samples));
  }
  return { results, followUps: followUpResults, skipped };
}

/** Why an input cannot be benchmarked before anything is timed, or null. */
async function preflight(path: string, scratch: string): Promise<string | null> {
  if (!existsSync(path)) return 'file not found';
  const r = await measureNode(CLI, ['detect', path, '--json'], { scratch, keepStdout: true });
  if (r.status !== 0) throw new RuntimeError(`orderline detect ${path} failed (exit ${r.status ?? r.signal}): ${firstLineOf(r.stderr)}`);
  const format = (JSON.parse(r.stdout) as { format: string }).format;
  return format === 'text' ? 'orderline detects it as plain `text` (no format definition reads it yet)' : null;
}

function ingestResult(r: ChildRun, path: string): IngestJson {
  if (r.status !== 0) throw new RuntimeError(`orderline ingest ${path} failed (exit ${r.status ?? r.signal}): ${firstLineOf(r.stderr)}`);
  try {
    return JSON.parse(r.stdout) as IngestJson;
  } catch {
    throw new RuntimeError(`orderline ingest ${path} printed no JSON document: ${firstLineOf(r.stdout)}`);
  }
}

let dbNo = 0;
function freshDb(scratch: string, tool: string): string {
  const db = join(scratch, `${tool}-${dbNo++}.duckdb`);
  dropDb(db);
  return db;
}

function dropDb(db: string): void {
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
}

function sizeOf(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

function rssText(r: ChildRun): string {
  return r.peakRssBytes === null ? 'peak RSS ?' : `peak RSS ${(r.peakRssBytes / 1e6).toFixed(0)} MB`;
}
