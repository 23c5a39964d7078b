/**
 * A seeded generator of realistic free-text race incidents with known answers: the free-text
 * sibling of samples/incident.ts (whose events carry key/op/phase fields). Same spec ⇒ same bytes.
 *
 * ## What it models
 * A replicated derived-data service (3–7 replicas). Every node works every entity key in 2–6
 * cycles (hot keys: thousands); cycles of different keys interleave, each node runs each cycle at
 * its own small offset and logs on its own skewed clock. One cycle, in the `tasks` vocabulary:
 *
 *     Enqueued metadata load for tenant-190 (task 59f76e)
 *     Loading metadata for tenant-190 (task 59f76e)
 *     Loaded metadata for tenant-190: 239 entities (task 59f76e)
 *     Enqueued derived write for tenant-190 (task 07c6d6)
 *     Writing derived view for tenant-190 (task 07c6d6)
 *     Derived view for tenant-190 written from 239 entities, version 9 (task 07c6d6)
 *     Published tenant-190 version 9
 *     Refreshed cache for tenant-190          } either order, per node and cycle
 *     Checked quota for tenant-190            }
 *
 * - Messages are free text (no key=/op=/phase= fields). Five vocabularies word the same pipeline
 *   (samples/realistic/vocabulary.ts): different verbs, key and id placement, id words.
 * - Operation ids: the load and the write of a cycle each have one id, shared by their lines;
 *   made by each node, or handed by a coordinator to every replica (spec.opIds.mode); shaped
 *   hex6 / uuid / `j-1842` / `req-…` (hex ids without a digit, like `deadbe`, happen and stay).
 * - Keys mix shapes: `tenant-190`, `acct/5014`, `u:91815`, uuids, `order#7731`, `blk_-160…`.
 * - Envelopes (samples/realistic/envelopes.ts): log4j, zap JSON lines, logfmt, journald short /
 *   short-precise / short-iso / short-iso-precise / json, Elasticsearch, syslog, plain, klog. The
 *   message text is the same whatever the envelope; a node's log is `logs/<node>/<file>` and any
 *   in-line host equals the folder name.
 * - Noise: compaction, GC pauses, gossip/handshakes naming peers, counters, WARN lines, ERROR lines
 *   with Java stack traces (continuation lines per envelope), and garbage: at least one truncated
 *   line, one line of binary bytes and one empty line per file (more, rarely, in big files).
 * - State: every node logs `Initialized with metadata from <initialEntities> entities` at start
 *   and after a restart; a planted low count makes one node log fewer once. Per-key counts grow
 *   strictly from cycle to cycle and every healthy node logs the same count in the same cycle.
 * - Restarts: the run pauses a few seconds (no cycle is lost); the node logs SIGTERM, shutdown, a
 *   new pid and its startup; peers log it DOWN and UP.
 *
 * ## Races (planted)
 * On its node, a raced cycle runs the derived write while that cycle's metadata load is still
 * queued (`queued`: load queued → write queued → started → written → published → load started →
 * loaded) or queued and started (`started`: load queued → started → write … → loaded). The raced
 * write reads the previous cycle's state: "written from" the previous cycle's count (cycle 1: the
 * key's count before its first cycle), lower than every peer's count in that cycle, and it gets a
 * bad version, higher than any healthy version of the key, so it sticks (the node's later,
 * normal cycles write lower versions, which the store does not keep). Any cycle may race, the
 * first and the last included; the cycles before and after are normal.
 *
 * After the key's last cycle everywhere, an anti-entropy repair session carries the raced node's
 * cell (bad value, bad version, its writetime) to the spread's targets, one hop after another:
 * the sender logs `… sent <key> version <bad> to <peer>`, the receiver `… received <key> version
 * <bad> from <sender>` (worded by the vocabulary). A spread to every other node makes a trap key
 * (the dumps agree, all wrong); a partial spread leaves the last good copies.
 *
 * ## The oracle (RealisticExpected), computed from the plan, never from reading the logs
 * - `findings`, one per race: `first_break` is the raced cycle's derived-write *started* line on
 *   the racing node: the first line of the write's started/completed steps, all of which came
 *   before the cycle's load completed (the write's *queued* line came before it too but is not a
 *   step that runs, so it is never the break). `pending`: that cycle's load lines before the break
 *   that were not completed: the queued line (`queued`), the queued and started lines (`started`),
 *   each with `resolved_ts` = the load's completion ts. `resolved`: the load's completion line.
 * - `anomalies`: planted low `Initialized` counts (`initialized`, peer_count = initialEntities)
 *   and every raced cycle's "written from" line (`derived`, peer_count = the healthy count).
 * - `hops`: every repair hop with its sent and received lines and the bad version.
 * - `replicas`: keys whose final values disagree, classed like samples/incident.ts
 *   (`one_differs` when ≥ 3 replicas split into two groups, one of them a single replica).
 * - `trapKeys`, `lastGoodCopies` (replicas keeping the good value of a raced key whose bad value
 *   was repaired to at least one other replica), `notInvariants` (either-order step templates),
 *   `steps` (every step's template), `garbage` lines, `stats`.
 * - `source` is `logs/<node>/<file>`; `line` the 1-based physical line (stack-trace and garbage
 *   lines counted; a JSON event, stack and all, is one line); `ts` ISO-8601 UTC with milliseconds
 *   as the line prints it, skew included (seconds-only envelopes give `.000`; µs are cut to ms).
 *
 * ## Time
 * Cycle starts are slots `slotMs` apart (30 ms by default, jittered); each slot runs one cycle on
 * every node at that node's small offset, so cycles of different keys overlap, but a key's next
 * cycle starts at least 400 ms after its previous one. A hot key worked N times therefore spans at
 * least N × 0.4 s; slots with no cycle ready stay idle (noise only). Restarts pause the schedule.
 *
 * ## API
 * - randomRealisticSpec(seed, { nodes, keys, envelopes }) → a spec.
 * - generateRealistic(spec) → { files, expected }: in memory; logs are Buffers (they hold binary
 *   garbage), dumps strings. For small incidents.
 * - writeRealistic(spec, dir, { targetBytes }) → expected: writes logs/… and replicas/… under dir
 *   in ~1 MB chunks (a node's log is never held whole). With targetBytes, seeded filler keys
 *   (2–6 cycles, all key shapes) follow the spec's keys until the logs total about that many bytes
 *   (within a few percent: bytes are fitted as K + a·cycles + b·idle slots on three small probe
 *   runs); the spec's own keys, hot keys, races and spreads are unchanged, and the oracle is exact.
 * - streamRealistic(spec, open, { targetBytes }) → expected: the same into any RealisticSink.
 * - sizedSpec(spec, targetBytes) → the spec writeRealistic actually generates (with the fillers).
 */
import { mkdirSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { prng } from './incident.js';
import { writeDump } from './realistic/dumps.js';
import { int, pick, rngFor, shuffle } from './realistic/hash.js';
import { KEY_SHAPES, makeKeys } from './realistic/keys.js';
import { writeNodeLog } from './realistic/nodeLog.js';
import { buildExpected } from './realistic/oracle.js';
import { buildPlan } from './realistic/plan.js';
import { CountingSink, FileSink, MemorySink, type RealisticSink } from './realistic/sink.js';
import {
  CORE_ENVELOPES, ENVELOPES, type DumpFormat, type Envelope, type OpIdMode, type OpIdShape, type RaceVariant,
  type RealisticExpected, type RealisticKey, type RealisticRace, type RealisticSpec, type RealisticSpread,
} from './realistic/types.js';
import { VOCABULARY_IDS } from './realistic/vocabulary.js';

export * from './realistic/types.js';
export type { RealisticSink } from './realistic/sink.js';
export { VOCABULARIES } from './realistic/vocabulary.js';

export interface RandomRealisticOptions {
  /** Number of nodes (default 3–7). */
  nodes?: number;
  /** Number of (ordinary) keys (default 20–60). */
  keys?: number;
  /** Envelopes to use, node by node (cycled if shorter). */
  envelopes?: Envelope[];
}

const NODE_NAMES: ((i: number, rnd: () => number) => string)[] = [
  (i) => `r${i + 1}`,
  (i) => `ledger-${i}`,
  (i) => `node-${'abcdefghij'[i] ?? i}`,
  (i, rnd) => `ip-10-0-${int(rnd, 0, 15)}-${10 * i + int(rnd, 1, 9)}`,
];

/**
 * A random spec: 3–7 nodes in distinct envelopes (the five core ones whenever there are at least
 * five nodes), 2–6 cycles per key, 1–3 races on one broken replica in random cycles, a spread per
 * raced key (to every other node for one, to some for another), a low count, maybe a restart.
 */
export function randomRealisticSpec(seed: number, opts: RandomRealisticOptions = {}): RealisticSpec {
  const rnd = prng(seed);
  const n = opts.nodes ?? int(rnd, 3, 7);
  if (!Number.isInteger(n) || n < 2) throw new Error('randomRealisticSpec: at least 2 nodes');
  const style = pick(rnd, NODE_NAMES);
  const names = Array.from({ length: n }, (_, i) => style(i, rnd));
  let envelopes: Envelope[];
  if (opts.envelopes && opts.envelopes.length > 0) envelopes = names.map((_, i) => opts.envelopes![i % opts.envelopes!.length]);
  else if (n >= 5) {
    const others = shuffle(rnd, ENVELOPES.filter((e) => !CORE_ENVELOPES.includes(e)));
    envelopes = shuffle(rnd, [...CORE_ENVELOPES, ...others.slice(0, n - CORE_ENVELOPES.length)]);
    while (envelopes.length < n) envelopes.push(pick(rnd, ENVELOPES));
  } else {
    envelopes = shuffle(rnd, [...ENVELOPES]).slice(0, n);
  }
  const nodes = names.map((name, i) => ({
    name,
    envelope: envelopes[i],
    skewMs: (rnd() < 0.5 ? -1 : 1) * int(rnd, 2, 50),
    dump: pick(rnd, ['ndjson', 'csv', 'json'] as DumpFormat[]),
  }));

  const shapes = shuffle(rnd, [...KEY_SHAPES]).slice(0, int(rnd, 3, KEY_SHAPES.length));
  const keyCount = opts.keys ?? int(rnd, 20, 60);
  const keys: RealisticKey[] = makeKeys(rnd, keyCount, shapes, new Set()).map((key) => ({ key, cycles: int(rnd, 2, 6) }));

  const vocabulary = pick(rnd, VOCABULARY_IDS);
  const opIds = { mode: pick(rnd, ['per-node', 'coordinator'] as OpIdMode[]), shape: pick(rnd, ['hex6', 'uuid', 'jobnum', 'req'] as OpIdShape[]) };

  const broken = pick(rnd, names);
  const others = names.filter((x) => x !== broken);
  const racedKeys = shuffle(rnd, [...keys]).slice(0, Math.min(keys.length, int(rnd, 1, 3)));
  const races: RealisticRace[] = racedKeys.map((k) => ({
    key: k.key, node: broken, cycle: int(rnd, 1, k.cycles), variant: pick(rnd, ['queued', 'started'] as RaceVariant[]),
  }));
  const first = rnd() < 0.5 ? 'trap' : 'partial';
  const kinds = [first, first === 'trap' ? 'partial' : 'trap', pick(rnd, ['trap', 'partial', 'none'])];
  const spreads: RealisticSpread[] = [];
  racedKeys.forEach((k, i) => {
    const kind = kinds[i];
    if (kind === 'trap') spreads.push({ key: k.key, from: broken, to: shuffle(rnd, [...others]) });
    else if (kind === 'partial' && others.length >= 2) spreads.push({ key: k.key, from: broken, to: shuffle(rnd, [...others]).slice(0, int(rnd, 1, others.length - 1)) });
  });

  const restarts = rnd() < 0.5 ? [{ node: rnd() < 0.5 ? broken : pick(rnd, others), at: 0.25 + rnd() * 0.5 }] : [];
  const initialEntities = int(rnd, 2000, 9000);
  const lowNode = rnd() < 0.7 ? broken : pick(rnd, others);
  const lowAt = restarts.some((r) => r.node === lowNode) && rnd() < 0.5 ? 'restart' : 'start';
  const lowCounts = [{ node: lowNode, at: lowAt as 'start' | 'restart', count: initialEntities - int(rnd, 5, 60) }];

  const start = new Date(Date.UTC(2026, int(rnd, 0, 11), int(rnd, 1, 28), int(rnd, 0, 23), int(rnd, 0, 59), int(rnd, 0, 59), int(rnd, 0, 999)));
  return {
    seed, nodes, keys, vocabulary, opIds, races, spreads, initialEntities, lowCounts, restarts,
    noise: { compaction: true, gc: true, gossip: true, counters: true, stackTraces: true, garbage: true },
    start: start.toISOString(),
  };
}

export interface StreamOptions {
  /** Add seeded filler keys until the logs total about this many bytes. */
  targetBytes?: number;
}

/** Generates the incident into sinks (one per relative path, opened in turn) and returns the oracle. */
export function streamRealistic(spec: RealisticSpec, open: (path: string) => RealisticSink, opts: StreamOptions = {}): RealisticExpected {
  const sized = opts.targetBytes !== undefined ? sizedSpec(spec, opts.targetBytes) : spec;
  const plan = buildPlan(sized);
  const records = plan.nodes.map((node) => writeNodeLog(plan, node.idx, open(node.source)));
  for (const node of plan.nodes) writeDump(plan, node.idx, open(node.dumpPath));
  return buildExpected(plan, records);
}

/** The files (relative paths → content) and the oracle, in memory: for small incidents. */
export function generateRealistic(spec: RealisticSpec): { files: Map<string, string | Buffer>; expected: RealisticExpected } {
  const sinks = new Map<string, MemorySink>();
  const expected = streamRealistic(spec, (path) => {
    const s = new MemorySink();
    sinks.set(path, s);
    return s;
  });
  const files = new Map<string, string | Buffer>();
  for (const [path, s] of sinks) files.set(path, path.startsWith('logs/') ? s.buffer() : s.buffer().toString('utf8'));
  return { files, expected };
}

/** Writes the incident under dir (logs/<node>/<file>, replicas/<node>.<ext>), streaming. */
export function writeRealistic(spec: RealisticSpec, dir: string, opts: StreamOptions = {}): RealisticExpected {
  return streamRealistic(spec, (path) => {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    return new FileSink(full);
  }, opts);
}

/**
 * Dates the log files a day after the incident's start: year-less envelopes (syslog, journald
 * short) take the file's modification year, so an incident written today for another year reads
 * in its own year.
 */
export function dateLogsAfter(spec: RealisticSpec, expected: RealisticExpected, dir: string): void {
  const end = new Date(new Date(spec.start).getTime() + 86_400_000);
  for (const s of Object.values(expected.sources)) utimesSync(join(dir, s), end, end);
}

// ----- sizing -----

const PROBE_KEYS = 400;
const PROBE_HOT_CYCLES = 200;

/** Seeded filler keys (all shapes, 2–6 cycles); the first ones never depend on how many are asked for. */
function fillerKeys(spec: RealisticSpec, count: number): RealisticKey[] {
  const rnd = rngFor(spec.seed, 90);
  const taken = new Set([...spec.keys, ...(spec.hotKeys ?? [])].map((k) => k.key));
  const out: RealisticKey[] = [];
  for (let i = 0; i < count; i++) {
    const [key] = makeKeys(rnd, 1, KEY_SHAPES, taken);
    out.push({ key, cycles: int(rnd, 2, 6) });
  }
  return out;
}

/** Cycles and idle slots of a spec's schedule (a hot key's cycles keep their distance, leaving idle slots). */
function shape(spec: RealisticSpec): { cycles: number; idle: number } {
  const plan = buildPlan(spec);
  let cycles = 0;
  for (const c of plan.cycles) cycles += c;
  return { cycles, idle: plan.slots - cycles };
}

/** Log bytes and schedule shape of a spec, written nowhere. */
function probe(spec: RealisticSpec): { bytes: number; cycles: number; idle: number } {
  const plan = buildPlan(spec);
  let cycles = 0;
  for (const c of plan.cycles) cycles += c;
  const bytes = plan.nodes.reduce((sum, node) => sum + writeNodeLog(plan, node.idx, new CountingSink()).bytes, 0);
  return { bytes, cycles, idle: plan.slots - cycles };
}

/** Solves a 3×3 linear system (Gaussian elimination with partial pivoting). */
function solve3(m: number[][], y: number[]): number[] {
  const a = m.map((row, i) => [...row, y[i]]);
  for (let c = 0; c < 3; c++) {
    let p = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < 3; r++) {
      if (r === c || a[c][c] === 0) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k < 4; k++) a[r][k] -= f * a[c][k];
    }
  }
  return a.map((row, i) => row[3] / row[i]);
}

