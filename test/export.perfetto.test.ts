/**
 * `orderline export --perfetto FILE` and investigate's trace.json (issue 13), through the real
 * CLI on the sample incident and on a free-text one: the file is trace-event JSON (phases, ids,
 * begin/end and flow pairing checked here, since no validator installs from the registries), and
 * it round-trips the findings: the slices and instants cite the same lines as report.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomRealisticSpec, writeRealistic } from '../samples/realistic.js';
import { orderline, orderlineJson, tempDir } from './helpers/cli.js';

const tmp = tempDir('orderline-perfetto-');
afterAll(() => tmp.cleanup());

interface Ev { name: string; ph: string; pid: number; tid: number; ts?: number; dur?: number; cat?: string; id?: string; s?: string; bp?: string; args?: Record<string, any> }
interface Trace { traceEvents: Ev[]; displayTimeUnit?: string; otherData?: Record<string, unknown> }

const PHASES = new Set(['M', 'i', 'b', 'e', 'X', 's', 'f']);

/** The trace-event format's rules this file relies on; returns the problems found. */
function problems(t: Trace): string[] {
  const out: string[] = [];
  if (!Array.isArray(t.traceEvents)) return ['no traceEvents array'];
  const begins = new Map<string, Ev>();
  const ends = new Map<string, Ev>();
  const flowsS = new Map<string, Ev>();
  const flowsF = new Map<string, Ev>();
  const xs = new Set<string>();
  for (const e of t.traceEvents) {
    if (typeof e.name !== 'string' || !PHASES.has(e.ph) || !Number.isInteger(e.pid) || !Number.isInteger(e.tid)) out.push(`bad event ${JSON.stringify(e)}`);
    if (e.ph !== 'M' && typeof e.ts !== 'number') out.push(`no ts: ${JSON.stringify(e)}`);
    if (e.ph === 'X') {
      if (typeof e.dur !== 'number' || e.dur <= 0) out.push(`X without a positive dur: ${e.name}`);
      xs.add(`${e.pid}/${e.tid}/${e.ts}`);
    }
    if (e.ph === 'i' && !['g', 'p', 't'].includes(e.s ?? '')) out.push(`instant without scope: ${e.name}`);
    const id = `${e.cat}/${e.id}/${e.pid}`;
    if (e.ph === 'b') { if (begins.has(id)) out.push(`two begins ${id}`); begins.set(id, e); }
    if (e.ph === 'e') { if (ends.has(id)) out.push(`two ends ${id}`); ends.set(id, e); }
    if (e.ph === 's') { if (flowsS.has(e.id!)) out.push(`two flow starts ${e.id}`); flowsS.set(e.id!, e); }
    if (e.ph === 'f') { if (flowsF.has(e.id!)) out.push(`two flow ends ${e.id}`); flowsF.set(e.id!, e); if (e.bp !== 'e') out.push(`flow end ${e.id} not bound to its enclosing slice`); }
  }
  for (const [id, b] of begins) {
    const e = ends.get(id);
    if (!e) out.push(`begin ${id} without end`);
    else if (e.ts! < b.ts!) out.push(`end ${id} before its begin`);
  }
  for (const id of ends.keys()) if (!begins.has(id)) out.push(`end ${id} without begin`);
  for (const [id, s] of flowsS) {
    const f = flowsF.get(id);
    if (!f) out.push(`flow ${id} without end`);
    for (const x of [s, f]) if (x && !xs.has(`${x.pid}/${x.tid}/${x.ts}`)) out.push(`flow ${id} not on a slice`);
  }
  for (const id of flowsF.keys()) if (!flowsS.has(id)) out.push(`flow end ${id} without start`);
  return out;
}

const cite = (x: { source: string; line: number }) => `${x.source}:${x.line}`;

function roundTrip(trace: Trace, report: any): void {
  const instants = new Set(trace.traceEvents.filter((e) => e.ph === 'i' && e.tid === 1).map((e) => e.args?.at));
  for (const f of report.findings) {
    const slice = trace.traceEvents.find((e) => e.ph === 'X' && e.cat === 'finding' && e.args?.break === cite(f.first_break));
    expect(slice, `the finding at ${cite(f.first_break)}`).toBeDefined();
    expect(slice!.args!.pending).toEqual(f.pending.map(cite));
    expect(slice!.args!.resolved).toBe(f.resolved ? cite(f.resolved) : null);
    // the pending step stays open from its line to the resolution: visibly long
    const start = Date.parse(f.pending[0].ts) * 1000;
    expect(slice!.ts).toBeLessThanOrEqual(start + 1000);
    if (f.resolved?.ts) expect(slice!.ts! + slice!.dur!).toBeGreaterThanOrEqual(Date.parse(f.resolved.ts) * 1000 - 1000);
    const brk = trace.traceEvents.find((e) => e.ph === 'i' && e.cat === 'finding' && e.args?.break === cite(f.first_break));
    expect(brk?.s).toBe('p');
    // every cited line is an instant of its node's log track
    for (const c of [f.first_break, ...f.pending, ...(f.resolved ? [f.resolved] : [])]) expect(instants.has(cite(c)), cite(c)).toBe(true);
    // the pending operation instance is a slice from the pending line to the resolution
    const b = trace.traceEvents.find((e) => e.ph === 'b' && e.args?.begin === cite(f.pending[0]));
    expect(b, `operation slice from ${cite(f.pending[0])}`).toBeDefined();
    const e = trace.traceEvents.find((x) => x.ph === 'e' && x.id === b!.id && x.pid === b!.pid);
    if (f.resolved) expect(e?.args?.end).toBe(cite(f.resolved));
  }
  const hops = report.propagation.flatMap((p: any) => p.hops.filter((h: any) => h.sent?.ts && h.received?.ts));
  expect(trace.traceEvents.filter((e) => e.ph === 's').length).toBe(hops.length);
}

