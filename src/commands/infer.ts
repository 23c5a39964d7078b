/**
 * `orderline infer`: shows what inference made of the messages — each template's step (op and
 * phase) and which of its parameters is the entity key, the operation id, a peer or a version,
 * with the evidence — and makes it again (stored in the database) with --refresh.
 */
import type { Command } from 'commander';
import { query } from '../db/rows.js';
import { runInference, useInference } from '../infer/infer.js';
import { renderRows } from '../output/render.js';
import { dbOption, jsonOption, out, withDatabase } from './common.js';

export function registerInfer(program: Command): void {
  const cmd = program
    .command('infer')
    .summary('show the steps, keys and operations inferred from the messages')
    .description(
      'Where lines carry no key, op or phase fields, orderline infers them from the message texts: each\n' +
      'message\'s template (its first line, variable parts as <*>) is a step; a parameter whose values\n' +
      'recur in several templates and on several nodes is the entity key; one whose values each live one\n' +
      'operation instance (a task, request or job id) links the steps of one operation, which gets a phase\n' +
      'per step from its verb (queued / started / completed / failed) or its place in the instance; node\n' +
      'names after from/to fill peer, "version N" / "v8" / "ver=N" fill version. Fields the line carries and\n' +
      'definitions always win. ingest stores the results (tables inferred_templates, inferred_params,\n' +
      'inferred_events); every command reads events through them unless --no-infer. This command lists the\n' +
      'templates with their roles (--params: every parameter with its evidence); --refresh makes them again.',
    )
    .option('--params', 'list every parameter of every template with its role and evidence')
    .option('--all', 'also list templates that got no step (no key, no operation)')
    .option('--refresh', 'run the inference again and store it (opens the database for writing)')
    .addHelpText('after', '\nExamples (after orderline ingest samples/incident/logs --db incident.duckdb):\n' +
      '  orderline infer --db incident.duckdb\n' +
      '  orderline infer --params --json --db incident.duckdb\n' +
      '  orderline infer --refresh --db incident.duckdb');
  dbOption(cmd);
  jsonOption(cmd);
  cmd.action(async (opts) => {
    const rows = await withDatabase(opts, async (db) => {
      if (opts.refresh) await runInference(db.conn, { store: true });
      await useInference(db.conn, { enabled: true, store: !db.readOnly });
      return query(db.conn, opts.params
        ? `SELECT p.template, p.param, p.role, p.kind, p.templates, p.nodes, p."values", p.evidence
           FROM inferred_params p JOIN inferred_templates t USING (template_id)
           ${opts.all ? '' : 'WHERE t.op IS NOT NULL OR p.role IN (\'key\', \'operation\', \'peer\', \'version\')'}
           ORDER BY t.events DESC, p.template, p.param`
        : `SELECT template, events, op, phase, phase_from, key_param AS key, op_param AS operation, peer_param AS peer, version_param AS version
           FROM inferred_templates ${opts.all ? '' : 'WHERE op IS NOT NULL OR peer_param IS NOT NULL OR version_param IS NOT NULL'}
           ORDER BY events DESC, template`);
    }, { mode: opts.refresh ? 'write' : 'read', infer: false, events: {} });
    out(renderRows(rows, opts.json ? 'json' : 'table'));
  });
}
