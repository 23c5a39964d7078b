/**
 * The picture of one finding in report.html: an SVG where each node is a swimlane on a
 * shared time axis, each event of the key a mark, the first break and the pending step
 * highlighted, and propagation hops drawn as arrows between lanes. Every mark carries its
 * evidence line (`data-evidence`, and a `<title>` for readers without scripts).
 *
 * It opens zoomed on the window that matters (the pending step, the break and the resolution,
 * with a margin); every time-placed element carries its time (`data-t`, a span also `data-t2`,
 * ms since the epoch) and the svg its whole range (`data-t0`/`data-t1`) and the opening view
 * (`data-v0`/`data-v1`), so the page's script (html.ts) can zoom (wheel, buttons) and pan (drag)
 * down to single events and out to the whole incident, and reset. Marks of one lane closer than
 * a few pixels are stacked off the lane's axis, so each stays clickable; what lies outside the
 * view is counted at its edges, hops included.
 */
import type { TimelineEvent } from '../analyses/shapes.js';
import { esc } from './htmlText.js';
import type { FindingView } from './model.js';
import { cite, duration, msBetween, stepText, type TimeFormat } from './text.js';
import { resolvingEvent } from './timelineRows.js';

const WIDTH = 1000;
const LABEL = 130;
const RIGHT = 24;
const TOP = 44;
const LANE = 58;
const BOTTOM = 16;

/** Marks of one lane closer than this (px) are stacked. */
export const STACK_PX = 9;
/** Vertical offsets of stacked marks, in turn. */
export const STACK_DY = [0, 11, -11, 22, -22];

interface Mark {
  ev: TimelineEvent;
  t: number;
  kind: 'break' | 'pending' | 'resolved' | 'plain';
}

