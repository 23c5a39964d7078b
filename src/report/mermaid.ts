/**
 * One Mermaid `sequenceDiagram` per finding: the broken node beside a healthy one, each
 * event a note on its node in timeline order, the first break inside a red `rect`, and the
 * propagation hops of the key as arrows between nodes. Emits a small subset of Mermaid
 * (participant … as, Note over, ->>, rect/end) and escapes what Mermaid chokes on.
 */
import type { TimelineEvent, TimelineRow } from './timelineRows.js';
import { timelineRows } from './timelineRows.js';
import type { FindingView } from './model.js';
import { duration, msBetween, stepText, type TimeFormat } from './text.js';

const BREAK_COLOR = 'rgb(255, 221, 221)';
const PENDING_COLOR = 'rgb(255, 243, 205)';

/**
 * Text safe in a Mermaid message, note or alias: `#` and `;` end a statement and `<`/`>`
 * read as HTML, so they become entity codes (`#35;`, `#59;`, `#lt;`, `#gt;`); line breaks become spaces.
 */
export function mermaidText(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/[#;<>]/g, (c) => ({ '#': '#35;', ';': '#59;', '<': '#lt;', '>': '#gt;' })[c]!)
    .trim();
}

export function sequenceDiagram(view: FindingView, times: TimeFormat): string {
  const f = view.finding;
  const healthy = view.timeline?.vs ?? f.healthy_node ?? null;
  const ids = new Map<string, string>();
  const lines: string[] = ['sequenceDiagram'];
  const participant = (node: string, role?: string): string => {
    let id = ids.get(node);
    if (!id) {
      id = `N${ids.size + 1}`;
      ids.set(node, id);
      lines.push(`    participant ${id} as ${mermaidText(role ? `${node} (${role})` : node)}`);
    }
    return id;
  };
  const broken = participant(f.node, 'broken');
  const other = healthy && healthy !== f.node ? participant(healthy, 'healthy') : null;
  const hops = view.propagation?.hops ?? [];
  for (const h of hops) {
    participant(h.from);
    participant(h.to);
  }
  lines.push(`    Note over ${other ? `${broken},${other}` : broken}: ${mermaidText(`key ${f.key}`)}`);

  const breakTs = f.first_break.ts;
  const rows = timelineRows(view);
  for (const row of rows) {
    const b = row.node_event;
    const h = row.vs_event;
    if (b) {
      const kind = eventKind(view, row, b);
      const text = mermaidText(noteText(row, b, kind, breakTs, times));
      if (kind === 'break' || kind === 'pending') {
        lines.push(`    rect ${kind === 'break' ? BREAK_COLOR : PENDING_COLOR}`);
        lines.push(`        Note over ${broken}: ${text}`);
        lines.push('    end');
      } else {
        lines.push(`    Note over ${broken}: ${text}`);
      }
    }
    if (h && other) lines.push(`    Note over ${other}: ${mermaidText(`${stepText(row)} ${times.time(h.ts)}`)}`);
  }
  for (const h of hops) {
    const early = receivedEarlyMs(h);
    const label = `${h.version !== null ? `v${h.version} ` : ''}${times.time(h.ts)}` +
      (early !== null ? `, received ${duration(early)} before it was sent by these clocks: clock skew (see orderline skew)` : '');
    lines.push(`    ${ids.get(h.from)}->>${ids.get(h.to)}: ${mermaidText(label)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * How much earlier the receiver logged a hop than the sender did, when it did: a receive
 * cannot come before its send, so the two clocks differ by at least that much.
 */
export function receivedEarlyMs(h: { sent?: { ts: string | null } | null; received?: { ts: string | null } | null }): number | null {
  const d = msBetween(h.sent?.ts, h.received?.ts);
  return d !== null && d < 0 ? -d : null;
}

type Kind = 'break' | 'pending' | 'late' | 'plain';

function eventKind(view: FindingView, row: TimelineRow, e: TimelineEvent): Kind {
  const f = view.finding;
  if (e.source === f.first_break.source && e.line === f.first_break.line) return 'break';
  if (f.pending.some((p) => p.source === e.source && p.line === e.line)) return 'pending';
  const after = msBetween(f.first_break.ts, e.ts);
  if (row.op === f.missing.op && (f.missing.phase === null || row.phase === f.missing.phase) && after !== null && after > 0) return 'late';
  return 'plain';
}

function noteText(row: TimelineRow, e: TimelineEvent, kind: Kind, breakTs: string | null, times: TimeFormat): string {
  const base = `${stepText(row)} ${times.time(e.ts)}`;
  switch (kind) {
    case 'break': return `FIRST BREAK: ${base}`;
    case 'pending': return `${base}, still pending at the break`;
    case 'late': return `${base}, ${duration(msBetween(breakTs, e.ts)!)} after the break`;
    default: return base;
  }
}
