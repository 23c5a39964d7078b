/**
 * How the reports write numbers, steps, times, durations and evidence, the same way in
 * Markdown and HTML: `14,997 of 15,000`, `LoadMetadata completed`, `14:30:01.200`,
 * `1.8 s`, `node-b/app.log:4812`.
 */
import type { Invariant } from '../analyses/shapes.js';

export interface Step {
  op: string | null;
  phase: string | null;
}

const NUMBER = new Intl.NumberFormat('en-US');

/** `14997` → `14,997`. */
export function num(n: number): string {
  return NUMBER.format(n);
}

/**
 * `LoadMetadata completed`; a missing op or phase is left out. A step that is a message template
 * of its own (inferred from free text) reads as the template, its phase after it in brackets.
 */
export function stepText(s: Step): string {
  if (s.op !== null && s.op.includes('<*>')) return s.phase ? `${s.op} (${s.phase})` : s.op;
  return [s.op, s.phase].filter((x) => x !== null && x !== '').join(' ') || '(unnamed step)';
}

/** How many of the invariant's instances kept it. */
export function held(inv: Invariant): number {
  return Math.round(inv.support * inv.confidence);
}

/** `The rule “LoadMetadata completed before WriteDerived started” held on 14,997 of 15,000 instances`. */
export function invariantText(inv: Invariant): string {
  return `The rule “${stepText(inv.before)} before ${stepText(inv.after)}” held on ${num(held(inv))} of ${num(inv.support)} instances`;
}

/**
 * Where an anomaly was judged: `seq 41`, the k-th time each node logged the message (`2nd`), or
 * the k-th time for its key (`tenant-190, 3rd`).
 */
export function alignmentText(a: { phase_index: number; aligned_by?: string; seq?: number | null; key?: string | null }): string {
  if (a.aligned_by === 'seq' && a.seq !== null && a.seq !== undefined) return `seq ${num(a.seq)}`;
  if (a.aligned_by === 'key_occurrence' && a.key) return `${a.key}, ${ordinal(a.phase_index)}`;
  if (a.aligned_by === 'as_of') return `${a.key ? `${a.key}, ` : ''}${ordinal(a.phase_index)}, as of its time`;
  return ordinal(a.phase_index);
}

/** What an anomaly fell below: `4,815 (4 of 4 others)`, else the peers' median. */
export function consensusText(a: { consensus?: { count: number; nodes: number; of: number }; peer_median: number }): string {
  return a.consensus ? `${num(a.consensus.count)} (${a.consensus.nodes} of ${a.consensus.of} others)` : `median ${num(a.peer_median)}`;
}

/** Why a message was judged at all: its nodes agree in most of its phases. */
export function agreementText(a: { template_agreement?: { share: number; phases: number } }): string {
  const t = a.template_agreement;
  if (!t) return '';
  return `its nodes agree in ${Math.round(t.share * 100)}% of its ${num(t.phases)} phase${t.phases === 1 ? '' : 's'}`;
}

/**
 * The path of a version's hops: a chain where each hop leaves the node the last one reached
 * (`node-b → node-c → node-d`), else each hop on its own (`r3 → r1, r3 → r2`).
 */
export function hopPath(hops: readonly { from: string; to: string }[]): string {
  if (hops.length === 0) return '';
  const chained = hops.every((h, i) => i === 0 || h.from === hops[i - 1].to);
  return chained ? [hops[0].from, ...hops.map((h) => h.to)].join(' → ') : hops.map((h) => `${h.from} → ${h.to}`).join(', ');
}

/** `a`, `a and b`, `a, b and c`. */
export function listText(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** `1st`, `2nd`, `23rd`. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${num(n)}${suffix}`;
}

/** `99.98%`: two decimals, never rounded up to 100% unless it is. */
export function percent(share: number): string {
  if (share >= 1) return '100%';
  const p = Math.floor(share * 10000) / 100;
  return `${p.toFixed(2)}%`;
}

/** `file:line`, the evidence of a claim. */
export function cite(e: { source: string; line: number }): string {
  return `${e.source}:${e.line}`;
}

/** Milliseconds between two ISO times (b − a), or null when either is unknown or unreadable. */
export function msBetween(a: string | null | undefined, b: string | null | undefined): number | null {
  if (!a || !b) return null;
  const x = Date.parse(a);
  const y = Date.parse(b);
  return Number.isNaN(x) || Number.isNaN(y) ? null : y - x;
}

/** `250 ms`, `1.8 s`, `2 min 5 s`, `3 h 20 min`; negative durations get a minus sign. */
export function duration(ms: number): string {
  const sign = ms < 0 ? '−' : '';
  const a = Math.abs(ms);
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 60_000) return `${sign}${(Math.round(a / 100) / 10).toFixed(1)} s`;
  if (a < 3_600_000) {
    const m = Math.floor(a / 60_000);
    const s = Math.round((a - m * 60_000) / 1000);
    return `${sign}${m} min${s ? ` ${s} s` : ''}`;
  }
  const h = Math.floor(a / 3_600_000);
  const m = Math.round((a - h * 3_600_000) / 60_000);
  return `${sign}${h} h${m ? ` ${m} min` : ''}`;
}

/** `+1.8 s` / `−250 ms`: a signed difference. */
export function delta(ms: number): string {
  return ms >= 0 ? `+${duration(ms)}` : duration(ms);
}

/**
 * Writes times as `14:30:01.200` when every time of the report falls on one UTC day (named
 * once, in `note`), else as `2026-11-27 14:30:01.200`. Milliseconds are kept; finer digits dropped.
 */
export class TimeFormat {
  readonly day: string | null;

  constructor(times: Iterable<string | null | undefined>) {
    const days = new Set<string>();
    for (const t of times) {
      const d = t ? isoParts(t) : null;
      if (d) days.add(d.day);
    }
    this.day = days.size === 1 ? [...days][0] : null;
  }

  time(t: string | null | undefined): string {
    if (!t) return '—';
    const p = isoParts(t);
    if (!p) return t;
    return this.day === p.day ? p.clock : `${p.day} ${p.clock}`;
  }

  /** The sentence that says which day and zone the times are in. */
  get note(): string {
    return this.day ? `All times are UTC, on ${this.day}.` : 'All times are UTC.';
  }
}

const ISO = /^(\d{4,}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d+))?(Z|[+-]00:?00)?$/;

function isoParts(t: string): { day: string; clock: string } | null {
  const m = ISO.exec(t);
  if (!m) {
    const d = new Date(t);
    if (Number.isNaN(d.getTime())) return null;
    const s = d.toISOString();
    return { day: s.slice(0, 10), clock: s.slice(11, 23) };
  }
  const frac = (m[3] ?? '').padEnd(3, '0').slice(0, 3);
  return { day: m[1], clock: `${m[2]}.${frac}` };
}
