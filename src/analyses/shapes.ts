/**
 * The JSON documents the analyses print with --json (contract §5) and that
 * `investigate` gathers into report.json (contract §7), as zod schemas: the types are
 * the documentation, and the JSON Schema the project ships is generated from them.
 * Fields the contract lists are required; the extra ones are ours.
 * Timestamps are ISO-8601 UTC strings with milliseconds or finer.
 */
import { z } from 'zod';

const isoTime = z.string().describe('ISO-8601 UTC timestamp, milliseconds or finer');
const step = z.object({
  op: z.string().nullable(),
  phase: z.string().nullable(),
  any_phase: z.boolean().optional().describe('an --expect step given as a bare op: it matches the op in every phase'),
});

// orderline replicas
export const replicaKey = z.object({
  key: z.string(),
  class: z.enum(['agree', 'one_differs', 'all_differ']),
  odd_replica: z.string().nullable().describe('the replica that differs when class is one_differs'),
  values: z.record(z.string(), z.string().nullable()).describe('replica → value'),
  versions: z.record(z.string(), z.number().nullable()).optional().describe('replica → version of that value'),
  writetimes: z.record(z.string(), isoTime.nullable()).optional().describe('replica → writetime of that value'),
  evidence: z.record(z.string(), z.string().nullable()).optional().describe('replica → the dump line of that value ("path:line"); null where the key is missing'),
});
export const replicasDoc = z.object({
  summary: z.object({ agree: z.number().int(), one_differs: z.number().int(), all_differ: z.number().int() }),
  keys: z.array(replicaKey).describe('every key not in agree'),
});

// orderline diverge
export const invariant = z.object({
  before: step,
  after: step,
  support: z.number().int().describe('(key, node) instances where both steps occur'),
  confidence: z.number().describe('share of those instances where before came first'),
  source: z.enum(['mined', 'expected']).optional(),
  confined: z.boolean().optional().describe('mined on the confined rule: below min_confidence, every exception on one node, two or more nodes never broke it'),
});
export const evidence = z.object({
  op: z.string().nullable(),
  phase: z.string().nullable(),
  ts: isoTime.nullable(),
  source: z.string().describe('the file (sources.path)'),
  line: z.number().int(),
});
export const finding = z.object({
  key: z.string(),
  node: z.string(),
  cycle: z.number().int().optional().describe('which occurrence of the broken step on that (key, node) it was: the cycle of the break, from 1'),
  first_break: evidence,
  missing: step.describe('the step that should have come first'),
  pending: z.array(evidence.extend({ resolved_ts: isoTime.nullable() })),
  window: z.object({ start: isoTime.nullable(), end: isoTime.nullable() }),
  resolved: z.object({ ts: isoTime.nullable(), source: z.string(), line: z.number().int() }).nullable().optional()
    .describe('the first occurrence of the missing step after the break (null: it never happened)'),
  invariant: invariant.optional(),
  healthy_node: z.string().nullable().optional().describe('a node whose timeline for the same key kept the invariant'),
  ambiguous: z.boolean().optional().describe('the order was decided by timestamps closer than the clock-skew bound'),
  inferred: z.record(z.string(), z.object({
    template: z.string(),
    key: z.object({ param: z.number().int(), evidence: z.string() }).nullable(),
    step: z.object({ op: z.string(), phase: z.string().nullable(), phaseFrom: z.string().nullable() }).nullable(),
    operation: z.object({ param: z.number().int(), evidence: z.string() }).nullable(),
  })).optional().describe('"file:line" of the break, pending and resolving events → what inference gave them (where their lines carried no key or op)'),
});
export const divergeDoc = z.object({ invariants: z.array(invariant), findings: z.array(finding) });

// orderline anomalies
export const anomaly = z.object({
  node: z.string(),
  template: z.string(),
  phase_index: z.number().int(),
  count: z.number(),
  peer_median: z.number(),
  peers: z.record(z.string(), z.number()),
  source: z.string(),
  line: z.number().int(),
  ts: isoTime.nullable().optional(),
  count_unit: z.string().nullable().optional(),
  aligned_by: z.enum(['seq', 'occurrence', 'key_occurrence', 'as_of']).optional()
    .describe('how the phase was matched across nodes: the same seq, the k-th time each node logged the message, the k-th time for the key, or (an occurrence the others have no k-th of: a restart) each other node\'s latest count at or before it'),
  seq: z.number().nullable().optional().describe('the seq of the phase when aligned by seq'),
  key: z.string().nullable().optional().describe('the key of the phase when aligned by key_occurrence'),
  consensus: z.object({
    count: z.number().describe('the count most other nodes logged at this phase'),
    nodes: z.number().int().describe('how many other nodes logged it'),
    of: z.number().int().describe('how many other nodes logged the phase'),
  }).optional().describe('what the node fell below: the other nodes agree with each other'),
  template_agreement: z.object({
    share: z.number().describe('share of the message\'s phases where its nodes reached a consensus'),
    phases: z.number().int(),
  }).optional().describe('why the message is judged at all: a state volume agrees across nodes, a counter that varies by nature does not'),
});
export const anomaliesDoc = z.object({ anomalies: z.array(anomaly) });

// orderline propagation
const logged = z.object({ node: z.string(), ts: isoTime.nullable(), source: z.string(), line: z.number().int() })
  .describe('one side of a hop as its node logged it');