describe('trace files for Perfetto', () => {
  const out = join(tmp.dir, 'report');
  const inv = orderline(['investigate', 'samples/structured/logs', '--replicas', 'samples/structured/replicas', '--out', out]);

  it('investigate writes trace.json beside the reports: valid, and round-tripping the finding', () => {
    expect(inv.status, inv.stderr).toBe(0);
    expect(inv.stdout).toContain(join(out, 'trace.json'));
    const trace = JSON.parse(readFileSync(join(out, 'trace.json'), 'utf8')) as Trace;
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(problems(trace)).toEqual([]);
    expect(report.findings.length).toBeGreaterThan(0);
    roundTrip(trace, report);
    // one process per node, named
    const names = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args!.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(3);
  });

  it('export --perfetto: the whole database, then one key and a node set, then a time window', () => {
    const db = join(out, 'incident.duckdb');
    const all = join(tmp.dir, 'all.json');
    const r = orderlineJson(['export', '--perfetto', all, '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    const whole = JSON.parse(readFileSync(all, 'utf8')) as Trace;
    expect(problems(whole)).toEqual([]);
    expect(r.doc.events).toBe(whole.traceEvents.filter((e) => e.ph === 'i' && e.tid === 1).length);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    roundTrip(whole, report);

    const f = report.findings[0];
    const one = join(tmp.dir, 'one.json');
    expect(orderline(['export', '--perfetto', one, '--db', db, '--key', f.key, '--node', `${f.node},${f.healthy_node}`]).status).toBe(0);
    const keyed = JSON.parse(readFileSync(one, 'utf8')) as Trace;
    expect(problems(keyed)).toEqual([]);
    const logged = keyed.traceEvents.filter((e) => e.ph === 'i' && e.tid === 1);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.every((e) => e.args!.key === f.key)).toBe(true);
    expect(new Set(keyed.traceEvents.filter((e) => e.name === 'process_name').map((e) => e.args!.name))).toEqual(new Set([f.node, f.healthy_node]));

    const win = join(tmp.dir, 'win.json');
    expect(orderline(['export', '--perfetto', win, '--db', db, '--from', f.window.start, '--to', f.window.end]).status).toBe(0);
    const windowed = JSON.parse(readFileSync(win, 'utf8')) as Trace;
    const lo = Date.parse(f.window.start) * 1000;
    const hi = Date.parse(f.window.end) * 1000 + 1000;
    expect(windowed.traceEvents.filter((e) => e.ph === 'i' && e.tid === 1).every((e) => e.ts! >= lo && e.ts! <= hi)).toBe(true);
  });

  it('a free-text incident: the inferred operations are slices, every planted finding round-trips', () => {
    const dir = join(tmp.dir, 'realistic');
    const spec = randomRealisticSpec(4241);
    writeRealistic(spec, dir);
    const o = join(dir, 'out');
    const r = orderline(['investigate', join(dir, 'logs'), '--out', o, '--year', spec.start.slice(0, 4)]);
    expect(r.status, r.stderr).toBe(0);
    const trace = JSON.parse(readFileSync(join(o, 'trace.json'), 'utf8')) as Trace;
    expect(problems(trace)).toEqual([]);
    const report = JSON.parse(readFileSync(join(o, 'report.json'), 'utf8'));
    expect(report.findings.length).toBeGreaterThan(0);
    roundTrip(trace, report);
  });

  it('usage errors (exit 2): no --perfetto, a bad time', () => {
    const db = join(out, 'incident.duckdb');
    const a = orderline(['export', '--db', db]);
    expect(a.status).toBe(2);
    expect(a.stderr).toContain('export needs DIR (a Parquet dataset to write) or --perfetto FILE');
    const b = orderline(['export', '--perfetto', join(tmp.dir, 'x.json'), '--from', 'yesterday', '--db', db]);
    expect(b.status).toBe(2);
    expect(b.stderr).toContain('--from takes an ISO-8601 time');
  });
});
