/**
 * The realistic incident generator (samples/realistic.ts): seeded and byte-stable, every file in
 * its envelope, and an oracle that is exact: each cited source:line is the physical line it names,
 * raced cycles are out of order in the files and no other cycle is, counts, hops and dumps agree
 * with the plan. Lines are read here with this file's own envelope patterns; only the vocabulary's
 * templates are taken from the generator, to tell which step a message is.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CORE_ENVELOPES, generateRealistic, randomRealisticSpec, sizedSpec, streamRealistic, VOCABULARIES, writeRealistic,
  type Envelope, type LineAt, type RealisticExpected, type RealisticSink, type RealisticSpec, type Step,
} from '../samples/realistic.js';

const tmp = mkdtempSync(join(tmpdir(), 'orderline-realistic-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A cheap check for per-line loops (vitest's expect is too slow for millions of lines). */
function ok(cond: unknown, what: () => string): asserts cond {
  if (!cond) throw new Error(what());
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Physical lines of a file (the last newline ends the last line). */
function physical(content: string | Buffer): string[] {
  const s = typeof content === 'string' ? content : content.toString('utf8');
  const a = s.split('\n');
  if (a[a.length - 1] === '') a.pop();
  return a;
}

const JSON_ENVELOPES: Envelope[] = ['zap', 'journald-json'];
const JAVA_TRACE: Envelope[] = ['log4j', 'elasticsearch', 'plain'];
/** Envelopes that print no level: any of their events may carry a trace. */
const LEVELLESS: Envelope[] = ['syslog', 'journald-short-precise', 'journald-short-iso', 'journald-short-iso-precise'];

/** The envelope's event line, message captured (text envelopes). */
function eventPattern(env: Envelope, node: string): RegExp {
  const n = esc(node);
  switch (env) {
    case 'log4j': return /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (?:INFO |WARN |ERROR|DEBUG) \[[^\]]+\] (.*)$/;
    case 'elasticsearch': return new RegExp(`^\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d,\\d{3}\\]\\[(?:INFO |WARN |ERROR|DEBUG)\\]\\[[\\w.]+ *\\] \\[${n}\\] (.*)$`);
    case 'plain': return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (?:INFO|WARN|ERROR|DEBUG) (.*)$/;
    case 'syslog': return new RegExp(`^[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d ${n} \\w+\\[\\d+\\]: (.*)$`);
    case 'journald-short-precise': return new RegExp(`^[A-Z][a-z]{2} \\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} ${n} \\w+\\[\\d+\\]: (.*)$`);
    case 'journald-short-iso': return new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+0000 ${n} \\w+\\[\\d+\\]: (.*)$`);
    case 'journald-short-iso-precise': return new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00 ${n} \\w+\\[\\d+\\]: (.*)$`);
    case 'klog': return /^[IWE]\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ [\w.]+:\d+\] (.*)$/;
    case 'logfmt': return /^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=(?:info|warn|error|debug) caller=\S+ msg=("(?:[^"\\]|\\.)*"|\S+) component=\S+$/;
    case 'zap':
    case 'journald-json': return /^\{.*\}$/;
  }
}

interface Event { line: number; text: string; message: string; error: boolean; stack: boolean }

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number | string, w = 2) => String(n).padStart(w, '0');

/** The time a line prints, as ISO-8601 UTC with milliseconds (year from the spec for year-less envelopes). */
function printedTs(env: Envelope, text: string, year: number): string {
  let m: RegExpMatchArray | null;
  switch (env) {
    case 'log4j': m = text.match(/^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3})/)!; return `${m[1]}T${m[2]}.${m[3]}Z`;
    case 'elasticsearch': m = text.match(/^\[(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d),(\d{3})\]/)!; return `${m[1]}T${m[2]}.${m[3]}Z`;
    case 'plain': return text.slice(0, 24);
    case 'logfmt': return text.match(/^ts=(\S+)/)![1];
    case 'zap': {
      m = text.match(/"ts":(\d+)(?:\.(\d+))?[,}]/)!;
      return new Date(Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0').slice(0, 3))).toISOString();
    }
    case 'journald-json': return new Date(Math.floor(Number(JSON.parse(text).__REALTIME_TIMESTAMP) / 1000)).toISOString();
    case 'journald-short-precise':
    case 'syslog': {
      m = text.match(/^([A-Z][a-z]{2}) ([ \d]\d) (\d\d:\d\d:\d\d)(?:\.(\d{3}))?/)!;
      return `${year}-${pad(MONTHS.indexOf(m[1]) + 1)}-${pad(m[2].trim())}T${m[3]}.${m[4] ?? '000'}Z`;
    }
    case 'journald-short-iso': m = text.match(/^(\S+)\+0000/)!; return `${m[1]}.000Z`;
    case 'journald-short-iso-precise': m = text.match(/^(\S+T\d\d:\d\d:\d\d)\.(\d{3})/)!; return `${m[1]}.${m[2]}Z`;
    case 'klog': m = text.match(/^[IWE](\d\d)(\d\d) (\d\d:\d\d:\d\d)\.(\d{3})/)!; return `${year}-${m[1]}-${m[2]}T${m[3]}.${m[4]}Z`;
  }
}

