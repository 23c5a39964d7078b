/** `orderline replicas DUMP...`: load per-replica dumps and say which keys disagree. */
import type { Command } from 'commander';
import { replicas } from '../analyses/replicas.js';
import type { ReplicasDoc } from '../analyses/shapes.js';
import { renderTable } from '../output/render.js';
import { dbOption, err, jsonOption, out, withDatabase } from './common.js';

export function registerReplicas(program: Command): void {
  const cmd = program
    .command('replicas')
    .summary('load per-replica state dumps and classify every key: agree, one_differs, all_differ')
    .description(
      'Load raw per-replica dumps (NDJSON, CSV with a header, or a JSON array of key, value, version?, writetime?; ' +
      'the replica is the file stem) into replica_state, then classify every key across all replicas loaded: ' +
      'agree, one_differs (all but one replica agree: the odd replica is named), all_differ. ' +
      'A key missing on a replica counts as a differing value (null). Without DUMP, classifies what is loaded. ' +
      'SQL: queries/replica_divergence.sql.',
    )
    .argument('[dump...]', 'dump files (node-a.ndjson, node-b.csv, node-c.json, .gz too) or folders of them')
    .addHelpText('after', '\nExamples:\n' +
      '  orderline replicas samples/incident/replicas/* --db incident.duckdb\n' +
      '  orderline replicas --db incident.duckdb --json   # classify what is loaded');
  dbOption(cmd);
  jsonOption(cmd);
  cmd.action(async (dumps: string[], opts) => {
    const doc = await withDatabase(opts, (db) => replicas(db.conn, {
      dumps,
      onLoad: (r) => err(r.skipped
        ? `${r.path}: already loaded (same sha256), nothing loaded`
        : `${r.path}: replica ${r.replica}, ${r.rows} rows${r.replaced ? ' (replaced the earlier dump of this replica)' : ''}`),
    }), { mode: dumps.length > 0 ? 'write' : 'read', infer: false });
    out(opts.json ? `${JSON.stringify(doc)}\n` : replicasText(doc));
  });
}

export function replicasText(doc: ReplicasDoc): string {
  const replicaNames = [...new Set(doc.keys.flatMap((k) => Object.keys(k.values)))].sort();
  const table = renderTable({
    columns: ['key', 'class', 'odd_replica', ...replicaNames],
    types: ['VARCHAR', 'VARCHAR', 'VARCHAR', ...replicaNames.map(() => 'VARCHAR')],
    rows: doc.keys.map((k) => ({
      key: k.key, class: k.class, odd_replica: k.odd_replica,
      ...Object.fromEntries(replicaNames.map((r) => [r, k.values[r] ?? '(missing)'])),
    })),
  });
  const s = doc.summary;
  return `${s.agree} keys agree, ${s.one_differs} one_differs, ${s.all_differ} all_differ\n${doc.keys.length ? table : ''}`;
}