export const hop = z.object({
  from: z.string(),
  to: z.string(),
  version: z.number().nullable(),
  ts: isoTime.nullable().describe('when the receiver logged it, else when the sender did'),
  source: z.string().describe('the file of that event'),
  line: z.number().int(),
  sent: logged.nullable().optional().describe('the sender\'s event, when it logged one'),
  received: logged.nullable().optional().describe('the receiver\'s event, when it logged one'),
  ambiguous: z.boolean().optional().describe('its order after the previous hop of the same version lies within the clock-skew uncertainty'),
});
const origin = z.object({ node: z.string(), version: z.number().nullable(), ts: isoTime.nullable() });
export const propagationDoc = z.object({
  key: z.string(),
  origin: origin.nullable().describe('of the version that travelled furthest (most hops; ties: the highest version), or of --version'),
  hops: z.array(hop),
  origins: z.array(origin.extend({ hops: z.number().int() })).optional().describe('every version that moved, with its origin'),
});

// orderline affected
export const affectedRow = z.object({
  key: z.string(),
  node: z.string(),
  start: isoTime.nullable(),
  end: isoTime.nullable(),
  reason: z.string().optional().describe('which findings put it on the list, with their evidence'),
  action: z.enum(['restore', 'keep', 'check']).optional()
    .describe('restore: it holds (or may hold) the raced value; keep: the last good copy, restore the others from it and never overwrite it; check: it differs, and nothing says which side is right'),
  restore_from: z.string().nullable().optional().describe('with restore: the replica that holds the last good copy (null: none is known)'),
});
// the containment reasoning per key (affected.ts), in report.json
export const keyVerdict = z.object({
  key: z.string(),
  broken: z.array(z.string()).describe('nodes where diverge found a break on the key'),
  bad_version: z.number().nullable().describe('the version a broken node originated, when propagation shows one'),
  received: z.array(z.object({ node: z.string(), from: z.string(), ts: isoTime.nullable(), evidence: z.string() }))
    .describe('nodes a hop brought the bad version to'),
  good_copies: z.array(z.object({ replica: z.string(), version: z.number().nullable(), evidence: z.string().nullable() }))
    .describe('replicas that hold the good value: no break, no hop brought them the bad version, an older version (or another value)'),
  last_good_copies: z.array(z.object({ replica: z.string(), version: z.number().nullable(), evidence: z.string().nullable() }))
    .describe('the good copies, when the bad version spread to other replicas: what is left to restore from (never to be overwritten)'),
  agrees_but_wrong: z.boolean().describe('every dumped replica agrees, and every one holds the bad value'),
});
export const affectedDoc = z.object({ affected: z.array(affectedRow), verdicts: z.array(keyVerdict).optional() });

// orderline skew
export const nodeSkew = z.object({
  node: z.string(),
  offset_ms: z.number().nullable().describe('add to this node\'s ts to get reference time'),
  lower_ms: z.number().nullable(),
  upper_ms: z.number().nullable(),
  pairs: z.number().int(),
  basis: z.enum(['reference', 'send_receive', 'causal_id']).nullable().optional()
    .describe('send_receive: bounds proven by message order; causal_id: they rest on shared causal ids (observed spread, not guaranteed)'),
  consistent: z.boolean().nullable().optional().describe('false when the pairs contradict each other (bounds cross)'),
  applied: z.boolean().optional().describe('with --apply: whether ts_corrected got this offset'),
});
export const skewBetween = z.object({
  a: z.string(),
  b: z.string(),
  lower_ms: z.number().nullable(),
  upper_ms: z.number().nullable(),
}).describe('bounds of offset(b) − offset(a); null: open side');
export const skewDoc = z.object({
  reference: z.string().nullable(),
  nodes: z.array(nodeSkew),
  between: z.array(skewBetween).optional().describe('every ordered pair of distinct nodes linked by causal pairs'),
  applied: z.boolean().optional().describe('ts_corrected was filled from these offsets'),
});

// orderline timeline
export const timelineEvent = z.object({
  node: z.string(),
  ts: isoTime.nullable(),
  op: z.string().nullable(),
  phase: z.string().nullable(),
  seq: z.number().nullable(),
  message: z.string().nullable(),
  source: z.string(),
  line: z.number().int(),
});
export const timelineRow = z.object({
  op: z.string().nullable(),
  phase: z.string().nullable(),
  k: z.number().int().optional().describe('occurrence index of (op, phase) on each node, from 1'),
  node_event: timelineEvent.nullable().describe('the event on --node (the broken one)'),
  vs_event: timelineEvent.nullable().describe('the aligned event on --vs (the healthy one)'),
  delta_ms: z.number().nullable().describe('node_event.ts − vs_event.ts'),
});
export const timelineDoc = z.object({
  key: z.string(),
  node: z.string().nullable(),
  vs: z.string().nullable(),
  rows: z.array(timelineRow),
});

// orderline investigate → report.json
export const reportDoc = z.object({
  replicas: replicasDoc,
  invariants: z.array(invariant),
  findings: z.array(finding),
  anomalies: z.array(anomaly),
  propagation: z.array(propagationDoc),
  affected: z.array(affectedRow),
  verdicts: z.array(keyVerdict).optional().describe('what the evidence says about each key of the findings and of the odd replicas'),
});

export type KeyVerdict = z.infer<typeof keyVerdict>;
export type ReplicasDoc = z.infer<typeof replicasDoc>;
export type Invariant = z.infer<typeof invariant>;
export type Finding = z.infer<typeof finding>;
export type DivergeDoc = z.infer<typeof divergeDoc>;
export type Anomaly = z.infer<typeof anomaly>;
export type AnomaliesDoc = z.infer<typeof anomaliesDoc>;
export type PropagationDoc = z.infer<typeof propagationDoc>;
export type AffectedRow = z.infer<typeof affectedRow>;
export type AffectedDoc = z.infer<typeof affectedDoc>;
export type SkewDoc = z.infer<typeof skewDoc>;
export type ReportDoc = z.infer<typeof reportDoc>;
export type TimelineEvent = z.infer<typeof timelineEvent>;
export type TimelineDoc = z.infer<typeof timelineDoc>;
