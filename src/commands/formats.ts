import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { loadFormats } from '../formats.js';
import { detectFile } from '../ingest.js';
import { expandPaths } from '../input/expandPaths.js';
import { renderTable } from '../output/render.js';
import { jsonOption, out } from './common.js';

export function registerFormats(program: Command): void {
  const formats = program
    .command('formats')
    .summary('list the log formats orderline knows')
    .description('List the formats detection chooses from: the built-ins and those of --formats-dir.')
    .option('--formats-dir <dir>', 'also load format definitions (JSON) from this folder');
  jsonOption(formats);
  formats.action(async (opts) => {
    const list = await loadFormats(opts.formatsDir);
    if (opts.json) {
      out(`${JSON.stringify({ formats: list.map((f) => ({ name: f.name, description: f.description, priority: f.priority })) })}\n`);
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
    .option('--formats-dir <dir>', 'also load format definitions (JSON) from this folder');
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

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
