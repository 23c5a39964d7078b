/**
 * The plan of a run, derived from the spec once and shared by every file's writer:
 * - the global schedule: every (key, cycle) gets a slot; slots start every `slotMs` (with jitter),
 *   cycles of different keys interleave, a key's cycles keep their order, hot keys spread over the
 *   whole run; every node runs every slot, at its own small offset;
 * - restarts: the coordinator pauses scheduling for PAUSE_MS while a node restarts (no cycle is
 *   lost, no cycle runs in the window);
 * - repairs: each spread is one anti-entropy session, a few seconds after the key's last cycle,
 *   kept out of restart windows; its hops go one after another;
 * - where each node's files go.
 * Everything else (step times, ids, noise) is recomputed on demand from seeded coordinates.
 */
import { logFileName } from './envelopes.js';
import { int, mix, rngFor } from './hash.js';
import { sessionId, type OpIdContext } from './ids.js';
import { ENVELOPES, type DumpFormat, type Envelope, type RaceVariant, type RealisticNoise, type RealisticSpec } from './types.js';
import { VOCABULARIES, type Vocabulary } from './vocabulary.js';

export const STARTUP_US = 2_000_000;
export const PAUSE_US = 6_000_000;
/** A key's next cycle starts at least this long after its previous one (a cycle takes < 250 ms). */
export const MIN_CYCLE_GAP_US = 400_000;

export interface PlanNode {
  idx: number;
  name: string;
  envelope: Envelope;
  skewUs: number;
  dump: DumpFormat;
  /** `logs/<node>/<file>` */
  source: string;
  /** `replicas/<node>.<ext>` */
  dumpPath: string;
  pid: number;
  /** How chatty this node's noise is (0.6–1.6). */
  noise: number;
}

export interface PlanRace {
  idx: number;
  keyIdx: number;
  key: string;
  nodeIdx: number;
  cycle: number;
  variant: RaceVariant;
  slot: number;
}

export interface PlanHop {
  to: number;
  /** True time (µs) the sender sends and the receiver applies. */
  sentUs: number;
  recvUs: number;
}

export interface PlanSpread {
  idx: number;
  keyIdx: number;
  key: string;
  from: number;
  to: number[];
  session: string;
  hops: PlanHop[];
}

export interface PlanPause {
  /** The pause comes before this slot. */
  slot: number;
  startUs: number;
  endUs: number;
  /** Nodes restarting in it. */
  nodes: number[];
}

export interface PlanLowCount {
  idx: number;
  nodeIdx: number;
  at: 'start' | 'restart';
  count: number;
}

export interface Plan {
  spec: RealisticSpec;
  seed: number;
  vocab: Vocabulary;
  opIds: OpIdContext;
  noise: RealisticNoise;
  nodes: PlanNode[];
  /** Keys (spec keys, then hot keys) and their cycle counts. */
  keys: string[];
  cycles: Int32Array;
  hotKeys: number;
  slots: number;
  /** The key of each slot, or -1 for an idle slot. */
  slotKey: Int32Array;
  slotCycle: Int32Array;
  /** True start time of each slot, µs. */
  slotT: Float64Array;
  gapUs: number;
  t0Us: number;
  lastSlot: Int32Array;
  races: PlanRace[];
  raceBySlot: Map<number, PlanRace>;
  raceByKey: Map<number, PlanRace>;
  spreads: PlanSpread[];
  spreadByKey: Map<number, PlanSpread>;
  pauses: PlanPause[];
  lowCounts: PlanLowCount[];
}

const DUMP_EXT: Record<DumpFormat, string> = { ndjson: 'ndjson', csv: 'csv', json: 'json' };

function fail(msg: string): never {
  throw new Error(`realistic spec: ${msg}`);
}

