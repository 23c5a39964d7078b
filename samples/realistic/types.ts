/**
 * The public shapes of the realistic incident generator (samples/realistic.ts): its spec and its
 * oracle. Kept apart so the helper files can share them without importing the entry point.
 */

/** How a node writes its log lines (the message texts are the same whatever the envelope). */
export type Envelope =
  | 'log4j'
  | 'zap'
  | 'logfmt'
  | 'journald-short-precise'
  | 'elasticsearch'
  | 'journald-short-iso'
  | 'journald-short-iso-precise'
  | 'journald-json'
  | 'syslog'
  | 'plain'
  | 'klog';

export const ENVELOPES: readonly Envelope[] = [
  'log4j', 'zap', 'logfmt', 'journald-short-precise', 'elasticsearch',
  'journald-short-iso', 'journald-short-iso-precise', 'journald-json', 'syslog', 'plain', 'klog',
];

/** The five envelopes a random spec always uses when it has at least five nodes. */
export const CORE_ENVELOPES: readonly Envelope[] = ['log4j', 'zap', 'logfmt', 'journald-short-precise', 'elasticsearch'];

export type DumpFormat = 'ndjson' | 'csv' | 'json';
export type RaceVariant = 'queued' | 'started';
export type VocabularyId = 'tasks' | 'jobs' | 'calls' | 'requests' | 'ops';
/** `per-node`: every node makes its own operation ids; `coordinator`: one id per cycle, shared by every replica. */
export type OpIdMode = 'per-node' | 'coordinator';
/** `hex6`: `59f76e`; `uuid`; `jobnum`: `j-1842` (sequential); `req`: `req-7f3a9c01`. */
export type OpIdShape = 'hex6' | 'uuid' | 'jobnum' | 'req';
export type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** The steps of one cycle (and the other keyed/unkeyed messages the vocabulary words). */
export type Step =
  | 'load.queued' | 'load.started' | 'load.completed'
  | 'write.queued' | 'write.started' | 'write.completed'
  | 'publish' | 'cache' | 'quota'
  | 'repair.sent' | 'repair.received'
  | 'initialized';

export const STEPS: readonly Step[] = [
  'load.queued', 'load.started', 'load.completed', 'write.queued', 'write.started', 'write.completed',
  'publish', 'cache', 'quota', 'repair.sent', 'repair.received', 'initialized',
];

export interface RealisticNode {
  /** Also the log's parent folder and, where the envelope has one, the in-line host. */
  name: string;
  envelope: Envelope;
  /** The node's clock offset, ms (what its log prints = true time + skew). */
  skewMs: number;
  dump: DumpFormat;
}

export interface RealisticKey {
  key: string;
  /** How many cycles every node runs for this key. */
  cycles: number;
}

export interface RealisticRace {
  key: string;
  node: string;
  /** 1-based cycle of the key that races on that node. */
  cycle: number;
  variant: RaceVariant;
}

/** Anti-entropy repair carries `from`'s (bad) value of a raced key to each of `to`, in order. */
export interface RealisticSpread {
  key: string;
  from: string;
  to: string[];
}

/** A node reporting fewer entities in its `Initialized …` line, at start or after its restart. */
export interface RealisticLowCount {
  node: string;
  at: 'start' | 'restart';
  count: number;
}

/** A node restarting when the run is this fraction (0–1) of the way through its cycles. */
export interface RealisticRestart {
  node: string;
  at: number;
}

export interface RealisticNoise {
  compaction: boolean;
  gc: boolean;
  /** Gossip UP/DOWN, handshakes, heartbeats, empty repair sessions. */
  gossip: boolean;
  /** Queue depth, latency and pending-work counters. */
  counters: boolean;
  /** Occasional WARN/ERROR lines; an ERROR is followed by a Java-style stack trace. */
  stackTraces: boolean;
  /** A truncated line, a line of binary bytes, an empty line (at least one of each per file). */
  garbage: boolean;
}

export interface RealisticSpec {
  seed: number;
  nodes: RealisticNode[];
  keys: RealisticKey[];
  /** Keys worked many (thousands of) times on every node, spread over the whole run. */
  hotKeys?: RealisticKey[];
  vocabulary: VocabularyId;
  opIds: { mode: OpIdMode; shape: OpIdShape };
  /** At most one per key. */
  races: RealisticRace[];
  /** At most one per key; only for a raced key, from its racing node. */
  spreads: RealisticSpread[];
  /** What every node's `Initialized with metadata from N entities` says (unless planted lower). */
  initialEntities: number;
  lowCounts: RealisticLowCount[];
  /** At most one per node. */
  restarts: RealisticRestart[];
  noise: RealisticNoise;
  /** ISO-8601 UTC start of the run (true time). */
  start: string;
  /** Mean time between cycle starts, ms (default 30). */
  slotMs?: number;
}

// ----- the oracle -----

export interface LineRef {
  /** `logs/<node>/<file>`. */
  source: string;
  /** 1-based physical line of the file (for JSON envelopes, the line of the JSON object). */
  line: number;
}

export interface LineAt extends LineRef {
  /** ISO-8601 UTC with milliseconds, as the line prints it (skew included; seconds-only envelopes give .000). */
  ts: string;
}

export interface RealisticFinding {
  key: string;
  node: string;
  cycle: number;
  variant: RaceVariant;
  /** The derived write's started line of the raced cycle (the first of its started/completed lines; all came before the load completed). */
  first_break: LineAt;
  /** The raced cycle's load lines before the break that were queued (and, for `started`, started) but not completed. */
  pending: (LineAt & { resolved_ts: string })[];
  /** The raced cycle's load completion line. */
  resolved: LineAt;
}

export interface RealisticAnomaly {
  node: string;
  kind: 'initialized' | 'derived';
  key: string | null;
  cycle: number | null;
  count: number;
  /** What the healthy peers logged at the same point. */
  peer_count: number;
  source: string;
  line: number;
}

export interface RealisticHop {
  key: string;
  from: string;
  to: string;
  version: number;
  sent: LineAt;
  received: LineAt;
}

export interface RealisticReplicaKey {
  key: string;
  class: 'one_differs' | 'all_differ';
  odd_replica: string | null;
  values: Record<string, string | null>;
}

export interface RealisticGarbage extends LineRef {
  kind: 'truncated' | 'binary' | 'empty';
}

export interface RealisticExpected {
  note: string;
  nodes: string[];
  envelopes: Record<string, Envelope>;
  /** node → `logs/<node>/<file>`. */
  sources: Record<string, string>;
  /** node → `replicas/<node>.<ext>`. */
  dumps: Record<string, string>;
  vocabulary: VocabularyId;
  /** The message template of every step, variable parts as `<*>`. */
  steps: Record<Step, string>;
  findings: RealisticFinding[];
  anomalies: RealisticAnomaly[];
  hops: RealisticHop[];
  replicas: {
    summary: { agree: number; one_differs: number; all_differ: number };
    keys: RealisticReplicaKey[];
  };
  /** Raced keys whose bad value reached every replica: the dumps agree and are all wrong. */
  trapKeys: string[];
  /** Replicas still holding the good value of a raced key whose bad value was repaired to some others. */
  lastGoodCopies: { key: string; replica: string }[];
  /** Templates of the steps every node runs in either order within a cycle. */
  notInvariants: string[];
  garbage: RealisticGarbage[];
  stats: {
    keys: number;
    hotKeys: number;
    /** Cycles every node runs. */
    cycles: number;
    /** Physical lines per log source. */
    lines: Record<string, number>;
    /** Bytes per log source. */
    bytes: Record<string, number>;
  };
}
