/**
 * Writes one node's log, streaming: slot by slot it produces that node's cycle lines, noise and
 * scheduled extras (startup, restart, repair hops, peers going down and up) into a small time-ordered
 * heap and writes out every event older than the next slot's earliest possible line. It counts
 * physical lines as it writes and records the lines the oracle cites (tags) and the garbage lines.
 */
import { Clock } from './clock.js';
import { componentNames, type Comp } from './components.js';
import { cycleSteps, raceAt } from './cycle.js';
import { physicalLines, printedMs, render, type LineEvent, type RenderContext } from './envelopes.js';
import { EventHeap, type Timed } from './heap.js';
import { hex, int, mix, rngFor } from './hash.js';
import { opId } from './ids.js';
import * as noise from './noise.js';
import { badVersion, entities, version, type Plan } from './plan.js';
import type { RealisticSink } from './sink.js';
import type { Level, Step } from './types.js';
import { fill } from './vocabulary.js';

type GarbageKind = 'truncated' | 'binary' | 'empty';

interface Ev extends LineEvent, Timed {
  /** Oracle handle: the line is recorded under this name. */
  tag?: string;
  /** The process id from this line on (a (re)start). */
  pid?: number;
  garbage?: GarbageKind;
  /** truncated: the fraction of the line kept; binary: the bytes. */
  cut?: number;
  bin?: Buffer;
}

export interface NodeRecord {
  lines: number;
  bytes: number;
  /** tag → first physical line and the ms the line prints. */
  tags: Map<string, { line: number; ms: number }>;
  garbage: { line: number; kind: GarbageKind }[];
}

/** Oracle tag names. */
export const tags = {
  race: (race: number, step: Step) => `race${race}:${step}`,
  low: (low: number) => `low${low}`,
  hop: (spread: number, hop: number, side: 'sent' | 'received') => `hop${spread}:${hop}:${side}`,
};

const STEP_COMP: Record<string, Comp> = {
  'load.queued': 'loader', 'load.started': 'loader', 'load.completed': 'loader',
  'write.queued': 'writer', 'write.started': 'writer', 'write.completed': 'writer',
  publish: 'publisher', cache: 'cache', quota: 'quota',
};

const GARBAGE: GarbageKind[] = ['truncated', 'binary', 'empty'];
const RARE_GARBAGE = 1 / 40_000;

function ev(t: number, level: Level, comp: Comp, kind: string, text: string, w = 0): Ev {
  return { t, seq: 0, level, comp, kind, text, w };
}
const fromNoise = (t: number, n: noise.NoiseLine, w = 0): Ev => ({ ...ev(t, n.level, n.comp, n.kind, n.text, w), stack: n.stack });