export function swimlanes(view: FindingView, times: TimeFormat): string {
  const f = view.finding;
  const events = eventsOf(view);
  const hops = (view.propagation?.hops ?? []).filter((h) => h.ts !== null && !Number.isNaN(Date.parse(h.ts)));
  const nodes = laneOrder(view, events);
  const laneY = (node: string) => TOP + LANE * nodes.indexOf(node) + LANE / 2;
  const height = TOP + LANE * nodes.length + BOTTOM;

  const placed = events.filter((e) => e.ts !== null && !Number.isNaN(Date.parse(e.ts)));
  const unplaced = events.length - placed.length;
  const stamps = [...placed.map((e) => Date.parse(e.ts!)), ...hops.map((h) => Date.parse(h.ts!))];
  for (const p of f.pending) if (p.resolved_ts) stamps.push(Date.parse(p.resolved_ts));
  const [t0, t1] = domain(stamps);
  const [v0, v1] = focusWindow(view, t0, t1);
  const x = (t: number) => LABEL + ((t - v0) / (v1 - v0)) * (WIDTH - LABEL - RIGHT);
  const clip = `clip-${(view.finding.first_break.source + view.finding.first_break.line).replace(/[^A-Za-z0-9]/g, '').slice(-40)}`;

  const resolved = f.pending.map((p) => resolvingEvent(events, f.node, p.op, p.resolved_ts));
  const marks: Mark[] = placed.map((ev) => ({ ev, t: Date.parse(ev.ts!), kind: kindOf(view, ev, resolved) }));
  // Draw plain marks first so the highlighted ones sit on top.
  const order = { plain: 0, resolved: 1, pending: 2, break: 3 } as const;
  marks.sort((a, b) => order[a.kind] - order[b.kind] || a.t - b.t);

  const out: string[] = [];
  out.push(`<svg class="swimlanes" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" ` +
    `data-t0="${t0}" data-t1="${t1}" data-v0="${v0}" data-v1="${v1}" data-left="${LABEL}" data-right="${WIDTH - RIGHT}" data-top="${TOP}" data-bottom="${height - BOTTOM}" ` +
    `aria-label="${esc(`Events of key ${f.key} on ${nodes.length} nodes`)}" xmlns="http://www.w3.org/2000/svg">`);
  out.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">' +
    '<path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker>' +
    '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
    '<rect width="6" height="6" class="hatch-bg"/><line x1="0" y1="0" x2="0" y2="6" class="hatch-line"/></pattern>' +
    `<clipPath id="${clip}"><rect x="${LABEL - 10}" y="0" width="${WIDTH - LABEL - RIGHT + 20}" height="${height}"/></clipPath></defs>`);

  // Lanes and their labels.
  nodes.forEach((node, i) => {
    const y = TOP + LANE * i;
    const role = node === f.node ? 'broken' : node === healthyOf(view) ? 'healthy' : '';
    out.push(`<rect class="lane${i % 2 ? ' odd' : ''}${role === 'broken' ? ' broken-lane' : ''}" x="0" y="${y}" width="${WIDTH}" height="${LANE}"/>`);
    out.push(`<text class="lane-label" x="8" y="${y + LANE / 2 - 2}">${esc(node)}</text>`);
    if (role) out.push(`<text class="lane-role ${role}" x="8" y="${y + LANE / 2 + 13}">${role}</text>`);
    out.push(`<line class="lane-axis" x1="${LABEL}" y1="${y + LANE / 2}" x2="${WIDTH - RIGHT}" y2="${y + LANE / 2}"/>`);
  });

  // Time axis (the script redraws it on every zoom).
  out.push('<g class="ticks">');
  for (const t of ticks(v0, v1)) {
    const tx = x(t).toFixed(1);
    out.push(`<line class="tick" x1="${tx}" y1="${TOP - 6}" x2="${tx}" y2="${height - BOTTOM}"/>`);
    out.push(`<text class="tick-label" x="${tx}" y="${TOP - 10}" text-anchor="middle">${esc(tickLabel(t, v1 - v0))}</text>`);
  }
  out.push('</g>');
  out.push(`<g class="plot" clip-path="url(#${clip})">`);

  // Hops: arrows from the sending lane to the receiving lane at the hop's time.
  for (const h of hops) {
    if (!nodes.includes(h.from) || !nodes.includes(h.to)) continue;
    const ht = Date.parse(h.ts!);
    const y1 = laneY(h.from);
    const y2 = laneY(h.to);
    const dy = y2 > y1 ? -8 : 8;
    const evid = `hop ${h.from} → ${h.to}${h.version !== null ? ` · v${h.version}` : ''} · ${times.time(h.ts)} · ${cite(h)}`;
    out.push(`<g class="hop at" data-t="${ht}" transform="translate(${x(ht).toFixed(1)},0)" data-evidence="${esc(evid)}" tabindex="0"><title>${esc(evid)}</title>` +
      `<rect class="hop-hit" x="-6" y="${Math.min(y1, y2)}" width="12" height="${Math.abs(y2 - y1)}"/>` +
      `<line class="hop-line" x1="0" y1="${y1}" x2="0" y2="${y2 + dy}" marker-end="url(#arrow)"/>` +
      `<text class="hop-label" x="5" y="${(y2 > y1 ? y2 - 16 : y2 + 22).toFixed(1)}">${esc(h.version !== null ? `v${h.version}` : 'hop')}</text></g>`);
  }

  // Pending spans: from the queued step to when it finally ran (or to the end, if never).
  f.pending.forEach((p, i) => {
    if (!p.ts || Number.isNaN(Date.parse(p.ts)) || !nodes.includes(f.node)) return;
    const a = Date.parse(p.ts);
    const b = p.resolved_ts ? Date.parse(p.resolved_ts) : t1;
    const y = laneY(f.node);
    const late = msBetween(f.first_break.ts, p.resolved_ts);
    const label = `${stepText(p)} pending${p.resolved_ts ? `, ran ${late === null ? '' : `${duration(Math.abs(late))} ${late < 0 ? 'before' : 'after'} the break`}` : ', never ran'}`;
    const evid = `${f.node} · ${stepText(p)} at ${times.time(p.ts)} · ${cite(p)} · still pending at the break; ` +
      (p.resolved_ts ? `ran at ${times.time(p.resolved_ts)}${resolved[i] ? ` · ${cite(resolved[i]!)}` : ''}` : 'never ran in the logs');
    out.push(`<g class="pending-span" data-t="${a}" data-t2="${b}" data-evidence="${esc(evid)}" tabindex="0"><title>${esc(evid)}</title>` +
      `<rect x="${x(a).toFixed(1)}" y="${y - 7}" width="${Math.max(2, x(b) - x(a)).toFixed(1)}" height="14" rx="2"/>` +
      `<text class="pending-label" x="${Math.max(LABEL, x(a)).toFixed(1)}" y="${y + 24}">${esc(label)}</text></g>`);
  });

  // The moment of the break, across every lane: what the other nodes were doing then.
  if (f.first_break.ts && !Number.isNaN(Date.parse(f.first_break.ts))) {
    const bt = Date.parse(f.first_break.ts);
    out.push(`<line class="break-line at" data-t="${bt}" transform="translate(${x(bt).toFixed(1)},0)" x1="0" y1="${TOP}" x2="0" y2="${height - BOTTOM}"/>`);
  }

  // Events, stacked off their lane where they would share a pixel.
  const dys = stackOffsets(marks.map((m) => ({ lane: m.ev.node, x: x(m.t) })));
  marks.forEach((m, i) => {
    const e = m.ev;
    const cx = x(m.t).toFixed(1);
    const cy = laneY(e.node);
    const evid = `${e.node} · ${times.time(e.ts)} · ${stepText(e)} · ${cite(e)}${e.message ? ` · ${e.message}` : ''}`;
    const cls = `mark ${m.kind} phase-${phaseClass(e.phase)}`;
    const r = m.kind === 'break' ? 8 : m.kind === 'plain' ? 5 : 6.5;
    out.push(`<circle class="${cls}" cx="${cx}" cy="${cy + dys[i]}" r="${r}" data-t="${m.t}" data-lane="${esc(e.node)}" data-y="${cy}" data-evidence="${esc(evid)}" tabindex="0"><title>${esc(evid)}</title></circle>`);
    if (m.kind === 'break') {
      out.push(`<text class="break-label at" data-t="${m.t}" transform="translate(${cx},0)" x="0" y="${cy - 14}" text-anchor="middle">first break: ${esc(stepText(e))}</text>`);
    }
  });
  out.push('</g>');
  // What lies outside the view, counted at its edges (the script keeps them current).
  const before = [...marks.map((m) => m.t), ...hops.map((h) => Date.parse(h.ts!))].filter((t) => t < v0).length;
  const after = [...marks.map((m) => m.t), ...hops.map((h) => Date.parse(h.ts!))].filter((t) => t > v1).length;
  out.push(`<text class="offview before" x="${LABEL + 2}" y="${height - 3}">${before ? `◀ ${before} earlier` : ''}</text>`);
  out.push(`<text class="offview after" x="${WIDTH - RIGHT}" y="${height - 3}" text-anchor="end">${after ? `${after} later ▶` : ''}</text>`);
  out.push('</svg>');
  if (unplaced) out.push(`<p class="note">${unplaced} event${unplaced === 1 ? '' : 's'} without a timestamp not drawn.</p>`);
  return out.join('\n');
}

