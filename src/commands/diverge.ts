/** `orderline diverge`: ordering invariants and the first break per (key, node). */
import type { Command } from 'commander';
import { diverge, expectParam } from '../analyses/diverge.js';
import { stepText } from '../analyses/stepText.js';
import type { DivergeDoc } from '../analyses/shapes.js';
import { UsageError } from '../errors.js';
import { renderTable } from '../output/render.js';
import { dbOption, jsonOption, out, parseInteger, withDatabase } from './common.js';

export function parseConfidence(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1)) throw new UsageError(`--min-confidence takes a number from 0 to 1, not "${value}"`);
  return n;
}

/** The options diverge, timeline and affected share to mine invariants. */
export function invariantOptions(cmd: Command): Command {
  return cmd
    .option('--expect <chain>', 'an expected order "A<B<C" (repeatable); a step is op (any phase) or op:phase',
      (v: string, acc: string[] = []) => [...acc, v])
    .option('--min-support <n>', 'mined invariants need this many (key, node) instances holding both steps', parseInteger('--min-support'), 20)
    .option('--min-confidence <x>', 'and X before Y in at least this share of them', parseConfidence, 0.99);
}

export function registerDiverge(program: Command): void {
  const cmd = program
    .command('diverge')
    .summary('find where a node first broke the usual order of work, per key')
    .description(
      'Mine ordering invariants "X before Y" between steps (op, phase) of the same key on the same node, ' +
      'then report, per (key, node), the first event that broke one: the step that was missing, the ' +
      'steps of it still pending, when they finally ran, and a healthy node for comparison. ' +
      'SQL: queries/invariants.sql, queries/first_breaks.sql (orderline query first_breaks reruns it).',
    )
    .option('--key <key>', 'only findings for this key')
    .option('--node <node>', 'only findings on this node');
  invariantOptions(cmd);
  cmd.addHelpText('after', '\nExamples (after orderline ingest samples/incident/logs --db incident.duckdb):\n' +
    '  orderline diverge --db incident.duckdb\n' +
    '  orderline diverge --key tenant-402 --json --db incident.duckdb\n' +
    '  orderline diverge --expect "LoadMetadata:completed<WriteDerived:started" --min-support 5 --db incident.duckdb');
  dbOption(cmd);
  jsonOption(cmd);
  cmd.action(async (opts) => {
    expectParam(opts.expect); // a malformed --expect is a usage error before anything runs
    const doc = await withDatabase(opts, (db) => diverge(db.conn, {
      key: opts.key, node: opts.node, expect: opts.expect, minSupport: opts.minSupport, minConfidence: opts.minConfidence,
    }), { events: { key: opts.key, node: opts.node } });
    out(opts.json ? `${JSON.stringify(doc)}\n` : divergeText(doc));
  });
}

export function divergeText(doc: DivergeDoc): string {
  if (doc.invariants.length === 0) {
    return 'No ordering invariants: no pair of steps (op, phase) held in enough (key, node) instances.\n' +
      'Lower --min-support / --min-confidence, or state one with --expect "A<B".\n';
  }
  const inv = renderTable({
    columns: ['before', 'after', 'support', 'confidence', 'source'],
    types: ['VARCHAR', 'VARCHAR', 'BIGINT', 'DOUBLE', 'VARCHAR'],
    rows: doc.invariants.map((i) => ({
      before: stepText(i.before), after: stepText(i.after), support: i.support, confidence: i.confidence.toFixed(3), source: i.source,
    })),
  });
  if (doc.findings.length === 0) return `Invariants (${doc.invariants.length}):\n${inv}\nNo breaks: every (key, node) kept these invariants.\n`;
  const findings = renderTable({
    columns: ['key', 'node', 'first_break', 'at', 'missing', 'pending', 'window', 'healthy_node'],
    types: ['VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR'],
    rows: doc.findings.map((f) => ({
      key: f.key,
      node: f.node,
      first_break: `${stepText(f.first_break)} ${f.first_break.ts ?? ''}`.trim(),
      at: `${f.first_break.source}:${f.first_break.line}`,
      missing: stepText(f.missing),
      pending: f.pending.map((p) => `${stepText(p)} (${p.source}:${p.line})`).join(', '),
      window: `${f.window.start ?? '?'} → ${f.window.end ?? '?'}`,
      healthy_node: f.healthy_node ?? '',
    })),
  });
  return `Invariants (${doc.invariants.length}):\n${inv}\nFirst breaks (${doc.findings.length}):\n${findings}`;
}