/**
 * Reads a log as its envelope says: every physical line is an event line, a stack-trace
 * continuation of the event before it, or one of the garbage lines the oracle lists.
 */
function readLog(env: Envelope, node: string, content: string | Buffer, garbage: Set<number>): { lines: string[]; events: Event[] } {
  const lines = physical(content);
  const pattern = eventPattern(env, node);
  const events: Event[] = [];
  const java = /^(?:\tat |\t\.\.\. \d+ more$|Caused by: |[\w$.]+(?:Exception|Error)\b)/;
  lines.forEach((text, i) => {
    const line = i + 1;
    if (garbage.has(line)) return;
    if (JSON_ENVELOPES.includes(env)) {
      const o = JSON.parse(text);
      if (env === 'zap') {
        ok(['info', 'warn', 'error', 'debug'].includes(o.level) && typeof o.ts === 'number' && /^[\w/]+\.go:\d+$/.test(o.caller) && typeof o.msg === 'string',
          () => `${node}:${line} is not a zap line: ${text}`);
        events.push({ line, text, message: o.msg, error: o.level === 'error', stack: o.msg.includes('\n\tat ') });
      } else {
        ok(/^\d{16}$/.test(o.__REALTIME_TIMESTAMP) && o._HOSTNAME === node && /^[3467]$/.test(o.PRIORITY) && /^\d+$/.test(o._PID) &&
          typeof o.SYSLOG_IDENTIFIER === 'string' && typeof o.MESSAGE === 'string', () => `${node}:${line} is not a journal entry of ${node}: ${text}`);
        events.push({ line, text, message: o.MESSAGE, error: o.PRIORITY === '3', stack: o.MESSAGE.includes('\n\tat ') });
      }
      return;
    }
    const m = text.match(pattern);
    if (m) {
      const message = env === 'logfmt' ? (m[1].startsWith('"') ? JSON.parse(m[1]) : m[1]) : m[1];
      const error = env === 'logfmt' ? text.includes(' level=error ') : /ERROR|^E\d{4} /.test(text);
      events.push({ line, text, message, error, stack: env === 'logfmt' && message.includes('\n\tat ') });
      return;
    }
    // a continuation line: of an ERROR event, in the envelope's convention
    const last = events[events.length - 1];
    ok(last, () => `${node}:${line} ${JSON.stringify(text)}`);
    ok(LEVELLESS.includes(env) || last.error, () => `${node}:${line} continues a non-error line: ${JSON.stringify(text)}`);
    ok(JAVA_TRACE.includes(env) ? java.test(text) : /^ {20,}\t?\S/.test(text), () => `${node}:${line} is neither an event nor a trace line: ${JSON.stringify(text)}`);
    last.stack = true;
  });
  return { lines, events };
}

type StepMatch = { step: Step; k?: string; id?: string; n?: number; v?: number; s?: string; peer?: string };

/** The vocabulary's steps as patterns over a message. */
function stepMatcher(spec: RealisticSpec): (message: string) => StepMatch | null {
  const vocab = VOCABULARIES[spec.vocabulary];
  const patterns = (Object.entries(vocab.text) as [Step, string][]).map(([step, t]) => {
    const src = t.split(/(\{(?:k|id|n|v|s|peer)\})/).map((part) => {
      switch (part) {
        case '{k}': return '(?<k>\\S+?)';
        case '{id}': return '(?<id>\\S+?)';
        case '{s}': return '(?<s>\\S+?)';
        case '{peer}': return '(?<peer>\\S+?)';
        case '{n}': return '(?<n>\\d+)';
        case '{v}': return '(?<v>\\d+)';
        default: return esc(part);
      }
    }).join('');
    return { step, re: new RegExp(`^${src}$`) };
  });
  return (message) => {
    for (const { step, re } of patterns) {
      const m = message.match(re);
      if (m) {
        const g = m.groups ?? {};
        return { step, k: g.k, id: g.id, s: g.s, peer: g.peer, n: g.n === undefined ? undefined : Number(g.n), v: g.v === undefined ? undefined : Number(g.v) };
      }
    }
    return null;
  };
}

