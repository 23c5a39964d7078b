/**
 * The timeline as a Chrome trace-event file (contract §8: `orderline export --perfetto FILE`),
 * which Perfetto UI and chrome://tracing open: `{"traceEvents":[…]}`, one process per node.
 *
 * - track "log" (tid 1): every event as an instant (`ph: "i"`), named by its step (op and
 *   phase, given or inferred), else its template; args hold the message and `file:line`;
 * - operation instances (the steps of one op for one causal id, else key, on one node) as async
 *   slices (`ph: "b"`/`"e"`, cat `operation`) from their queued or started event to their
 *   completion or failure; an instance never completed ends at the node's last event, marked so;
 * - track "hops" (tid 2): each propagation hop's send and receive as 1 µs slices joined by a
 *   flow arrow (`ph: "s"`/`"f"`, cat `hop`, one id per hop);
 * - track "findings" (tid 3): each ordering break as a slice from its pending step to its
 *   resolution (the window the pending step stayed open), and an instant at the break itself;
 *   args cite the same lines as report.json.
 *
 * Times are µs since the epoch: `ts_corrected` where skew was applied, else `ts`. Events are
 * streamed from DuckDB in (node, time) order and written as they come: the file may be large,
 * the memory is not.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DivergeDoc, PropagationDoc } from '../analyses/shapes.js';
import { stepText } from '../analyses/stepText.js';
import { sqlString } from '../db/sqlText.js';

export interface TraceOptions {
  key?: string;
  /** Only these keys' events (investigate: the keys of its findings and hops). */
  keys?: readonly string[];
  nodes?: readonly string[];
  /** ISO-8601 bounds of the events written. */
  from?: string;
  to?: string;
}

export interface TraceInputs {
  findings: DivergeDoc['findings'];
  propagation: readonly PropagationDoc[];
  /** Said in the file's otherData (what was left out, and how to get it). */
  note?: string;
}

export interface TraceSummary {
  file: string;
  events: number;
  /** Events left out for having no time. */
  untimed: number;
  operations: number;
  hops: number;
  findings: number;
  nodes: string[];
}

/** One trace event, as the trace-event format defines it. */
export interface TraceEvent {
  name: string;
  ph: 'M' | 'i' | 'b' | 'e' | 'X' | 's' | 'f';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  id?: string;
  s?: 'g' | 'p' | 't';
  bp?: 'e';
  args?: Record<string, unknown>;
}

const LOG = 1;
const HOPS = 2;
const FINDINGS = 3;
const OPEN_PHASES = new Set(['queued', 'started']);
const CLOSE_PHASES = new Set(['completed', 'failed']);