export function validate(spec: RealisticSpec): void {
  if (spec.nodes.length < 2) fail('at least 2 nodes');
  const names = new Set<string>();
  for (const n of spec.nodes) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(n.name)) fail(`node name ${JSON.stringify(n.name)} (letters, digits, . _ -)`);
    if (names.has(n.name)) fail(`node ${n.name} twice`);
    names.add(n.name);
    if (!Number.isFinite(n.skewMs)) fail(`node ${n.name}: skewMs`);
    if (!ENVELOPES.includes(n.envelope)) fail(`node ${n.name}: envelope ${n.envelope}`);
    if (!(n.dump in DUMP_EXT)) fail(`node ${n.name}: dump ${n.dump}`);
  }
  if (!['per-node', 'coordinator'].includes(spec.opIds.mode)) fail(`opIds.mode ${spec.opIds.mode}`);
  if (!['hex6', 'uuid', 'jobnum', 'req'].includes(spec.opIds.shape)) fail(`opIds.shape ${spec.opIds.shape}`);
  const keys = new Map<string, number>();
  for (const k of [...spec.keys, ...(spec.hotKeys ?? [])]) {
    if (!/^[^\s"',\\]+$/.test(k.key)) fail(`key ${JSON.stringify(k.key)}: no blanks, quotes, commas or backslashes`);
    if (keys.has(k.key)) fail(`key ${k.key} twice`);
    if (!Number.isInteger(k.cycles) || k.cycles < 1) fail(`key ${k.key}: cycles must be a positive integer`);
    keys.set(k.key, k.cycles);
  }
  if (keys.size === 0) fail('no keys');
  const raced = new Map<string, string>();
  for (const r of spec.races) {
    const cycles = keys.get(r.key);
    if (cycles === undefined) fail(`race on unknown key ${r.key}`);
    if (!names.has(r.node)) fail(`race on unknown node ${r.node}`);
    if (!Number.isInteger(r.cycle) || r.cycle < 1 || r.cycle > cycles) fail(`race ${r.key}: cycle ${r.cycle} not in 1..${cycles}`);
    if (r.variant !== 'queued' && r.variant !== 'started') fail(`race ${r.key}: variant ${r.variant}`);
    if (raced.has(r.key)) fail(`two races on key ${r.key}`);
    raced.set(r.key, r.node);
  }
  const spread = new Set<string>();
  for (const s of spec.spreads) {
    if (raced.get(s.key) !== s.from) fail(`spread of ${s.key} must start at the node that raced on it`);
    if (spread.has(s.key)) fail(`two spreads of ${s.key}`);
    spread.add(s.key);
    const to = new Set(s.to);
    if (to.size !== s.to.length || to.has(s.from) || s.to.some((t) => !names.has(t))) fail(`spread of ${s.key}: targets must be distinct other nodes`);
  }
  const restarted = new Set<string>();
  for (const r of spec.restarts) {
    if (!names.has(r.node)) fail(`restart of unknown node ${r.node}`);
    if (restarted.has(r.node)) fail(`node ${r.node} restarts twice`);
    if (!(r.at >= 0 && r.at <= 1)) fail(`restart of ${r.node}: at must be in 0..1`);
    restarted.add(r.node);
  }
  const lows = new Set<string>();
  for (const l of spec.lowCounts) {
    if (!names.has(l.node)) fail(`low count on unknown node ${l.node}`);
    if (lows.has(`${l.node}/${l.at}`)) fail(`two low counts of ${l.node} at ${l.at}`);
    lows.add(`${l.node}/${l.at}`);
    if (l.at === 'restart' && !restarted.has(l.node)) fail(`low count at restart of ${l.node}, which does not restart`);
    if (!(l.count < spec.initialEntities) || !Number.isInteger(l.count) || l.count < 0) fail(`low count of ${l.node} must be an integer below initialEntities`);
  }
  if (!Number.isInteger(spec.initialEntities) || spec.initialEntities < 1) fail('initialEntities');
  if (Number.isNaN(Date.parse(spec.start))) fail(`start ${spec.start}`);
  if (spec.slotMs !== undefined && !(spec.slotMs >= 1)) fail('slotMs must be at least 1');
  if (!(spec.vocabulary in VOCABULARIES)) fail(`vocabulary ${spec.vocabulary}`);
}

export function buildPlan(spec: RealisticSpec): Plan {
  validate(spec);
  const seed = spec.seed;
  const vocab = VOCABULARIES[spec.vocabulary];
  const all = [...spec.keys, ...(spec.hotKeys ?? [])];
  const keys = all.map((k) => k.key);
  const keyIdx = new Map(keys.map((k, i) => [k, i]));
  const cycles = Int32Array.from(all.map((k) => k.cycles));
  const hotFrom = spec.keys.length;

  const nodes: PlanNode[] = spec.nodes.map((n, idx) => {
    const r = rngFor(seed, 1, idx);
    return {
      idx, name: n.name, envelope: n.envelope, skewUs: Math.round(n.skewMs * 1000), dump: n.dump,
      source: `logs/${n.name}/${logFileName(n.envelope, vocab.service)}`,
      dumpPath: `replicas/${n.name}.${DUMP_EXT[n.dump]}`,
      pid: int(r, 300, 32000),
      noise: 0.6 + r(),
    };
  });
  const nodeIdx = new Map(nodes.map((n) => [n.name, n.idx]));

  // --- the schedule: rank every (key, cycle) by a desired position in the run
  let total = 0;
  for (const c of cycles) total += c;
  const pairKey = new Int32Array(total);
  const pairCycle = new Int32Array(total);
  const desired = new Float64Array(total);
  let p = 0;
  for (let k = 0; k < keys.length; k++) {
    const r = rngFor(seed, 2, k);
    const n = cycles[k];
    if (k >= hotFrom) {
      // hot: evenly over the whole run
      for (let c = 1; c <= n; c++, p++) {
        pairKey[p] = k; pairCycle[p] = c; desired[p] = (c - 0.85 + 0.7 * r()) / n;
      }
    } else {
      const start = r() * 0.85;
      const period = 0.02 + r() * 0.05;
      for (let c = 1; c <= n; c++, p++) {
        pairKey[p] = k; pairCycle[p] = c; desired[p] = start + (c - 1) * period + r() * period * 0.5;
      }
    }
  }
  // greedy: each slot takes the lowest-desired cycle whose key's previous cycle is far enough
  // behind (a key's cycles never overlap on a node); a slot with nothing ready stays idle
  const gapUs = Math.round((spec.slotMs ?? 30) * 1000);
  const minSep = Math.max(1, Math.ceil(MIN_CYCLE_GAP_US / gapUs));
  const ready = new PairHeap(desired);
  for (let k = 0, q = 0; k < keys.length; q += cycles[k], k++) ready.push(q);
  const waiting = new Map<number, number[]>();
  const slotKeyA: number[] = [];
  const slotCycleA: number[] = [];
  for (let i = 0, assigned = 0; assigned < total; i++) {
    const w = waiting.get(i);
    if (w) { for (const q of w) ready.push(q); waiting.delete(i); }
    const q = ready.pop();
    if (q === undefined) { slotKeyA.push(-1); slotCycleA.push(0); continue; }
    slotKeyA.push(pairKey[q]);
    slotCycleA.push(pairCycle[q]);
    assigned++;
    if (pairCycle[q] < cycles[pairKey[q]]) waiting.set(i + minSep, [...(waiting.get(i + minSep) ?? []), q + 1]);
  }
  const slots = slotKeyA.length;
  const slotKey = Int32Array.from(slotKeyA);
  const slotCycle = Int32Array.from(slotCycleA);

  // --- restarts: a pause before a slot, one per distinct slot
  const pauseAt = new Map<number, number[]>();
  for (const r of spec.restarts) {
    const slot = Math.min(slots, Math.max(1, Math.floor(r.at * slots)));
    pauseAt.set(slot, [...(pauseAt.get(slot) ?? []), nodeIdx.get(r.node)!]);
  }
  const pauseSlots = [...pauseAt.keys()].sort((a, b) => a - b);

  const t0Us = Date.parse(spec.start) * 1000;
  const first = t0Us + STARTUP_US;
  const slotT = new Float64Array(slots);
  let shift = 0;
  let pi = 0;
  for (let i = 0; i < slots; i++) {
    while (pi < pauseSlots.length && pauseSlots[pi] <= i) { shift += PAUSE_US; pi++; }
    slotT[i] = first + i * gapUs + Math.floor(rngFor(seed, 3, i)() * 0.8 * gapUs) + shift;
  }
  const pauses: PlanPause[] = pauseSlots.map((slot, i) => {
    const startUs = first + slot * gapUs + i * PAUSE_US;
    return { slot, startUs, endUs: startUs + PAUSE_US, nodes: pauseAt.get(slot)!.sort((a, b) => a - b) };
  });

  const lastSlot = new Int32Array(keys.length).fill(-1);
  for (let i = 0; i < slots; i++) if (slotKey[i] >= 0) lastSlot[slotKey[i]] = i;

  const races: PlanRace[] = spec.races.map((r, idx) => ({
    idx, keyIdx: keyIdx.get(r.key)!, key: r.key, nodeIdx: nodeIdx.get(r.node)!, cycle: r.cycle, variant: r.variant, slot: -1,
  }));
  const raceByKey = new Map(races.map((r) => [r.keyIdx, r]));
  for (let i = 0; i < slots; i++) {
    const r = raceByKey.get(slotKey[i]);
    if (r && r.cycle === slotCycle[i]) r.slot = i;
  }
  const raceBySlot = new Map(races.map((r) => [r.slot, r]));

  // --- repairs, after the key's last cycle everywhere, out of restart windows
  const spreads: PlanSpread[] = spec.spreads.map((s, idx) => {
    const k = keyIdx.get(s.key)!;
    const r = rngFor(seed, 4, idx);
    let at = slotT[lastSlot[k]] + 2_500_000 + Math.floor(r() * 1_000_000);
    const steps = s.to.map(() => [int(r, 20_000, 250_000), int(r, 1_000, 12_000)] as const);
    const span = steps.reduce((a, [d, e]) => a + d, 0) + 12_000;
    for (let moved = true; moved;) {
      moved = false;
      for (const pz of pauses) {
        if (at < pz.endUs + 1_000_000 && at + span > pz.startUs - 1_000_000) {
          at = pz.endUs + 1_500_000;
          moved = true;
        }
      }
    }
    let t = at;
    const hops = s.to.map((to, j) => {
      t += steps[j][0];
      return { to: nodeIdx.get(to)!, sentUs: t, recvUs: t + steps[j][1] };
    });
    return { idx, keyIdx: k, key: s.key, from: nodeIdx.get(s.from)!, to: s.to.map((x) => nodeIdx.get(x)!), session: sessionId(seed, idx), hops };
  });
  const spreadByKey = new Map(spreads.map((s) => [s.keyIdx, s]));

  return {
    spec, seed, vocab,
    opIds: { seed, mode: spec.opIds.mode, shape: spec.opIds.shape, nodes: nodes.length },
    noise: spec.noise,
    nodes, keys, cycles, hotKeys: keys.length - hotFrom,
    slots, slotKey, slotCycle, slotT, gapUs, t0Us, lastSlot,
    races, raceBySlot, raceByKey, spreads, spreadByKey, pauses,
    lowCounts: spec.lowCounts.map((l, idx) => ({ idx, nodeIdx: nodeIdx.get(l.node)!, at: l.at, count: l.count })),
  };
}

/** Entities a key has in a cycle's metadata (cycle 0: what the node started with); strictly growing. */
export const entities = (plan: Plan, k: number, cycle: number): number =>
  120 + (mix(plan.seed, 5, k) % 400) + cycle * 5 + (mix(plan.seed, 6, k, cycle) % 5);

/** The version a healthy write of this cycle gets. */
export const version = (plan: Plan, k: number, cycle: number): number => 1 + (mix(plan.seed, 7, k) % 20) + cycle;

/** The bad version a raced write gets: above every healthy version of the key, so it sticks. */
export const badVersion = (plan: Plan, k: number): number => version(plan, k, plan.cycles[k]) + 1 + (mix(plan.seed, 8, k) % 3);

/** The derived value a node stores for a key computed from this many entities. */
export function valueOf(key: string, count: number): string {
  let h = 2166136261;
  const s = `${key}/${count}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return `entities=${count};digest=${(h >>> 0).toString(16).padStart(8, '0')}`;
}

/** A min-heap of (key, cycle) pair indices by desired position, then index. */
class PairHeap {
  private a: number[] = [];
  constructor(private desired: Float64Array) {}
  private less(x: number, y: number): boolean {
    const d = this.desired;
    return d[x] < d[y] || (d[x] === d[y] && x < y);
  }
  push(q: number): void {
    const a = this.a;
    let i = a.push(q) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): number | undefined {
    const a = this.a;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        let m = i;
        if (l < a.length && this.less(a[l], a[m])) m = l;
        if (l + 1 < a.length && this.less(a[l + 1], a[m])) m = l + 1;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}