interface Cycle { load: Partial<Record<Step, number>>; write: Partial<Record<Step, number>>; loadId: string; writeId: string; loaded?: number; written?: number; version?: number }

/** Checks everything the oracle says against the files. */
function checkIncident(spec: RealisticSpec, read: (path: string) => string | Buffer, e: RealisticExpected): void {
  const year = new Date(spec.start).getUTCFullYear();
  const match = stepMatcher(spec);
  const names = spec.nodes.map((n) => n.name);
  expect(e.nodes).toEqual(names);
  expect(e.envelopes).toEqual(Object.fromEntries(spec.nodes.map((n) => [n.name, n.envelope])));
  expect(e.notInvariants).toEqual([VOCABULARIES[spec.vocabulary].text.cache, VOCABULARIES[spec.vocabulary].text.quota].map((t) => t.replace(/\{\w+\}/g, '<*>')));

  const garbageBy = new Map<string, Set<number>>();
  for (const g of e.garbage) garbageBy.set(g.source, (garbageBy.get(g.source) ?? new Set()).add(g.line));
  const logs = new Map<string, { env: Envelope; lines: string[]; events: Event[]; byLine: Map<number, Event> }>();
  for (const node of spec.nodes) {
    const source = e.sources[node.name];
    expect(source.startsWith(`logs/${node.name}/`)).toBe(true);
    const content = read(source);
    const { lines, events } = readLog(node.envelope, node.name, content, garbageBy.get(source) ?? new Set());
    expect(e.stats.lines[source]).toBe(lines.length);
    expect(e.stats.bytes[source]).toBe(typeof content === 'string' ? Buffer.byteLength(content) : content.length);
    expect(events.some((x) => x.stack), `${source} has a stack trace`).toBe(true);
    logs.set(node.name, { env: node.envelope, lines, events, byLine: new Map(events.map((x) => [x.line, x])) });
    // garbage, at least one of each kind
    const kinds = new Set<string>();
    for (const g of e.garbage.filter((x) => x.source === source)) {
      kinds.add(g.kind);
      const text = lines[g.line - 1];
      if (g.kind === 'empty') expect(text).toBe('');
      if (g.kind === 'binary') expect(text.startsWith('\u0000\u0001')).toBe(true);
      if (g.kind === 'truncated') {
        expect(text.length).toBeGreaterThan(0);
        if (JSON_ENVELOPES.includes(node.envelope)) expect(() => JSON.parse(text)).toThrow();
      }
    }
    expect([...kinds].sort()).toEqual(['binary', 'empty', 'truncated']);
  }

  const at = (ref: LineAt, want: Step): StepMatch => {
    const node = names.find((n) => e.sources[n] === ref.source)!;
    const log = logs.get(node)!;
    const ev = log.byLine.get(ref.line);
    expect(ev, `${ref.source}:${ref.line} is an event line`).toBeDefined();
    expect(printedTs(log.env, ev!.text, year), `${ref.source}:${ref.line} ts`).toBe(ref.ts);
    const m = match(ev!.message);
    expect(m?.step, `${ref.source}:${ref.line}: ${ev!.message}`).toBe(want);
    return m!;
  };

  // findings
  expect(e.findings.length).toBe(spec.races.length);
  for (const f of e.findings) {
    const race = spec.races.find((r) => r.key === f.key)!;
    expect([f.node, f.cycle, f.variant]).toEqual([race.node, race.cycle, race.variant]);
    expect(f.first_break.source).toBe(e.sources[f.node]);
    const brk = at(f.first_break, 'write.started');
    expect(brk.k).toBe(f.key);
    const resolved = at(f.resolved, 'load.completed');
    expect(resolved.k).toBe(f.key);
    expect(f.resolved.line).toBeGreaterThan(f.first_break.line);
    expect(f.pending.length).toBe(f.variant === 'started' ? 2 : 1);
    f.pending.forEach((p, i) => {
      const m = at(p, i === 0 ? 'load.queued' : 'load.started');
      expect(m.k).toBe(f.key);
      expect(m.id).toBe(resolved.id);
      expect(p.line).toBeLessThan(f.first_break.line);
      expect(p.resolved_ts).toBe(f.resolved.ts);
    });
  }

  // cycles, rebuilt from the files: per node and key, loads and writes grouped by operation id
  const cycles = new Map<string, Cycle[]>();
  const initialized = new Map<string, number[]>();
  const sideOrders = new Map<string, Set<string>>();
  const lastKeyLine = new Map<string, number>();
  for (const node of names) {
    const loads = new Map<string, { key: string; steps: Partial<Record<Step, number>>; n?: number }>();
    const writes = new Map<string, { key: string; steps: Partial<Record<Step, number>>; n?: number; v?: number }>();
    const lastSide = new Map<string, Step>();
    sideOrders.set(node, new Set());
    for (const ev of logs.get(node)!.events) {
      const m = match(ev.message);
      if (!m) continue;
      if (m.step === 'initialized') { initialized.set(node, [...(initialized.get(node) ?? []), m.n!]); continue; }
      if (m.k !== undefined && !m.step.startsWith('repair')) lastKeyLine.set(`${node}|${m.k}`, ev.line);
      if (m.step.startsWith('load.')) {
        const op = loads.get(m.id!) ?? { key: m.k!, steps: {} };
        ok(op.key === m.k, () => `load ${m.id} on ${node} names one key`);
        ok(op.steps[m.step] === undefined, () => `${node}: ${m.step} of ${m.id} once`);
        op.steps[m.step] = ev.line;
        if (m.n !== undefined) op.n = m.n;
        loads.set(m.id!, op);
      } else if (m.step.startsWith('write.')) {
        const op = writes.get(m.id!) ?? { key: m.k!, steps: {} };
        ok(op.key === m.k, () => `write ${m.id} on ${node} names one key`);
        ok(op.steps[m.step] === undefined, () => `${node}: ${m.step} of ${m.id} once`);
        op.steps[m.step] = ev.line;
        if (m.n !== undefined) { op.n = m.n; op.v = m.v; }
        writes.set(m.id!, op);
      } else if (m.step === 'cache' || m.step === 'quota') {
        const prev = lastSide.get(m.k!);
        if (prev && prev !== m.step) { sideOrders.get(node)!.add(`${prev}>${m.step}`); lastSide.delete(m.k!); } else lastSide.set(m.k!, m.step);
      }
    }
    const byKey = new Map<string, Cycle[]>();
    const loadList = [...loads.entries()].sort((a, b) => a[1].steps['load.queued']! - b[1].steps['load.queued']!);
    const writeList = [...writes.entries()].sort((a, b) => a[1].steps['write.queued']! - b[1].steps['write.queued']!);
    for (const [id, op] of loadList) {
      const list = byKey.get(op.key) ?? [];
      list.push({ load: op.steps, write: {}, loadId: id, writeId: '', loaded: op.n });
      byKey.set(op.key, list);
    }
    const wi = new Map<string, number>();
    for (const [id, op] of writeList) {
      const i = wi.get(op.key) ?? 0;
      wi.set(op.key, i + 1);
      const c = byKey.get(op.key)![i];
      Object.assign(c, { write: op.steps, writeId: id, written: op.n, version: op.v });
    }
    for (const [key, list] of byKey) cycles.set(`${node}|${key}`, list);
  }

  const allKeys = [...spec.keys, ...(spec.hotKeys ?? [])];
  const outOfOrder = new Set<string>();
  for (const { key, cycles: count } of allKeys) {
    for (let c = 1; c <= count; c++) {
      const loaded = new Set<number>();
      const written = new Map<string, number>();
      for (const node of names) {
        const list = cycles.get(`${node}|${key}`)!;
        ok(list.length === count, () => `${node} runs ${list.length} cycles of ${key}, not ${count}`);
        const cy = list[c - 1];
        const [lq, ls, lc] = [cy.load['load.queued']!, cy.load['load.started']!, cy.load['load.completed']!];
        const [wq, ws, wc] = [cy.write['write.queued']!, cy.write['write.started']!, cy.write['write.completed']!];
        ok([lq, ls, lc, wq, ws, wc].every((x) => x > 0), () => `${node} ${key} cycle ${c} complete`);
        loaded.add(cy.loaded!);
        written.set(node, cy.written!);
        const race = spec.races.find((r) => r.key === key && r.node === node && r.cycle === c);
        if (ws < lc) outOfOrder.add(`${node}|${key}|${c}`);
        if (!race) {
          ok(lq < ls && ls < lc && lc < wq && wq < ws && ws < wc, () => `${node} ${key} cycle ${c} in order`);
        } else {
          const order = race.variant === 'queued' ? [lq, wq, ws, wc, ls, lc] : [lq, ls, wq, ws, wc, lc];
          expect(order.every((x, i) => i === 0 || order[i - 1] < x), `${node} ${key} cycle ${c} raced (${race.variant})`).toBe(true);
          const f = e.findings.find((x) => x.key === key)!;
          expect(f.first_break.line).toBe(ws);
          expect(f.resolved.line).toBe(lc);
          expect(f.pending.map((p) => p.line)).toEqual(race.variant === 'queued' ? [lq] : [lq, ls]);
        }
        if (c > 1) {
          const prev = list[c - 2];
          ok(prev.write['write.completed']! < lq, () => `${node} ${key}: cycle ${c} starts after cycle ${c - 1}`);
          ok(cy.loaded! > prev.loaded!, () => `${key}: counts grow from cycle to cycle`);
        }
      }
      ok(loaded.size === 1, () => `${key} cycle ${c}: every node loads the same count`);
      const count0 = [...loaded][0];
      const race = spec.races.find((r) => r.key === key && r.cycle === c);
      for (const [node, n] of written) {
        if (race && race.node === node) {
          expect(Math.max(...[...written].filter(([x]) => x !== node).map(([, y]) => y))).toBeGreaterThan(n);
          const a = e.anomalies.find((x) => x.kind === 'derived' && x.key === key)!;
          expect([a.node, a.cycle, a.count, a.peer_count]).toEqual([node, c, n, count0]);
          const line = logs.get(node)!.byLine.get(a.line)!;
          expect(a.source).toBe(e.sources[node]);
          expect(match(line.message)).toMatchObject({ step: 'write.completed', k: key, n });
        } else ok(n === count0, () => `${node} ${key} cycle ${c} written from ${n}, loaded ${count0}`);
      }
    }
  }
  expect([...outOfOrder].sort()).toEqual(spec.races.map((r) => `${r.node}|${r.key}|${r.cycle}`).sort());

  // operation ids: shared by every replica, or each node's own
  for (const { key, cycles: count } of allKeys.slice(0, 5)) {
    for (let c = 1; c <= count; c++) {
      const ids = new Set(names.map((n) => cycles.get(`${n}|${key}`)![c - 1].loadId));
      if (spec.opIds.mode === 'coordinator') expect(ids.size).toBe(1);
      else if (spec.opIds.shape !== 'jobnum') expect(ids.size).toBe(names.length);
    }
  }

  // either-order steps really come in both orders on every node
  for (const node of names) expect([...sideOrders.get(node)!].sort(), node).toEqual(['cache>quota', 'quota>cache']);

  // initialized counts: the planted low ones, peers at initialEntities
  const lows = e.anomalies.filter((a) => a.kind === 'initialized');
  expect(lows.length).toBe(spec.lowCounts.length);
  for (const node of names) {
    const counts = initialized.get(node)!;
    const restarts = spec.restarts.filter((r) => r.node === node).length;
    expect(counts.length).toBe(1 + restarts);
    const planted = spec.lowCounts.filter((l) => l.node === node);
    expect(counts.filter((n) => n !== spec.initialEntities).sort()).toEqual(planted.map((l) => l.count).sort());
  }
  for (const a of lows) {
    expect(a.peer_count).toBe(spec.initialEntities);
    const ev = logs.get(a.node)!.byLine.get(a.line)!;
    expect(match(ev.message)).toMatchObject({ step: 'initialized', n: a.count });
  }

  // hops
  const spreadHops = spec.spreads.flatMap((s) => s.to.map((to) => `${s.key}|${s.from}|${to}`));
  expect(e.hops.map((h) => `${h.key}|${h.from}|${h.to}`)).toEqual(spreadHops);
  for (const h of e.hops) {
    expect(h.sent.source).toBe(e.sources[h.from]);
    expect(h.received.source).toBe(e.sources[h.to]);
    const sent = at(h.sent, 'repair.sent');
    const recv = at(h.received, 'repair.received');
    expect(sent).toMatchObject({ k: h.key, v: h.version, peer: h.to });
    expect(recv).toMatchObject({ k: h.key, v: h.version, peer: h.from, s: sent.s });
    const race = spec.races.find((r) => r.key === h.key)!;
    expect(cycles.get(`${race.node}|${h.key}`)![race.cycle - 1].version).toBe(h.version);
    // after the key's last line on the receiver
    expect(h.received.line).toBeGreaterThan(lastKeyLine.get(`${h.to}|${h.key}`)!);
  }

  // dumps
  const dumps = new Map<string, Map<string, { value: string; version: number; writetime: string }>>();
  for (const node of spec.nodes) {
    const path = e.dumps[node.name];
    expect(path).toBe(`replicas/${node.name}.${node.dump}`);
    const text = read(path).toString();
    let rows: { key: string; value: string; version: number; writetime: string }[];
    if (node.dump === 'csv') {
      const [head, ...body] = physical(text);
      expect(head).toBe('key,value,version,writetime');
      rows = body.map((l) => {
        const m = l.match(/^([^,]+),"((?:[^"]|"")*)",(\d+),(\S+)$/)!;
        return { key: m[1], value: m[2].replaceAll('""', '"'), version: Number(m[3]), writetime: m[4] };
      });
    } else if (node.dump === 'json') rows = JSON.parse(text);
    else rows = physical(text).map((l) => JSON.parse(l));
    expect(rows.length).toBe(allKeys.length);
    dumps.set(node.name, new Map(rows.map((r) => [r.key, r])));
  }
  const disagreeing = new Set(e.replicas.keys.map((k) => k.key));
  for (const { key, cycles: count } of allKeys) {
    const values = names.map((n) => dumps.get(n)!.get(key)!.value);
    const race = spec.races.find((r) => r.key === key);
    ok(disagreeing.has(key) || new Set(values).size === 1, () => `${key}: dumps agree`);
    for (const node of names) {
      const row = dumps.get(node)!.get(key)!;
      const bad = race !== undefined && (race.node === node || spec.spreads.some((s) => s.key === key && s.to.includes(node)));
      const list = cycles.get(`${node}|${key}`)!;
      const from = bad ? cycles.get(`${race!.node}|${key}`)![race!.cycle - 1] : list[count - 1];
      ok(row.version === from.version && row.value.startsWith(`entities=${from.written};`),
        () => `${node} ${key}: dump ${JSON.stringify(row)} is the ${bad ? 'raced' : 'last'} write (v${from.version}, ${from.written})`);
    }
  }
  expect(e.replicas.summary.agree + e.replicas.summary.one_differs + e.replicas.summary.all_differ).toBe(allKeys.length);
  for (const k of e.replicas.keys) {
    expect(k.values).toEqual(Object.fromEntries(names.map((n) => [n, dumps.get(n)!.get(k.key)!.value])));
    if (k.class === 'one_differs') {
      const odd = k.values[k.odd_replica!];
      expect(Object.values(k.values).filter((v) => v === odd).length).toBe(1);
    }
  }
  for (const key of e.trapKeys) {
    expect(new Set(names.map((n) => dumps.get(n)!.get(key)!.value)).size).toBe(1);
    expect(new Set(names.map((n) => dumps.get(n)!.get(key)!.version)).size).toBe(1);
    expect(e.hops.filter((h) => h.key === key).length).toBe(names.length - 1);
  }
  for (const g of e.lastGoodCopies) {
    const race = spec.races.find((r) => r.key === g.key)!;
    expect(dumps.get(g.replica)!.get(g.key)!.value).not.toBe(dumps.get(race.node)!.get(g.key)!.value);
    expect(e.hops.some((h) => h.key === g.key)).toBe(true);
  }
}