/** Writes the trace of the (filtered) events to `file`. */
export async function writePerfettoTrace(conn: DuckDBConnection, file: string, inputs: TraceInputs, opts: TraceOptions = {}): Promise<TraceSummary> {
  const w = new TraceWriter(createWriteStream(file));
  const where = whereClause(opts);
  const nodes = (await conn.runAndReadAll(`SELECT DISTINCT node FROM events e WHERE node IS NOT NULL${where ? ` AND ${where}` : ''} ORDER BY node`))
    .getRowObjectsJson().map((r) => String(r.node));
  const pid = new Map(nodes.map((n, i) => [n, i + 1]));
  const inWindow = windowTest(opts);
  for (const n of nodes) {
    const p = pid.get(n)!;
    await w.write({ name: 'process_name', ph: 'M', pid: p, tid: 0, args: { name: n } });
    await w.write({ name: 'process_sort_index', ph: 'M', pid: p, tid: 0, args: { sort_index: p } });
    for (const [tid, name] of [[LOG, 'log'], [HOPS, 'hops'], [FINDINGS, 'findings']] as const) {
      await w.write({ name: 'thread_name', ph: 'M', pid: p, tid, args: { name } });
    }
  }

  const summary: TraceSummary = { file, events: 0, untimed: 0, operations: 0, hops: 0, findings: 0, nodes };
  const sql = `SELECT e.node, epoch_us(coalesce(e.ts_corrected, e.ts))::DOUBLE AS us, e.op, e.phase, e.key, e.causal_id, e.level,
      coalesce(e.template, '') AS template, coalesce(split_part(e.message, chr(10), 1), '') AS message, s.path AS source, e.line
    FROM events e JOIN sources s USING (source_id)
    WHERE e.node IS NOT NULL${where ? ` AND ${where}` : ''}
    ORDER BY e.node, us NULLS LAST, e.source_id, e.line`;
  const result = await conn.stream(sql);
  let node: string | null = null;
  let lastUs = 0;
  let open = new Map<string, { id: string; name: string }>();
  let nextId = 1;
  const closeAll = async () => {
    for (const o of open.values()) {
      await w.write({ name: o.name, ph: 'e', cat: 'operation', id: o.id, pid: pid.get(node!)!, tid: LOG, ts: lastUs, args: { unfinished: true } });
    }
    open = new Map();
  };
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const cols = chunk.getColumns();
    const [nodesC, usC, opC, phaseC, keyC, causalC, levelC, templateC, messageC, sourceC, lineC] = cols as unknown[][];
    for (let r = 0; r < chunk.rowCount; r++) {
      const n = String(nodesC[r]);
      if (n !== node) {
        if (node !== null) await closeAll();
        node = n;
      }
      const us = usC[r] as number | null;
      if (us === null) {
        summary.untimed++;
        continue;
      }
      lastUs = us;
      const p = pid.get(n)!;
      const op = opC[r] as string | null;
      const phase = phaseC[r] as string | null;
      const key = keyC[r] as string | null;
      const causal = causalC[r] as string | null;
      const cite = `${sourceC[r]}:${Number(lineC[r])}`;
      const name = op ? stepText({ op, phase }) : String(templateC[r]) || String(messageC[r]).slice(0, 80);
      const args: Record<string, unknown> = { message: messageC[r], at: cite };
      if (key !== null) args.key = key;
      if (causal !== null) args.causal_id = causal;
      if (levelC[r] !== null) args.level = levelC[r];
      await w.write({ name, ph: 'i', s: 't', pid: p, tid: LOG, ts: us, args });
      summary.events++;
      if (op === null || phase === null) continue;
      const inst = `${op}\u0000${causal ?? key ?? ''}`;
      const o = open.get(inst);
      if (OPEN_PHASES.has(phase) && o === undefined) {
        const id = `op-${nextId++}`;
        open.set(inst, { id, name: op });
        summary.operations++;
        await w.write({ name: op, ph: 'b', cat: 'operation', id, pid: p, tid: LOG, ts: us, args: { key, causal_id: causal, begin: cite, begin_phase: phase } });
      } else if (CLOSE_PHASES.has(phase) && o !== undefined) {
        open.delete(inst);
        await w.write({ name: o.name, ph: 'e', cat: 'operation', id: o.id, pid: p, tid: LOG, ts: us, args: { end: cite, end_phase: phase } });
      }
    }
  }
  if (node !== null) await closeAll();

  // hops: send and receive as 1 µs slices joined by a flow arrow
  let flow = 1;
  for (const doc of inputs.propagation) {
    for (const h of doc.hops) {
      const sent = h.sent;
      const received = h.received;
      if (!sent?.ts || !received?.ts || !pid.has(sent.node) || !pid.has(received.node)) continue;
      if (!inWindow(sent.ts) && !inWindow(received.ts)) continue;
      const id = `hop-${flow++}`;
      const name = `${doc.key} v${h.version ?? '?'} ${h.from} → ${h.to}`;
      const sUs = isoUs(sent.ts);
      const rUs = isoUs(received.ts);
      const common = { key: doc.key, version: h.version, from: h.from, to: h.to };
      await w.write({ name: `sent ${name}`, ph: 'X', pid: pid.get(sent.node)!, tid: HOPS, ts: sUs, dur: 1, cat: 'hop', args: { ...common, at: `${sent.source}:${sent.line}` } });
      await w.write({ name: 'hop', ph: 's', cat: 'hop', id, pid: pid.get(sent.node)!, tid: HOPS, ts: sUs });
      await w.write({ name: `received ${name}`, ph: 'X', pid: pid.get(received.node)!, tid: HOPS, ts: rUs, dur: 1, cat: 'hop', args: { ...common, at: `${received.source}:${received.line}` } });
      await w.write({ name: 'hop', ph: 'f', bp: 'e', cat: 'hop', id, pid: pid.get(received.node)!, tid: HOPS, ts: rUs });
      summary.hops++;
    }
  }

  // findings: the pending window, and the break
  for (const f of inputs.findings) {
    const p = pid.get(f.node);
    if (p === undefined || !f.first_break.ts) continue;
    const breakUs = isoUs(f.first_break.ts);
    const pend = f.pending[0];
    const rule = `${stepText(f.missing)} before ${stepText(f.first_break)}`;
    const args = {
      key: f.key, rule, break: `${f.first_break.source}:${f.first_break.line}`,
      pending: f.pending.map((x) => `${x.source}:${x.line}`),
      resolved: f.resolved ? `${f.resolved.source}:${f.resolved.line}` : null,
      healthy_node: f.healthy_node ?? null,
    };
    if (pend?.ts) {
      const start = isoUs(pend.ts);
      const endIso = f.resolved?.ts ?? pend.resolved_ts ?? f.window?.end ?? f.first_break.ts;
      const end = Math.max(isoUs(endIso), breakUs, start + 1);
      await w.write({ name: `pending: ${stepText(pend)} (${f.key})`, ph: 'X', pid: p, tid: FINDINGS, ts: start, dur: end - start, cat: 'finding', args });
    }
    await w.write({ name: `BREAK: ${stepText(f.first_break)} before ${stepText(f.missing)} (${f.key})`, ph: 'i', s: 'p', pid: p, tid: FINDINGS, ts: breakUs, cat: 'finding', args });
    summary.findings++;
  }
  await w.end({ displayTimeUnit: 'ms', otherData: { generator: 'orderline export --perfetto', nodes, ...opts, ...(inputs.note ? { note: inputs.note } : {}) } });
  return summary;
}