/**
 * The spec with as many seeded filler keys as make the logs about targetBytes (what
 * writeRealistic uses). Bytes are modelled as K + a·cycles + b·idle slots, fitted on three
 * probes without the spec's hot keys (as is, with PROBE_KEYS fillers, with a synthetic hot key
 * that leaves mostly idle slots); then the filler count is searched on the real schedule.
 */
export function sizedSpec(spec: RealisticSpec, targetBytes: number): RealisticSpec {
  const hot = spec.hotKeys ?? [];
  const hotNames = new Set(hot.map((h) => h.key));
  const base: RealisticSpec = {
    ...spec,
    hotKeys: [],
    races: spec.races.filter((r) => !hotNames.has(r.key)),
    spreads: spec.spreads.filter((s) => !hotNames.has(s.key)),
  };
  const fillers = fillerKeys(spec, PROBE_KEYS + 1);
  const probeHot = fillers[PROBE_KEYS].key;
  const p = [
    probe(base),
    probe({ ...base, keys: [...spec.keys, ...fillers.slice(0, PROBE_KEYS)] }),
    probe({ ...base, hotKeys: [{ key: probeHot, cycles: PROBE_HOT_CYCLES }] }),
  ];
  const [k, a, b] = solve3(p.map((x) => [1, x.cycles, x.idle]), p.map((x) => x.bytes));
  const predict = (n: number) => {
    const s = shape({ ...spec, keys: [...spec.keys, ...fillerKeys(spec, n)] });
    return k + a * s.cycles + b * s.idle;
  };
  const meanCycles = fillers.slice(0, PROBE_KEYS).reduce((x, f) => x + f.cycles, 0) / PROBE_KEYS;
  // first guess ignoring idle slots; search only if the schedule has idle slots to fill
  const now = shape(spec);
  let n = Math.max(0, Math.round((targetBytes - k - a * now.cycles - b * now.idle) / (a * meanCycles)));
  if (n > 0 && now.idle > 0) {
    let lo = 0;
    let hi = Math.max(1, Math.ceil((targetBytes - k) / (Math.max(a - b, 1) * meanCycles)));
    while (predict(hi) < targetBytes && hi < 1e8) hi *= 2;
    while (hi - lo > Math.max(1, hi * 0.002)) {
      const mid = Math.floor((lo + hi) / 2);
      if (predict(mid) < targetBytes) lo = mid; else hi = mid;
    }
    n = hi;
  }
  return { ...spec, keys: [...spec.keys, ...fillerKeys(spec, n)] };
}
