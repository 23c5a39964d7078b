/**
 * `timeline`: one key's events on a node and on a node to compare with, side by side,
 * aligned by (op, phase) and occurrence (queries/timeline.sql). Without --node, the node of
 * the key's first finding (diverge) is explained against that finding's healthy node.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Row } from '../db/rows.js';
import { query } from '../db/rows.js';
import { RuntimeError } from '../errors.js';
import { loadSavedQuery, runSavedQuery } from '../queries/savedQuery.js';
import { diverge, type DivergeOptions } from './diverge.js';
import { stepText } from './stepText.js';
import type { TimelineDoc, TimelineEvent } from './shapes.js';
import { sqlString } from '../db/sqlText.js';

export interface TimelineOptions extends Pick<DivergeOptions, 'expect' | 'minSupport' | 'minConfidence'> {
  key: string;
  /** The node to explain; default: the node of the key's first finding. */
  node?: string;
  /** The node to compare with; default: the finding's healthy node, else another node with the key. */
  vs?: string;
  /** Only the node's events in this window (ISO-8601; vs's aligned events come along). */
  from?: string;
  to?: string;
}


/** Picks node and vs as documented on TimelineOptions. */
async function chooseNodes(conn: DuckDBConnection, o: TimelineOptions): Promise<{ node: string; vs: string | null }> {
  const nodes = (await query(conn, `SELECT DISTINCT node FROM events WHERE key = ${sqlString(o.key)} AND node IS NOT NULL ORDER BY node`))
    .rows.map((r) => String(r.node));
  if (nodes.length === 0) throw new RuntimeError(`no events for key "${o.key}"`);
  if (o.node && !nodes.includes(o.node)) throw new RuntimeError(`node "${o.node}" has no events for key "${o.key}" (nodes with it: ${nodes.join(', ')})`);
  if (o.vs && !nodes.includes(o.vs)) throw new RuntimeError(`node "${o.vs}" has no events for key "${o.key}" (nodes with it: ${nodes.join(', ')})`);
  if (o.node && o.vs) return { node: o.node, vs: o.vs };
  const doc = await diverge(conn, { key: o.key, node: o.node, expect: o.expect, minSupport: o.minSupport, minConfidence: o.minConfidence });
  const finding = doc.findings[0];
  const node = o.node ?? finding?.node ?? nodes[0];
  const healthy = finding && finding.node === node ? finding.healthy_node ?? null : null;
  const vs = o.vs ?? healthy ?? nodes.find((n) => n !== node) ?? null;
  return { node, vs };
}

function eventOf(r: Row, p: 'n' | 'v'): TimelineEvent | null {
  if (r[`${p}_source`] === null) return null;
  const num = (v: unknown) => (v === null ? null : Number(v));
  return {
    node: String(r[`${p}_node`]),
    ts: r[`${p}_ts`] as string | null,
    op: r.op as string | null,
    phase: r.phase as string | null,
    seq: num(r[`${p}_seq`]),
    message: r[`${p}_message`] as string | null,
    source: String(r[`${p}_source`]),
    line: Number(r[`${p}_line`]),
  };
}

export async function timeline(conn: DuckDBConnection, options: TimelineOptions): Promise<TimelineDoc> {
  const { node, vs } = await chooseNodes(conn, options);
  const res = await runSavedQuery(conn, loadSavedQuery('timeline'), { key: options.key, node, vs, from_ts: options.from ?? null, to_ts: options.to ?? null });
  return {
    key: options.key,
    node,
    vs,
    rows: res.rows.map((r) => ({
      op: r.op as string | null,
      phase: r.phase as string | null,
      k: Number(r.k),
      node_event: eventOf(r, 'n'),
      vs_event: eventOf(r, 'v'),
      delta_ms: r.delta_ms === null ? null : Number(r.delta_ms),
    })),
  };
}

const cell = (s: string) => s.replaceAll('|', '\\|').replace(/\r?\n/g, ' ');

/** The timeline as a Markdown table (for reports and tickets). */
export function timelineMarkdown(doc: TimelineDoc): string {
  const head = `Key \`${doc.key}\`: ${doc.node ?? '?'} vs ${doc.vs ?? '(no other node)'}\n\n`;
  const lines = [
    `| step | # | ${doc.node ?? 'node'} ts | ${doc.vs ?? 'vs'} ts | Δ ms | ${doc.node ?? 'node'} evidence | ${doc.vs ?? 'vs'} evidence |`,
    '|---|---:|---|---|---:|---|---|',
  ];
  for (const r of doc.rows) {
    lines.push(`| ${cell(stepText(r))} | ${r.k ?? ''} | ${r.node_event?.ts ?? '—'} | ${r.vs_event?.ts ?? '—'} | ${r.delta_ms ?? ''} | ` +
      `${r.node_event ? cell(`${r.node_event.source}:${r.node_event.line}`) : ''} | ${r.vs_event ? cell(`${r.vs_event.source}:${r.vs_event.line}`) : ''} |`);
  }
  return `${head}${lines.join('\n')}\n`;
}