/** The key's events on every node, plus the finding's own evidence when the events lack it. */
function eventsOf(view: FindingView): TimelineEvent[] {
  const f = view.finding;
  const events = [...view.keyEvents];
  const has = (s: string, l: number) => events.some((e) => e.source === s && e.line === l);
  for (const rows of view.timeline?.rows ?? []) {
    for (const e of [rows.node_event, rows.vs_event]) if (e && !has(e.source, e.line)) events.push(e);
  }
  for (const p of [...f.pending, f.first_break]) {
    if (!has(p.source, p.line)) events.push({ node: f.node, ts: p.ts, op: p.op, phase: p.phase, seq: null, message: null, source: p.source, line: p.line });
  }
  return events;
}

function healthyOf(view: FindingView): string | null {
  return view.timeline?.vs ?? view.finding.healthy_node ?? null;
}

/** The broken node on top, the healthy one under it, then the others by name. */
function laneOrder(view: FindingView, events: readonly TimelineEvent[]): string[] {
  const names = new Set<string>(events.map((e) => e.node));
  for (const h of view.propagation?.hops ?? []) {
    names.add(h.from);
    names.add(h.to);
  }
  const healthy = healthyOf(view);
  const first = [view.finding.node, ...(healthy && healthy !== view.finding.node ? [healthy] : [])];
  first.forEach((n) => names.delete(n));
  return [...first, ...[...names].sort()];
}

