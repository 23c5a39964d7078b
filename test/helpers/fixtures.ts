/**
 * Tiny hand-written incidents for analysis tests: events per node written as JSON lines
 * under DIR/logs/<node>/app.jsonl (line = index + 1), ingested into DIR/NAME.duckdb.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { orderline } from './cli.js';

export interface Ev {
  key?: string;
  op?: string;
  phase?: string;
  /** Milliseconds after 2026-01-01T00:00:00Z; omitted: no timestamp. */
  t?: number;
  seq?: number;
  msg?: string;
  version?: number;
  peer?: string;
}

export const T0 = Date.UTC(2026, 0, 1);
export const at = (t: number) => new Date(T0 + t).toISOString();

export function jsonLine(node: string, e: Ev): string {
  const o: Record<string, unknown> = {};
  if (e.t !== undefined) o.ts = at(e.t);
  o.node = node;
  if (e.key !== undefined) o.key = e.key;
  if (e.op !== undefined) o.op = e.op;
  if (e.phase !== undefined) o.phase = e.phase;
  if (e.seq !== undefined) o.seq = e.seq;
  if (e.version !== undefined) o.version = e.version;
  if (e.peer !== undefined) o.peer = e.peer;
  o.msg = e.msg ?? [e.op ?? 'event', e.phase, e.key].filter((x) => x !== undefined).join(' ');
  return JSON.stringify(o);
}

/** Writes each node's events and ingests them; returns the database path. */
export function incident(dir: string, name: string, nodes: Record<string, Ev[]>): string {
  const root = join(dir, name);
  for (const [node, evs] of Object.entries(nodes)) {
    mkdirSync(join(root, 'logs', node), { recursive: true });
    writeFileSync(join(root, 'logs', node, 'app.jsonl'), evs.map((e) => jsonLine(node, e)).join('\n') + '\n');
  }
  const db = join(root, 'incident.duckdb');
  const r = orderline(['ingest', 'logs', '--db', db], { cwd: root });
  if (r.status !== 0) throw new Error(`ingest failed (${r.status}): ${r.stderr}`);
  return db;
}

/** The usual pipeline for one key, every 10 ms from t. */
export function pipeline(key: string, t: number, order: string[] = ['L:queued', 'L:started', 'L:completed', 'W:started', 'W:completed']): Ev[] {
  return order.map((s, i) => {
    const [op, phase] = s.split(':');
    return { key, op, phase, t: t + i * 10 };
  });
}

export const RACED = ['L:queued', 'W:started', 'W:completed', 'L:started', 'L:completed'];