/** Startup, restarts (own, and peers going down and up), repair hops: the node's scheduled lines, in time order. */
function scheduled(plan: Plan, n: number): Ev[] {
  const node = plan.nodes[n];
  const svc = plan.vocab.service;
  const rnd = rngFor(plan.seed, 40, n);
  const peers = plan.nodes.filter((x) => x.idx !== n).map((x) => x.name);
  const out: Ev[] = [];
  const lowAt = (at: 'start' | 'restart') => plan.lowCounts.find((l) => l.nodeIdx === n && l.at === at);

  const startup = (t0: number, pid: number, at: 'start' | 'restart') => {
    let t = t0;
    out.push({ ...ev(t, 'INFO', 'server', 'starting', `Starting ${svc.daemon} ${svc.version} (pid ${pid})`), pid });
    t += int(rnd, 5_000, 40_000);
    out.push(ev(t, 'INFO', 'server', 'config', `Loaded configuration from /etc/${svc.daemon}/${svc.daemon}.yaml`));
    t += int(rnd, 50_000, 300_000);
    const low = lowAt(at);
    const init = ev(t, 'INFO', 'loader', 'initialized', fill(plan.vocab, 'initialized', { n: low?.count ?? plan.spec.initialEntities }));
    if (low) init.tag = tags.low(low.idx);
    out.push(init);
    if (plan.noise.gossip) {
      for (const p of peers) { t += int(rnd, 2_000, 50_000); out.push(fromNoise(t, noise.peerUp(p))); }
      for (const p of peers) { t += int(rnd, 2_000, 50_000); out.push(fromNoise(t, noise.handshake(rnd, p))); }
    }
    t += int(rnd, 10_000, 100_000);
    out.push(ev(t, 'INFO', 'server', 'listening', 'Listening for client connections on 0.0.0.0:9042'));
  };

  let pid = node.pid;
  startup(plan.t0Us + node.skewUs + int(rnd, 0, 30_000), pid, 'start');
  for (const p of plan.pauses) {
    const base = p.startUs + node.skewUs;
    if (p.nodes.includes(n)) {
      let t = base + 800_000 + int(rnd, 0, 200_000);
      out.push(ev(t, 'INFO', 'server', 'sigterm', `Received SIGTERM, draining ${int(rnd, 0, 40)} pending operations`));
      t += int(rnd, 100_000, 400_000);
      out.push(ev(t, 'INFO', 'server', 'shutdown', 'Shutdown complete'));
      pid += 1 + (mix(plan.seed, 41, n, p.slot) % 900);
      startup(base + 2_500_000 + int(rnd, 0, 100_000), pid, 'restart');
    }
    if (plan.noise.gossip) {
      for (const m of p.nodes) {
        if (m === n) continue;
        const name = plan.nodes[m].name;
        out.push(fromNoise(base + 1_500_000 + int(rnd, 0, 300_000), noise.peerDown(name)));
        const up = base + 4_500_000 + int(rnd, 0, 300_000);
        out.push(fromNoise(up, noise.peerUp(name)));
        out.push(fromNoise(up + int(rnd, 2_000, 30_000), noise.handshake(rnd, name)));
      }
    }
  }
  for (const s of plan.spreads) {
    const v = badVersion(plan, s.keyIdx);
    s.hops.forEach((h, j) => {
      if (s.from === n) {
        const e = ev(h.sentUs + node.skewUs, 'INFO', 'repair', 'repair.sent',
          fill(plan.vocab, 'repair.sent', { s: s.session, k: s.key, v, peer: plan.nodes[h.to].name }));
        e.tag = tags.hop(s.idx, j, 'sent');
        out.push(e);
      }
      if (h.to === n) {
        const e = ev(h.recvUs + node.skewUs, 'INFO', 'repair', 'repair.received',
          fill(plan.vocab, 'repair.received', { s: s.session, k: s.key, v, peer: plan.nodes[s.from].name }));
        e.tag = tags.hop(s.idx, j, 'received');
        out.push(e);
      }
    });
  }
  return out.map((e, i) => [e, i] as const).sort((a, b) => a[0].t - b[0].t || a[1] - b[1]).map(([e]) => e);
}

/** The lines of one cycle on this node. */
function cycleEvents(plan: Plan, n: number, slot: number, push: (e: Ev) => void): void {
  const k = plan.slotKey[slot];
  if (k < 0) return; // idle slot
  const c = plan.slotCycle[slot];
  const key = plan.keys[k];
  const raced = raceAt(plan, n, slot) !== null;
  const race = raced ? plan.raceBySlot.get(slot)! : null;
  const loadId = opId(plan.opIds, n, slot, 0);
  const writeId = opId(plan.opIds, n, slot, 1);
  const loaded = entities(plan, k, c);
  // a raced write reads the previous cycle's state
  const written = raced ? entities(plan, k, c - 1) : loaded;
  const v = raced ? badVersion(plan, k) : version(plan, k, c);
  for (const s of cycleSteps(plan, n, slot)) {
    let text: string;
    switch (s.step) {
      case 'load.queued':
      case 'load.started':
      case 'load.completed':
        text = fill(plan.vocab, s.step, { k: key, id: loadId, n: loaded });
        break;
      case 'write.queued':
      case 'write.started':
      case 'write.completed':
        text = fill(plan.vocab, s.step, { k: key, id: writeId, n: written, v });
        break;
      case 'publish':
        text = fill(plan.vocab, s.step, { k: key, v });
        break;
      default:
        text = fill(plan.vocab, s.step, { k: key });
    }
    const e = ev(s.t, 'INFO', STEP_COMP[s.step], s.step, text, s.w);
    if (race) e.tag = tags.race(race.idx, s.step);
    push(e);
  }
}