function whereClause(opts: TraceOptions): string {
  const parts: string[] = [];
  if (opts.key !== undefined) parts.push(`e.key = ${sqlString(opts.key)}`);
  if (opts.keys !== undefined) parts.push(opts.keys.length ? `e.key IN (${opts.keys.map(sqlString).join(', ')})` : 'false');
  if (opts.nodes && opts.nodes.length) parts.push(`e.node IN (${opts.nodes.map(sqlString).join(', ')})`);
  if (opts.from !== undefined) parts.push(`coalesce(e.ts_corrected, e.ts) >= ${sqlString(opts.from)}::TIMESTAMPTZ::TIMESTAMP`);
  if (opts.to !== undefined) parts.push(`coalesce(e.ts_corrected, e.ts) <= ${sqlString(opts.to)}::TIMESTAMPTZ::TIMESTAMP`);
  return parts.join(' AND ');
}

function windowTest(opts: TraceOptions): (iso: string) => boolean {
  const from = opts.from !== undefined ? Date.parse(opts.from) : -Infinity;
  const to = opts.to !== undefined ? Date.parse(opts.to) : Infinity;
  return (iso) => {
    const t = Date.parse(iso);
    return t >= from && t <= to;
  };
}

/** ISO-8601 (µs precision kept) → µs since the epoch. */
export function isoUs(iso: string): number {
  const m = /\.(\d+)Z$/.exec(iso);
  const ms = Date.parse(iso);
  if (!m) return ms * 1000;
  const frac = m[1].padEnd(6, '0').slice(0, 6);
  return Math.floor(ms / 1000) * 1e6 + Number(frac);
}

/** Streams `{"traceEvents":[…], …}`, one event per line, waiting on the stream when it is full. */
class TraceWriter {
  private first = true;
  private buf: string[] = [];
  private size = 0;
  constructor(private readonly out: WriteStream) {
    this.buf.push('{"traceEvents":[\n');
  }

  async write(ev: TraceEvent): Promise<void> {
    const s = `${this.first ? '' : ',\n'}${JSON.stringify(ev)}`;
    this.first = false;
    this.buf.push(s);
    this.size += s.length;
    if (this.size > 1 << 16) await this.flush();
  }

  private async flush(): Promise<void> {
    const text = this.buf.join('');
    this.buf = [];
    this.size = 0;
    if (!this.out.write(text)) await new Promise<void>((r) => this.out.once('drain', () => r()));
  }

  async end(rest: Record<string, unknown>): Promise<void> {
    const tail = JSON.stringify(rest).slice(1);
    this.buf.push(`\n],${tail}\n`);
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(() => resolve());
    });
  }
}
