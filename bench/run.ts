#!/usr/bin/env node
/**
 * `npm run bench`: generates (or reuses) the seeded benchmark corpus, times orderline
 * ingest against DuckDB's read_json of the same events, prints the medians and writes
 * bench/out/results.json. Usage errors exit 2, failures 1 (one line on stderr).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../src/errors.js';
import { corpusDirName, ensureCorpus, fmtMb } from './corpus.js';
import { runHarness } from './harness.js';
import { INPUTS } from './inputs.js';
import { parseBenchArgs, USAGE } from './options.js';
import { CLI } from './paths.js';
import { ensureIncident, inferenceCost, runMultiFile } from './multiFile.js';
import { followUpTable, multiFileTable, resultsTable, scaleTable, scaleTargetLines, targetLines, targets } from './report.js';
import { runScale, scaleFailures, type ScaleRun } from './scale.js';
import type { BenchResults } from './results.js';

const say = (m: string) => process.stderr.write(`${m}\n`);

async function main(): Promise<void> {
  const opts = parseBenchArgs(process.argv.slice(2));
  if (opts.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} not found: run npm run build first`);
  mkdirSync(opts.out, { recursive: true });
  const startedAt = new Date().toISOString();
  const machine = {
    cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', totalMemMb: Math.round(totalmem() / 1e6),
    node: process.version, loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
  const scratch = mkdtempSync(join(opts.out, 'scratch-'));
  let out: Awaited<ReturnType<typeof runHarness>> = { results: [], followUps: [], skipped: [] };
  let multi: BenchResults['multiFile'] = null;
  let scale: ScaleRun = { results: [], failed: [] };
  const corpusDir = join(opts.out, corpusDirName(opts.bytes));
  try {
    if (!opts.incidentOnly) {
      ensureCorpus(corpusDir, opts.bytes, opts.generator, say);
      say(`bench: ${opts.runs} run(s), ${machine.cpus} CPUs, load average ${machine.loadAverageAtStart.join(' ')}`);
      out = await runHarness({ corpusDir, scratch, runs: opts.runs, inputs: opts.inputs ? INPUTS.filter((i) => opts.inputs!.includes(i.label)) : INPUTS, say });
    }
    if (opts.incidentBytes > 0) {
      const incident = ensureIncident(join(opts.out, `incident-${Math.round(opts.incidentBytes / 1e6)}m`), opts.incidentBytes, say);
      // one run: the follow-up takes minutes, and its figures are a ceiling, not a ratio
      const results = (await runMultiFile(incident, scratch, 1, say)).map(({ label, seconds, peakRssMb }) => ({ label, seconds, peakRssMb }));
      multi = { incident, results, inferenceCost: inferenceCost(results) };
    }
    if (opts.scale.length > 0) scale = await runScale(opts.scale, { out: opts.out, scratch, generator: opts.generator, say });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const t = targets(out.results);
  const notes = [
    'MB = 10^6 bytes; seconds, MB/s, events/s and peak RSS are medians over the runs.',
    'Both tools run as child Node processes (start-up included); peak RSS is the child\'s ru_maxrss, DuckDB\'s native memory included.',
    'DuckDB has no reader for logfmt or log4j text: every input is compared with read_json of logs.ndjson, the same events as NDJSON.',
    'Compare ratios measured in the same run, not absolute times from different runs or machines.',
  ];
  const results: BenchResults = {
    startedAt, machine, corpus: { dir: corpusDir, bytesPerFile: opts.bytes }, runs: opts.runs,
    results: out.results, followUps: out.followUps, multiFile: multi, scale: scale.results, scaleFailed: scale.failed, skipped: out.skipped, targets: t, notes,
  };
  const resultsFile = join(opts.out, 'results.json');
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);

  const lines: string[] = [];
  if (!opts.incidentOnly) {
    lines.push(`orderline benchmark: ${fmtMb(opts.bytes)} MB per file, median of ${opts.runs} run(s), ${machine.cpus} CPUs, Node ${machine.node}`, '', resultsTable(out.results).trimEnd());
    if (out.followUps.length) lines.push('', followUpTable(out.followUps).trimEnd());
    for (const s of out.skipped) lines.push(`skipped: ${s.input} (${s.file}): ${s.reason}`);
  }
  if (multi) lines.push('', multiFileTable(multi).trimEnd());
  for (const s of scale.results) lines.push('', scaleTable(s).trimEnd());
  lines.push('', ...notes.map((n) => `note: ${n}`), '');
  if (!opts.incidentOnly) lines.push(...targetLines(t, out.results));
  lines.push(...scaleTargetLines(scale));
  lines.push(`results: ${resultsFile}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  const failed = scaleFailures(scale);
  if (failed.length > 0) {
    process.stderr.write(`bench: ${failed.length} archive-scale step(s) failed; the tables above show what completed\n`);
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (e) {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  if (e instanceof UsageError) process.stderr.write(USAGE);
  process.exitCode = e instanceof UsageError ? 2 : 1;
}
