/**
 * The spec of the committed sample incident (samples/incident/): a free-text incident as real
 * archives are, made by samples/realistic.ts. Five replicas of one service write the same messages
 * through five envelopes (log4j, zap JSON, logfmt, journald short-iso-precise, Elasticsearch
 * brackets); no line carries a key, op or phase; every tenant is worked two to five times.
 *
 * What is planted (EXPECTED.json lists every line of it):
 * - node-b runs the derived write while that cycle's metadata load is still queued, in a later
 *   cycle of two tenants, and logs fewer entities at start than its peers;
 * - repair carries one raced tenant's bad version to every other replica (the dumps then agree and
 *   are all wrong: the trap), and the other's to three of the four others, leaving node-a the last
 *   good copy (the odd replica, and the right one).
 *
 * journald's short formats without a year would take the file's modification year (a clone made
 * next year would read next year): the sample uses short-iso-precise, which prints its year.
 */
import type { RealisticSpec } from './realistic.js';

const TENANTS: [string, number][] = [
  ['tenant-190', 4], ['acct/5014', 3], ['u:91815', 5], ['tenant-207', 2], ['acct/5120', 3], ['u:90233', 4],
  ['tenant-311', 3], ['acct/5266', 2], ['u:92410', 3], ['tenant-402', 5], ['acct/5391', 4], ['u:93057', 2],
  ['tenant-518', 3], ['acct/5477', 4], ['u:94102', 3], ['tenant-626', 2], ['acct/5583', 3], ['u:95276', 4],
];

export const SAMPLE_INCIDENT_SPEC: RealisticSpec = {
  seed: 20261127,
  nodes: [
    { name: 'node-a', envelope: 'log4j', skewMs: 12, dump: 'ndjson' },
    { name: 'node-b', envelope: 'zap', skewMs: -7, dump: 'csv' },
    { name: 'node-c', envelope: 'logfmt', skewMs: 21, dump: 'json' },
    { name: 'node-d', envelope: 'journald-short-iso-precise', skewMs: -15, dump: 'ndjson' },
    { name: 'node-e', envelope: 'elasticsearch', skewMs: 4, dump: 'csv' },
  ],
  keys: TENANTS.map(([key, cycles]) => ({ key, cycles })),
  vocabulary: 'tasks',
  opIds: { mode: 'per-node', shape: 'hex6' },
  races: [
    { key: 'u:91815', node: 'node-b', cycle: 4, variant: 'queued' },
    { key: 'tenant-402', node: 'node-b', cycle: 3, variant: 'queued' },
  ],
  spreads: [
    // to every other replica: the dumps agree, and all are wrong
    { key: 'u:91815', from: 'node-b', to: ['node-c', 'node-d', 'node-e', 'node-a'] },
    // to three of the four: node-a keeps the last good copy
    { key: 'tenant-402', from: 'node-b', to: ['node-c', 'node-d', 'node-e'] },
  ],
  initialEntities: 4815,
  lowCounts: [{ node: 'node-b', at: 'start', count: 4798 }],
  restarts: [],
  noise: { compaction: true, gc: true, gossip: true, counters: true, stackTraces: true, garbage: true },
  start: '2026-11-27T14:30:00.000Z',
};
