/**
 * The rows a finding's timeline table and diagram show: the `timeline` analysis' rows
 * when there are some, else the broken node's events of the key, else what the finding
 * itself says (its pending steps, the break, when the pending steps resolved).
 */
import type { TimelineDoc, TimelineEvent } from '../analyses/shapes.js';
import type { FindingView } from './model.js';

export type { TimelineEvent };
export type TimelineRow = TimelineDoc['rows'][number];

export function timelineRows(view: FindingView): TimelineRow[] {
  if (view.timeline && view.timeline.rows.length > 0) return view.timeline.rows;
  const f = view.finding;
  const own = view.keyEvents.filter((e) => e.node === f.node);
  if (own.length > 0) {
    return own.map((e) => ({ op: e.op, phase: e.phase, node_event: e, vs_event: null, delta_ms: null }));
  }
  const ev = (x: { op: string | null; phase: string | null; ts: string | null; source: string; line: number }): TimelineEvent => ({
    node: f.node, ts: x.ts, op: x.op, phase: x.phase, seq: null, message: null, source: x.source, line: x.line,
  });
  const rows: TimelineRow[] = [];
  for (const p of f.pending) rows.push({ op: p.op, phase: p.phase, node_event: ev(p), vs_event: null, delta_ms: null });
  rows.push({ op: f.first_break.op, phase: f.first_break.phase, node_event: ev(f.first_break), vs_event: null, delta_ms: null });
  return rows;
}

/** The event on `node` that resolved a pending step at `ts` (same op, logged at that time), when the events show it. */
export function resolvingEvent(events: readonly TimelineEvent[], node: string, op: string | null, ts: string | null): TimelineEvent | null {
  if (!ts) return null;
  const at = Date.parse(ts);
  return events.find((e) => e.node === node && e.op === op && e.ts !== null && Date.parse(e.ts) === at) ?? null;
}