const fromMap = (files: Map<string, string | Buffer>) => (path: string) => {
  const c = files.get(path);
  if (c === undefined) throw new Error(`no file ${path}`);
  return c;
};

/** A random spec, sometimes with a hot key that races too. */
function specFor(seed: number): RealisticSpec {
  const spec = randomRealisticSpec(seed);
  if (seed % 10 === 3) {
    const hot = { key: `tenant-hot${seed}`, cycles: 150 };
    const node = spec.races[0].node;
    spec.hotKeys = [hot];
    spec.races.push({ key: hot.key, node, cycle: 1 + (seed % hot.cycles), variant: 'started' });
    spec.spreads.push({ key: hot.key, from: node, to: spec.nodes.map((n) => n.name).filter((n) => n !== node) });
  }
  return spec;
}

describe('realistic incident generator', () => {
  it('same seed, same bytes and answers; another seed, other files', () => {
    const a = generateRealistic(randomRealisticSpec(7));
    const b = generateRealistic(randomRealisticSpec(7));
    expect([...a.files.keys()]).toEqual([...b.files.keys()]);
    for (const [p, c] of a.files) expect(Buffer.from(c).equals(Buffer.from(b.files.get(p)!)), p).toBe(true);
    expect(a.expected).toEqual(b.expected);
    const c = generateRealistic(randomRealisticSpec(8));
    const first = (f: Map<string, string | Buffer>) => [...f.entries()].find(([p]) => p.startsWith('logs/'))!;
    expect(Buffer.from(first(c.files)[1]).equals(Buffer.from(first(a.files)[1]))).toBe(false);
    expect(c.expected).not.toEqual(a.expected);
  });

  it('random specs: 3–7 nodes in distinct envelopes, the five core ones from five nodes on, 2–6 cycles, 1–3 races', () => {
    const vocabularies = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const s = randomRealisticSpec(seed);
      vocabularies.add(s.vocabulary);
      expect(s.nodes.length).toBeGreaterThanOrEqual(3);
      expect(s.nodes.length).toBeLessThanOrEqual(7);
      const envs = s.nodes.map((n) => n.envelope);
      expect(new Set(envs).size).toBe(envs.length);
      if (s.nodes.length >= 5) for (const core of CORE_ENVELOPES) expect(envs).toContain(core);
      expect(s.keys.every((k) => k.cycles >= 2 && k.cycles <= 6)).toBe(true);
      expect(s.races.length).toBeGreaterThanOrEqual(1);
      expect(s.races.length).toBeLessThanOrEqual(3);
      expect(new Set(s.races.map((r) => r.node)).size).toBe(1);
      expect(s.nodes.every((n) => Math.abs(n.skewMs) >= 2 && Math.abs(n.skewMs) <= 50)).toBe(true);
      if (s.races.length >= 2) {
        const others = s.nodes.length - 1;
        expect(s.spreads.some((x) => x.to.length === others)).toBe(true);
        expect(s.spreads.some((x) => x.to.length < others)).toBe(true);
      }
    }
    expect(vocabularies.size).toBeGreaterThanOrEqual(4);
  });

  it('for 50 seeds every cited line is what the oracle says, in a file in its envelope', () => {
    const seen = { races: 0, first: 0, last: 0, traps: 0, lastGood: 0, restarts: 0, hot: 0, envelopes: new Set<string>(), variants: new Set<string>() };
    for (let seed = 0; seed < 50; seed++) {
      const spec = specFor(seed);
      const { files, expected } = generateRealistic(spec);
      try {
        checkIncident(spec, fromMap(files), expected);
      } catch (err) {
        throw new Error(`seed ${seed}: ${(err as Error).message}`);
      }
      seen.races += spec.races.length;
      seen.first += spec.races.filter((r) => r.cycle === 1).length;
      seen.last += spec.races.filter((r) => r.cycle === [...spec.keys, ...(spec.hotKeys ?? [])].find((k) => k.key === r.key)!.cycles).length;
      seen.traps += expected.trapKeys.length;
      seen.lastGood += expected.lastGoodCopies.length;
      seen.restarts += spec.restarts.length;
      seen.hot += spec.hotKeys?.length ?? 0;
      for (const n of spec.nodes) seen.envelopes.add(n.envelope);
      for (const r of spec.races) seen.variants.add(r.variant);
    }
    // the seeds cover what they should
    expect(seen.first).toBeGreaterThan(0);
    expect(seen.last).toBeGreaterThan(0);
    expect(seen.traps).toBeGreaterThan(0);
    expect(seen.lastGood).toBeGreaterThan(0);
    expect(seen.restarts).toBeGreaterThan(0);
    expect(seen.hot).toBeGreaterThan(0);
    expect(seen.envelopes.size).toBe(11);
    expect(seen.variants.size).toBe(2);
  });

  it('a hot key worked thousands of times races in the middle with an exact oracle', () => {
    const spec = randomRealisticSpec(99, { nodes: 3, keys: 10 });
    const node = spec.nodes[1].name;
    spec.hotKeys = [{ key: 'acct/hot-1', cycles: 2000 }];
    spec.races = [{ key: 'acct/hot-1', node, cycle: 1234, variant: 'queued' }];
    spec.spreads = [{ key: 'acct/hot-1', from: node, to: [spec.nodes[0].name] }];
    spec.lowCounts = [{ node, at: 'start', count: spec.initialEntities - 3 }];
    const { files, expected } = generateRealistic(spec);
    checkIncident(spec, fromMap(files), expected);
    expect(expected.findings.map((f) => [f.key, f.cycle])).toEqual([['acct/hot-1', 1234]]);
    expect(expected.lastGoodCopies).toEqual([{ key: 'acct/hot-1', replica: spec.nodes[2].name }]);
  });

  it('refuses a spec whose plan cannot be', () => {
    const spec = randomRealisticSpec(1);
    expect(() => generateRealistic({ ...spec, races: [{ ...spec.races[0], cycle: 99 }] })).toThrow(/cycle 99/);
    expect(() => generateRealistic({ ...spec, spreads: [{ key: spec.races[0].key, from: 'nobody', to: [] }] })).toThrow(/spread/);
    expect(() => generateRealistic({ ...spec, lowCounts: [{ node: spec.nodes[0].name, at: 'start', count: spec.initialEntities + 1 }] })).toThrow(/low count/);
  });

  it('writeRealistic sizes the logs to targetBytes, streams them, and keeps the oracle exact', () => {
    const spec = randomRealisticSpec(4242, { nodes: 5 });
    const target = 20_000_000;
    const dir = join(tmp, 'sized');
    const e = writeRealistic(spec, dir, { targetBytes: target });
    const total = Object.keys(e.stats.bytes).reduce((n, s) => n + statSync(join(dir, s)).size, 0);
    expect(total).toBeGreaterThan(target * 0.9);
    expect(total).toBeLessThan(target * 1.1);
    expect(Object.keys(e.stats.bytes).length).toBe(5);
    // the spec writeRealistic used: the spec's keys, then seeded filler keys
    const sized = sizedSpec(spec, target);
    expect(sized.keys.slice(0, spec.keys.length)).toEqual(spec.keys);
    expect(e.stats.keys).toBe(sized.keys.length);
    expect(e.stats.keys).toBeGreaterThan(spec.keys.length);
    checkIncident(sized, (p) => readFileSync(join(dir, p)), e);

    // the generator hands its sinks events, never a whole file
    let biggest = 0;
    let pieces = 0;
    const bytes = new Map<string, number>();
    streamRealistic(spec, (path) => {
      let n = 0;
      const sink: RealisticSink = {
        text(s) { biggest = Math.max(biggest, s.length); pieces++; n += Buffer.byteLength(s); },
        bytes(b) { biggest = Math.max(biggest, b.length); pieces++; n += b.length; },
        close() { bytes.set(path, n); },
        get written() { return n; },
      };
      return sink;
    }, { targetBytes: target });
    expect(biggest).toBeLessThan(64 * 1024);
    expect(pieces).toBeGreaterThan(100_000);
    for (const [s, n] of Object.entries(e.stats.bytes)) expect(bytes.get(s)).toBe(n);
  });

  it('sizes a run with hot keys too', () => {
    const spec = randomRealisticSpec(77, { nodes: 5 });
    // 1500 cycles of a hot key, 400 ms apart, make a schedule with idle slots the fillers fill
    spec.hotKeys = [{ key: 'u:hot-1', cycles: 1500 }];
    const target = 25_000_000;
    let total = 0;
    const e = streamRealistic(spec, (path) => {
      let n = 0;
      return { text(s) { n += s.length; }, bytes(b) { n += b.length; }, close() { if (path.startsWith('logs/')) total += n; }, get written() { return n; } };
    }, { targetBytes: target });
    expect(total).toBeGreaterThan(target * 0.9);
    expect(total).toBeLessThan(target * 1.1);
    expect(e.stats.hotKeys).toBe(1);
  });
});
