import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { checkDefinition, type DefinitionCheck } from '../definitions/samples.js';
import { loadDefinitions, loadFormats } from '../formats.js';
import { PARSERS_DIR } from '../paths.js';
import { detectFile } from '../ingest.js';
import { expandPaths } from '../input/expandPaths.js';
import { renderTable } from '../output/render.js';
import { jsonOption, out } from './common.js';

export function registerFormats(program: Command): void {
  const formats = program
    .command('formats')
    .summary('list the log formats orderline knows')
    .description('List the formats detection chooses from: the built-ins, the definitions of parsers/ and\n' +
      'those of --formats-dir. With --check, run every definition\'s samples instead and fail on a mismatch.')
    .option('--formats-dir <dir>', 'also load format definitions (JSON) from this folder')
    .option('--check [dir]', 'run the samples of the definitions in DIR (default: parsers/ and --formats-dir)')
    .addHelpText('after', '\nExamples:\n  orderline formats\n  orderline formats --check parsers/');
  jsonOption(formats);
  formats.action(async (opts) => {
    if (opts.check !== undefined) {
      await runCheck(opts.check === true ? [PARSERS_DIR, ...(opts.formatsDir ? [opts.formatsDir] : [])] : [opts.check], opts.json);
      return;
    }
    const list = await loadFormats(opts.formatsDir);
    if (opts.json) {
      out(`${JSON.stringify({
        formats: list.map((f) => ({ name: f.name, description: f.description, priority: f.priority, file: f.file ?? null })),
      })}\n`);
      return;
    }
    out(renderTable({
      columns: ['name', 'description'],
      types: ['VARCHAR', 'VARCHAR'],
      rows: list.map((f) => ({ name: f.name, description: f.description })),
    }));
  });

  const detect = program
    .command('detect')
    .summary('tell which format a file gets, and why')
    .description('Score every format on the first lines of FILE and print the winner, its score and the runner-up.\nScores run from 0 to 1; ties go to the more specific format.')
    .argument('<file>', 'the log file (gzip is fine)')
    .option('--formats-dir <dir>', 'also load format definitions (JSON) from this folder')
    .addHelpText('after', '\nExamples:\n  orderline detect samples/incident/logs/node-d/journal.log\n  orderline detect samples/structured/logs/node-d/otlp-export.json --json');
  jsonOption(detect);
  detect.action(async (file: string, opts) => {
    const files = await expandPaths([file]);
    if (files.length !== 1) throw new UsageError(`detect takes one file; ${file} names ${files.length}`);
    const d = await detectFile(files[0], await loadFormats(opts.formatsDir));
    const doc = {
      path: files[0].path,
      format: d.format.name,
      score: round(d.score),
      compressed: d.compressed,
      runner_up: d.runnerUp ? { format: d.runnerUp.format.name, score: round(d.runnerUp.score) } : null,
    };
    if (opts.json) out(`${JSON.stringify(doc)}\n`);
    else out(`${doc.path}: ${doc.format} (score ${doc.score})${doc.runner_up ? `; runner-up ${doc.runner_up.format} (score ${doc.runner_up.score})` : ''}${doc.compressed ? '; gzip' : ''}\n`);
  });
}

/** `formats --check`: every sample of every definition; exit 1 when one fails. */
async function runCheck(dirs: string[], json: boolean): Promise<void> {
  const checks: DefinitionCheck[] = [];
  for (const d of dirs) for (const df of loadDefinitions(d)) checks.push(await checkDefinition(df));
  const failed = checks.reduce((n, c) => n + c.failures.length, 0);
  const samples = checks.reduce((n, c) => n + c.samples, 0);
  if (json) {
    out(`${JSON.stringify({ definitions: checks, samples, passed: samples - failed, failed })}\n`);
  } else {
    out(renderTable({
      columns: ['name', 'file', 'samples', 'passed', 'status'],
      types: ['VARCHAR', 'VARCHAR', 'BIGINT', 'BIGINT', 'VARCHAR'],
      rows: checks.map((c) => ({
        name: c.name, file: c.file, samples: c.samples, passed: c.passed,
        status: c.failures.length ? 'FAILED' : c.samples === 0 ? 'no samples' : 'ok',
      })),
    }));
    for (const c of checks) {
      for (const f of c.failures) out(`${c.file}: $.samples[${f.index}] ${JSON.stringify(f.line)}\n  ${f.problems.join('\n  ')}\n`);
    }
    out(`${checks.length} definitions, ${samples} samples, ${failed} failed\n`);
  }
  if (failed > 0) process.exitCode = 1;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