/** The noise of one slot on this node. */
function noiseEvents(plan: Plan, n: number, slot: number, forced: Record<string, number>, push: (e: Ev) => void): void {
  const cfg = plan.noise;
  const node = plan.nodes[n];
  const rnd = rngFor(plan.seed, 30, n, slot);
  const f = node.noise;
  const base = plan.slotT[slot] + node.skewUs;
  const when = () => base + Math.floor(rnd() * plan.gapUs);
  const peer = () => {
    const j = Math.floor(rnd() * (plan.nodes.length - 1));
    return plan.nodes[j >= n ? j + 1 : j].name;
  };
  const svc = plan.vocab.service;
  if (cfg.compaction && (rnd() < 0.12 * f || slot === forced.compaction)) push(fromNoise(when(), noise.compaction(rnd, svc), int(rnd, 0, 3)));
  if (cfg.gc && rnd() < 0.2 * f) push(fromNoise(when(), noise.gcPause(rnd)));
  if (cfg.gossip && rnd() < 0.15 * f) push(fromNoise(when(), noise.gossip(rnd, peer())));
  if (cfg.counters && rnd() < 0.35 * f) push(fromNoise(when(), noise.counter(rnd)));
  if (cfg.stackTraces) {
    if (rnd() < 0.02 * f) push(fromNoise(when(), noise.warning(rnd, peer()), int(rnd, 0, 7)));
    if (rnd() < 0.004 * f || slot === forced.failure) push(fromNoise(when(), noise.failure(rnd, peer(), svc), int(rnd, 0, 7)));
  }
  if (cfg.garbage) {
    for (const kind of GARBAGE) {
      if (!(rnd() < RARE_GARBAGE || slot === forced[kind])) continue;
      const e: Ev = { ...fromNoise(when(), noise.counter(rnd)), garbage: kind };
      if (kind === 'truncated') e.cut = 0.3 + rnd() * 0.55;
      if (kind === 'binary') e.bin = noise.binaryGarbage(rnd);
      push(e);
    }
  }
}

export function writeNodeLog(plan: Plan, n: number, sink: RealisticSink): NodeRecord {
  const node = plan.nodes[n];
  const r = rngFor(plan.seed, 42, n);
  const ctx: RenderContext = {
    node: node.name,
    service: plan.vocab.service,
    names: componentNames(plan.vocab.service),
    pid: node.pid,
    clock: new Clock(),
    bootId: hex(r, 32),
    machineId: hex(r, 32),
    bootUs: plan.t0Us - int(r, 3_600, 40 * 86_400) * 1_000_000 - int(r, 0, 999_999),
    seqnumId: hex(r, 32),
    entry: int(r, 1_000, 900_000),
  };
  const S = plan.slots;
  const at = (x: number) => Math.min(S - 1, Math.floor(S * x));
  const forced: Record<string, number> = {
    compaction: mix(plan.seed, 43, n, 0) % S,
    failure: mix(plan.seed, 43, n, 1) % S,
    truncated: at(0.2 + 0.6 * (mix(plan.seed, 43, n, 2) / 4294967296)),
    binary: at(0.2 + 0.6 * (mix(plan.seed, 43, n, 3) / 4294967296)),
    empty: at(0.2 + 0.6 * (mix(plan.seed, 43, n, 4) / 4294967296)),
  };
  const rec: NodeRecord = { lines: 0, bytes: 0, tags: new Map(), garbage: [] };

  const write = (e: Ev) => {
    if (e.pid !== undefined) ctx.pid = e.pid;
    if (e.garbage) {
      if (e.garbage === 'empty') sink.text('\n');
      else if (e.garbage === 'binary') { sink.bytes(e.bin!); sink.text('\n'); }
      else {
        const whole = render(node.envelope, ctx, e);
        sink.text(`${whole.slice(0, Math.max(8, Math.floor((whole.length - 1) * e.cut!)))}\n`);
      }
      rec.lines++;
      rec.garbage.push({ line: rec.lines, kind: e.garbage });
      return;
    }
    sink.text(render(node.envelope, ctx, e));
    if (e.tag !== undefined) rec.tags.set(e.tag, { line: rec.lines + 1, ms: printedMs(node.envelope, e.t) });
    rec.lines += physicalLines(node.envelope, e);
  };

  const heap = new EventHeap<Ev>();
  const push = (e: Ev) => heap.push(e);
  const extras = scheduled(plan, n);
  let xi = 0;
  for (let slot = 0; slot < S; slot++) {
    // nothing produced from here on can be earlier than this
    const horizon = plan.slotT[slot] + node.skewUs;
    while (xi < extras.length && extras[xi].t < horizon) heap.push(extras[xi++]);
    while (heap.size > 0 && heap.peek()!.t < horizon) write(heap.pop()!);
    cycleEvents(plan, n, slot, push);
    noiseEvents(plan, n, slot, forced, push);
  }
  while (xi < extras.length) heap.push(extras[xi++]);
  while (heap.size > 0) write(heap.pop()!);
  sink.close();
  rec.bytes = sink.written;
  return rec;
}