function kindOf(view: FindingView, e: TimelineEvent, resolved: (TimelineEvent | null)[]): Mark['kind'] {
  const f = view.finding;
  if (e.source === f.first_break.source && e.line === f.first_break.line) return 'break';
  if (f.pending.some((p) => p.source === e.source && p.line === e.line)) return 'pending';
  if (resolved.some((r) => r && r.source === e.source && r.line === e.line)) return 'resolved';
  return 'plain';
}

function phaseClass(phase: string | null): string {
  return phase && ['queued', 'started', 'completed', 'failed'].includes(phase) ? phase : 'other';
}

/**
 * Vertical offsets (px) of marks placed at `x` on their lane, in order: a mark closer than
 * STACK_PX to the last one of its stack goes one level off the axis (0, +11, −11, +22, −22, …).
 * The same rule runs in the page's script after each zoom.
 */
export function stackOffsets(marks: readonly { lane: string; x: number }[]): number[] {
  const order = marks.map((m, i) => i).sort((a, b) => (marks[a].lane < marks[b].lane ? -1 : marks[a].lane > marks[b].lane ? 1 : marks[a].x - marks[b].x));
  const out = new Array<number>(marks.length).fill(0);
  let lane: string | null = null;
  let lastX = -Infinity;
  let level = 0;
  for (const i of order) {
    const m = marks[i];
    if (m.lane !== lane) { lane = m.lane; lastX = -Infinity; level = 0; }
    level = m.x - lastX < STACK_PX ? level + 1 : 0;
    if (level === 0) lastX = m.x;
    out[i] = STACK_DY[level % STACK_DY.length];
  }
  return out;
}

/**
 * The view a finding opens on: its pending steps, its break and their resolutions, with a
 * margin of half their span on each side (at least 5 ms), inside the whole range.
 */
export function focusWindow(view: FindingView, t0: number, t1: number): [number, number] {
  const f = view.finding;
  const stamps: number[] = [];
  for (const t of [f.first_break.ts, f.resolved?.ts, ...f.pending.flatMap((p) => [p.ts, p.resolved_ts])]) {
    if (t && !Number.isNaN(Date.parse(t))) stamps.push(Date.parse(t));
  }
  if (stamps.length === 0) return [t0, t1];
  const lo = Math.min(...stamps);
  const hi = Math.max(...stamps);
  const pad = Math.max(5, (hi - lo) * 0.5);
  return [Math.max(t0, lo - pad), Math.min(t1, hi + pad)];
}

/** The time range drawn: all stamps with a margin; a single instant gets one second around it. */
function domain(stamps: number[]): [number, number] {
  if (stamps.length === 0) return [0, 1000];
  let lo = Math.min(...stamps);
  let hi = Math.max(...stamps);
  if (hi - lo < 1) {
    lo -= 500;
    hi += 500;
  }
  const pad = (hi - lo) * 0.04;
  return [lo - pad, hi + pad];
}

export const TICK_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
  900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000];

/** Round tick times, about six across the axis. */
export function ticks(t0: number, t1: number): number[] {
  const span = t1 - t0;
  const step = TICK_STEPS.find((s) => span / s <= 8) ?? Math.ceil(span / 8);
  const out: number[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) out.push(t);
  return out;
}

function tickLabel(t: number, span: number): string {
  const iso = new Date(t).toISOString();
  if (span > 2 * 86_400_000) return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  return span >= 10_000 ? iso.slice(11, 19) : iso.slice(11, 23);
}
