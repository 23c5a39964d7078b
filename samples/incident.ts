/**
 * A seeded generator of small, realistic race-condition incidents with known answers.
 *
 * Every node processes every customer key through the same pipeline:
 *   LoadMetadata queued → started → completed → WriteDerived started → completed (version) → Publish
 * A planted race makes a node start WriteDerived while LoadMetadata is still queued for that key
 * (queued → WriteDerived started/completed → LoadMetadata started/completed → Publish). A planted
 * spread repairs the racing node's bad version to the next nodes of a chain (anti-entropy events
 * with peer / from_node / to_node / version). Nodes also log "initialized with metadata from N
 * entities" at three refreshes; a planted low count makes one node report fewer at one of them.
 * Replica dumps hold each node's final value per key; planted odd replicas change or drop one.
 *
 * The output is a map of relative path → file text plus the expected findings, computed from the
 * plan (an oracle independent of orderline's SQL). Same spec, same bytes.
 */

export type LogFormat = 'jsonl' | 'logfmt' | 'json' | 'otlp';
export type DumpFormat = 'ndjson' | 'csv' | 'json';
export type RaceVariant = 'queued' | 'started';

export interface NodeSpec {
  name: string;
  format: LogFormat;
  /** Whether the node logs a `seq` on every event. */
  seq: boolean;
  /** Clock offset of the node, ms (realism only: each node's own order is what counts). */
  skewMs: number;
  dump: DumpFormat;
}

export interface IncidentSpec {
  seed: number;
  nodes: NodeSpec[];
  keys: string[];
  /**
   * Planted races, at most one per key. `queued` (default): WriteDerived starts while LoadMetadata
   * is only queued; `started`: while it is queued and started but not completed.
   */
  races: { key: string; node: string; variant?: RaceVariant }[];
  /** The bad version of a raced key travels along this chain of nodes, starting at the racing node. */
  spreads: { key: string; chain: string[] }[];
  /** Replica dump changes: the replica's value for the key differs (or is missing). */
  oddReplicas: { key: string; replica: string; missing: boolean }[];
  /** A node reporting fewer entities at one metadata refresh (1-based). */
  lowCounts: { node: string; refresh: number; count: number }[];
  /** Entities per refresh on a healthy node. */
  entityCounts: number[];
  start: string;
}

export interface ExpectedEvidence { op: string | null; phase: string | null; ts: string; source: string; line: number }

export interface ExpectedFinding {
  key: string;
  node: string;
  first_break: ExpectedEvidence;
  missing: { op: string; phase: string };
  pending: (ExpectedEvidence & { resolved_ts: string | null })[];
  window: { start: string; end: string };
  healthy_node: string | null;
}

export interface ExpectedReplicaKey {
  key: string;
  class: 'one_differs' | 'all_differ';
  odd_replica: string | null;
  values: Record<string, string | null>;
}

export interface ExpectedAnomaly {
  node: string;
  template: string;
  phase_index: number;
  count: number;
  peer_median: number;
  peers: Record<string, number>;
  source: string;
  line: number;
}

export interface ExpectedHop { from: string; to: string; version: number; ts: string; source: string; line: number }

/** A row of the containment list as the plan says it must read (affected, report section 6). */
export interface ExpectedAffected { key: string; node: string; action: 'restore' | 'keep' | 'check'; restore_from: string | null }

export interface Expected {
  /** Paths are relative to the incident folder (logs/…, replicas/…). */
  note: string;
  findings: ExpectedFinding[];
  replicas: { summary: { agree: number; one_differs: number; all_differ: number }; keys: ExpectedReplicaKey[] };
  anomalies: ExpectedAnomaly[];
  propagation: { key: string; origin: { node: string; version: number; ts: string }; hops: ExpectedHop[] }[];
  /**
   * The containment list: a raced node and every node its version reached are to be restored,
   * from a replica that kept the good version when one did (the last good copy, to keep);
   * an odd replica the plan gives no reason for is to be checked.
   */
  affected: ExpectedAffected[];
}

export interface Incident {
  files: Map<string, string>;
  expected: Expected;
}

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface LogEvent {
  tsMs: number;
  level: string;
  component: string;
  msg: string;
  key?: string;
  op?: string;
  phase?: string;
  version?: number;
  peer?: string;
  fromNode?: string;
  toNode?: string;
  traceId?: string;
  /** Filled when rendered. */
  seq?: number;
  line?: number;
}

const LOG_FILE: Record<LogFormat, string> = { jsonl: 'app.jsonl', logfmt: 'app.log', json: 'events.json', otlp: 'otlp-export.json' };
const DUMP_EXT: Record<DumpFormat, string> = { ndjson: 'ndjson', csv: 'csv', json: 'json' };
const COUNT_TEMPLATE = 'initialized with metadata from <*> entities';
const GOOD_VERSION = 7;
const BAD_VERSION = 8;

const iso = (ms: number) => new Date(ms).toISOString();

function hex(rnd: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rnd() * 16)];
  return s;
}

/** The derived value a node computes for a key from a metadata snapshot. */
function derivedValue(key: string, entities: number): string {
  let h = 2166136261;
  for (const c of `${key}/${entities}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return `segments=${entities % 97};digest=${h.toString(16).padStart(8, '0')}`;
}

function stepsFor(raced: RaceVariant | null): [string, string][] {
  const normal: [string, string][] = [
    ['LoadMetadata', 'queued'], ['LoadMetadata', 'started'], ['LoadMetadata', 'completed'],
    ['WriteDerived', 'started'], ['WriteDerived', 'completed'], ['Publish', 'completed'],
  ];
  if (raced === null) return normal;
  if (raced === 'started') return [normal[0], normal[1], normal[3], normal[4], normal[2], normal[5]];
  return [normal[0], normal[3], normal[4], normal[1], normal[2], normal[5]];
}

const MESSAGES: Record<string, (key: string) => string> = {
  'LoadMetadata:queued': (k) => `metadata load queued for ${k}`,
  'LoadMetadata:started': (k) => `loading entity metadata for ${k}`,
  'LoadMetadata:completed': (k) => `entity metadata ready for ${k}`,
  'WriteDerived:started': (k) => `computing derived record for ${k}`,
  'WriteDerived:completed': (k) => `derived record written for ${k}`,
  'Publish:completed': (k) => `published ${k} to readers`,
};
const COMPONENT: Record<string, string> = { LoadMetadata: 'MetadataLoader', WriteDerived: 'DerivedWriter', Publish: 'Publisher' };

export function generateIncident(spec: IncidentSpec): Incident {
  const rnd = prng(spec.seed);
  const t0 = Date.parse(spec.start);
  const nodes = [...spec.nodes].sort((a, b) => (a.name < b.name ? -1 : 1));
  const events = new Map<string, LogEvent[]>(nodes.map((n) => [n.name, []]));
  const raced = new Map(spec.races.map((r) => [`${r.key}\u0000${r.node}`, r.variant ?? 'queued']));
  const refreshAt = spec.entityCounts.map((_, i) => Math.floor((i * spec.keys.length) / spec.entityCounts.length));
  const lowCount = (node: string, refresh: number) => spec.lowCounts.find((l) => l.node === node && l.refresh === refresh)?.count;

  // Per node: which snapshot (entities) each key's derived value came from.
  const snapshotOf = new Map<string, number>();
  // Per (key, node) event handles, for the oracle.
  const handles = new Map<string, Record<string, LogEvent>>();
  const KEY_SLOT_MS = 400;

  for (const node of nodes) {
    const evs = events.get(node.name)!;
    const nodeStart = t0 + node.skewMs + Math.floor(rnd() * 5);
    evs.push({ tsMs: nodeStart - 300, level: 'INFO', component: 'Server', msg: `${node.name} starting derived-data service` });
    let entities = spec.entityCounts[0];
    spec.keys.forEach((key, i) => {
      const base = nodeStart + i * KEY_SLOT_MS;
      const r = refreshAt.indexOf(i);
      if (r >= 0) {
        // A low count is what the node reported at that refresh; the loads that follow complete
        // properly, so only a raced write is computed from incomplete metadata.
        const reported = lowCount(node.name, r + 1) ?? spec.entityCounts[r];
        entities = spec.entityCounts[r];
        evs.push({ tsMs: base - 40, level: 'INFO', component: 'MetadataCache', msg: `initialized with metadata from ${reported} entities` });
      }
      if (rnd() < 0.3) evs.push({ tsMs: base - 20, level: 'DEBUG', component: 'Gossip', msg: 'gossip round finished, cluster view unchanged' });
      const variant = raced.get(`${key}\u0000${node.name}`) ?? null;
      const isRaced = variant !== null;
      const h: Record<string, LogEvent> = {};
      let t = base;
      const trace = hex(rnd, 16);
      for (const [op, phase] of stepsFor(variant)) {
        t += 3 + Math.floor(rnd() * 25);
        const ev: LogEvent = { tsMs: t, level: 'INFO', component: COMPONENT[op], msg: MESSAGES[`${op}:${phase}`](key), key, op, phase, traceId: trace };
        if (op === 'WriteDerived' && phase === 'completed') ev.version = isRaced ? BAD_VERSION : GOOD_VERSION;
        evs.push(ev);
        h[`${op}:${phase}`] = ev;
      }
      // A raced write used the snapshot before the one being loaded.
      snapshotOf.set(`${key}\u0000${node.name}`, isRaced ? entities - 25 : entities);
      handles.set(`${key}\u0000${node.name}`, h);
    });
    evs.push({ tsMs: nodeStart + spec.keys.length * KEY_SLOT_MS + 200, level: 'INFO', component: 'Server', msg: 'all derived records published' });
  }

  // Spreads: anti-entropy hops along the chain, after the pipeline finished everywhere.
  const hopsOut: Expected['propagation'] = [];
  const spreadHops: { key: string; from: string; to: string; send: LogEvent; recv: LogEvent }[] = [];
  const endMs = t0 + spec.keys.length * KEY_SLOT_MS + 1000;
  for (const s of spec.spreads) {
    let t = endMs + Math.floor(rnd() * 200);
    for (let i = 0; i + 1 < s.chain.length; i++) {
      const from = s.chain[i];
      const to = s.chain[i + 1];
      const sendNode = nodes.find((n) => n.name === from)!;
      const recvNode = nodes.find((n) => n.name === to)!;
      t += 150 + Math.floor(rnd() * 100);
      const send: LogEvent = {
        tsMs: t + sendNode.skewMs, level: 'INFO', component: 'AntiEntropy', key: s.key, op: 'Repair', phase: 'started',
        peer: to, toNode: to, version: BAD_VERSION, msg: `anti-entropy: streaming ${s.key} to ${to}, newer version`,
      };
      const recv: LogEvent = {
        tsMs: t + 12 + recvNode.skewMs, level: 'INFO', component: 'AntiEntropy', key: s.key, op: 'Repair', phase: 'completed',
        peer: from, fromNode: from, version: BAD_VERSION, msg: `anti-entropy: applied ${s.key} from ${from}, replaced older version`,
      };
      events.get(from)!.push(send);
      events.get(to)!.push(recv);
      spreadHops.push({ key: s.key, from, to, send, recv });
      // the receiver now holds the racing node's value
      snapshotOf.set(`${s.key}\u0000${to}`, snapshotOf.get(`${s.key}\u0000${s.chain[0]}`)!);
    }
  }

  // Render logs.
  const files = new Map<string, string>();
  const sourceOf = new Map<string, string>();
  for (const node of nodes) {
    const evs = events.get(node.name)!.sort((a, b) => a.tsMs - b.tsMs);
    evs.forEach((e, i) => { e.line = i + 1; if (node.seq) e.seq = 1000 + i; });
    const path = `logs/${node.name}/${LOG_FILE[node.format]}`;
    sourceOf.set(node.name, path);
    files.set(path, renderLog(node, evs));
  }

  // Replica dumps.
  const values = new Map<string, Record<string, string | null>>();
  for (const key of spec.keys) {
    const row: Record<string, string | null> = {};
    for (const node of nodes) row[node.name] = derivedValue(key, snapshotOf.get(`${key}\u0000${node.name}`)!);
    values.set(key, row);
  }
  for (const o of spec.oddReplicas) values.get(o.key)![o.replica] = o.missing ? null : derivedValue(o.key, 1);
  const versionOf = (key: string, node: string) =>
    spec.races.some((r) => r.key === key && r.node === node) || spec.spreads.some((s) => s.key === key && s.chain.includes(node))
      ? BAD_VERSION : GOOD_VERSION;
  for (const node of nodes) {
    const rows = spec.keys
      .filter((k) => values.get(k)![node.name] !== null)
      .map((k) => ({ key: k, value: values.get(k)![node.name]!, version: versionOf(k, node.name), writetime: iso(handles.get(`${k}\u0000${node.name}`)!['WriteDerived:completed'].tsMs) }));
    files.set(`replicas/${node.name}.${DUMP_EXT[node.dump]}`, renderDump(node.dump, rows));
  }

  // The oracle.
  const ev = (node: string, e: LogEvent): ExpectedEvidence => ({ op: e.op ?? null, phase: e.phase ?? null, ts: iso(e.tsMs), source: sourceOf.get(node)!, line: e.line! });
  const findings: ExpectedFinding[] = spec.races.map(({ key, node, variant }) => {
    const h = handles.get(`${key}\u0000${node}`)!;
    const resolved = iso(h['LoadMetadata:completed'].tsMs);
    const healthy = nodes.map((n) => n.name).filter((n) => n !== node && !raced.has(`${key}\u0000${n}`))[0] ?? null;
    return {
      key, node,
      first_break: ev(node, h['WriteDerived:started']),
      missing: { op: 'LoadMetadata', phase: 'completed' },
      pending: (variant === 'started' ? ['LoadMetadata:queued', 'LoadMetadata:started'] : ['LoadMetadata:queued'])
        .map((step) => ({ ...ev(node, h[step]), resolved_ts: resolved })),
      window: { start: iso(h['LoadMetadata:queued'].tsMs), end: resolved },
      healthy_node: healthy,
    };
  }).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.node < b.node ? -1 : 1));

  const replicaKeys: ExpectedReplicaKey[] = [];
  const summary = { agree: 0, one_differs: 0, all_differ: 0 };
  for (const key of spec.keys) {
    const row = values.get(key)!;
    const groups = new Map<string, string[]>();
    for (const [replica, v] of Object.entries(row)) {
      const id = v === null ? 'null' : `v:${v}`;
      groups.set(id, [...(groups.get(id) ?? []), replica]);
    }
    if (groups.size === 1) { summary.agree++; continue; }
    const sizes = [...groups.values()];
    const odd = nodes.length >= 3 && groups.size === 2 ? sizes.find((g) => g.length === 1) : undefined;
    const cls = odd ? 'one_differs' : 'all_differ';
    summary[cls]++;
    replicaKeys.push({ key, class: cls, odd_replica: odd ? odd[0] : null, values: row });
  }
  replicaKeys.sort((a, b) => (a.class !== b.class ? (a.class === 'one_differs' ? -1 : 1) : a.key < b.key ? -1 : 1));

  const anomalies: ExpectedAnomaly[] = spec.lowCounts.map((l) => {
    const peers = Object.fromEntries(nodes.filter((n) => n.name !== l.node).map((n) => [n.name, lowCount(n.name, l.refresh) ?? spec.entityCounts[l.refresh - 1]]));
    const sorted = Object.values(peers).sort((a, b) => a - b);
    const mid = sorted.length / 2;
    const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
    const line = events.get(l.node)!.filter((e) => e.msg.startsWith('initialized with metadata'))[l.refresh - 1];
    return { node: l.node, template: COUNT_TEMPLATE, phase_index: l.refresh, count: l.count, peer_median: median, peers, source: sourceOf.get(l.node)!, line: line.line! };
  });

  for (const s of spec.spreads) {
    const origin = handles.get(`${s.key}\u0000${s.chain[0]}`)!['WriteDerived:completed'];
    hopsOut.push({
      key: s.key,
      origin: { node: s.chain[0], version: BAD_VERSION, ts: iso(origin.tsMs) },
      hops: spreadHops.filter((h) => h.key === s.key).map((h) => ({ from: h.from, to: h.to, version: BAD_VERSION, ts: iso(h.recv.tsMs), source: sourceOf.get(h.to)!, line: h.recv.line! })),
    });
  }

  const affected: ExpectedAffected[] = [];
  const affectedRow = (key: string, node: string, action: ExpectedAffected['action'], restoreFrom: string | null) => {
    const old = affected.find((a) => a.key === key && a.node === node);
    if (!old) affected.push({ key, node, action, restore_from: restoreFrom });
    else if (action === 'keep' || (action === 'restore' && old.action === 'check')) Object.assign(old, { action, restore_from: restoreFrom });
  };
  for (const r of spec.races) {
    const chain = spec.spreads.find((s) => s.key === r.key)?.chain ?? [r.node];
    const holders = new Set([r.node, ...chain]);
    const good = nodes.map((n) => n.name).filter((n) => !holders.has(n) && values.get(r.key)![n] !== null
      && !spec.oddReplicas.some((o) => o.key === r.key && o.replica === n) && !raced.has(`${r.key}\u0000${n}`));
    for (const h of holders) affectedRow(r.key, h, 'restore', good[0] ?? null);
    for (const g of good) if (versionOf(r.key, g) < BAD_VERSION && holders.size > 1) affectedRow(r.key, g, 'keep', null);
  }
  for (const k of replicaKeys) {
    if (k.class === 'one_differs' && k.odd_replica) affectedRow(k.key, k.odd_replica, 'check', null);
    else for (const rep of Object.keys(k.values)) affectedRow(k.key, rep, 'check', null);
  }
  affected.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.node < b.node ? -1 : 1));

  return {
    files,
    expected: {
      note: 'Paths are relative to this folder. Hops cite the receiving node\'s line (from_node, version); the sender logs to_node on its side too.',
      findings,
      replicas: { summary, keys: replicaKeys },
      anomalies,
      propagation: hopsOut,
      affected,
    },
  };
}

function renderLog(node: NodeSpec, evs: LogEvent[]): string {
  const fields = (e: LogEvent): [string, string | number][] => {
    const f: [string, string | number][] = [['ts', iso(e.tsMs)], ['node', node.name], ['level', e.level], ['component', e.component]];
    if (e.key !== undefined) f.push(['key', e.key]);
    if (e.op !== undefined) f.push(['op', e.op]);
    if (e.phase !== undefined) f.push(['phase', e.phase]);
    if (e.seq !== undefined) f.push(['seq', e.seq]);
    if (e.version !== undefined) f.push(['version', e.version]);
    // from_node / to_node before peer: the first of them that ingest meets sets peer (and its direction)
    if (e.fromNode !== undefined) f.push(['from_node', e.fromNode]);
    if (e.toNode !== undefined) f.push(['to_node', e.toNode]);
    if (e.peer !== undefined) f.push(['peer', e.peer]);
    if (e.traceId !== undefined) f.push(['trace_id', e.traceId]);
    f.push(['msg', e.msg]);
    return f;
  };
  switch (node.format) {
    case 'jsonl':
      return evs.map((e) => JSON.stringify(Object.fromEntries(fields(e)))).join('\n') + '\n';
    case 'logfmt':
      return evs.map((e) => fields(e).map(([k, v]) => `${k}=${typeof v === 'string' && /[\s"=]/.test(v) ? JSON.stringify(v) : v}`).join(' ')).join('\n') + '\n';
    case 'json':
      return `[\n${evs.map((e) => `  ${JSON.stringify(Object.fromEntries(fields(e)))}`).join(',\n')}\n]\n`;
    case 'otlp': {
      const records = evs.map((e) => {
        const attrs = fields(e).filter(([k]) => !['ts', 'node', 'level', 'msg', 'trace_id'].includes(k))
          .map(([k, v]) => ({ key: k, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } }));
        const rec: Record<string, unknown> = {
          timeUnixNano: `${BigInt(e.tsMs) * 1_000_000n}`,
          severityText: e.level,
          body: { stringValue: e.msg },
          attributes: attrs,
        };
        if (e.traceId) rec.traceId = e.traceId.padStart(32, '0');
        return `        ${JSON.stringify(rec)}`;
      });
      return '{"resourceLogs": [{\n' +
        `  "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "${node.name}"}}, {"key": "service.namespace", "value": {"stringValue": "derived-data"}}]},\n` +
        '  "scopeLogs": [{\n    "scope": {"name": "derived-data"},\n    "logRecords": [\n' +
        records.join(',\n') + '\n    ]\n  }]\n}]}\n';
    }
  }
}

function renderDump(format: DumpFormat, rows: { key: string; value: string; version: number; writetime: string }[]): string {
  switch (format) {
    case 'ndjson':
      return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    case 'json':
      return `[\n${rows.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]\n`;
    case 'csv':
      return 'key,value,version,writetime\n' + rows.map((r) => `${r.key},"${r.value.replaceAll('"', '""')}",${r.version},${r.writetime}`).join('\n') + '\n';
  }
}

/** The committed sample: four nodes in four formats, one race, its low count and its spread. */
export const SAMPLE_SPEC: IncidentSpec = {
  seed: 20261127,
  nodes: [
    { name: 'node-a', format: 'jsonl', seq: true, skewMs: 0, dump: 'ndjson' },
    { name: 'node-b', format: 'logfmt', seq: false, skewMs: 37, dump: 'csv' },
    { name: 'node-c', format: 'json', seq: true, skewMs: -21, dump: 'json' },
    { name: 'node-d', format: 'otlp', seq: false, skewMs: 12, dump: 'ndjson' },
  ],
  keys: Array.from({ length: 40 }, (_, i) => `customer-${1001 + i}`),
  races: [{ key: 'customer-1017', node: 'node-b' }],
  spreads: [{ key: 'customer-1017', chain: ['node-b', 'node-c', 'node-d'] }],
  oddReplicas: [],
  lowCounts: [{ node: 'node-b', refresh: 2, count: 4790 }],
  entityCounts: [4790, 4815, 4840],
  start: '2026-11-27T14:30:00.000Z',
};

/** A random incident for property tests: 2–6 nodes, random formats, 1–3 races, odd replicas. */
export function randomSpec(seed: number): IncidentSpec {
  const rnd = prng(seed);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)];
  const n = 2 + Math.floor(rnd() * 5);
  const nodes: NodeSpec[] = Array.from({ length: n }, (_, i) => ({
    name: `n${i + 1}-${hex(rnd, 3)}`,
    format: pick(['jsonl', 'logfmt', 'json', 'otlp'] as const),
    seq: rnd() < 0.5,
    skewMs: Math.floor(rnd() * 80) - 40,
    dump: pick(['ndjson', 'csv', 'json'] as const),
  }));
  const keys = Array.from({ length: 60 }, (_, i) => `k${seed % 1000}-${String(i).padStart(3, '0')}`);
  const shuffled = [...keys];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const races = Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, i) => ({
    key: shuffled[i], node: pick(nodes).name, variant: pick(['queued', 'started'] as const),
  }));
  const spreads = rnd() < 0.5 && n >= 3
    ? [{ key: races[0].key, chain: [races[0].node, ...nodes.map((x) => x.name).filter((x) => x !== races[0].node).slice(0, 1 + Math.floor(rnd() * (n - 2)))] }]
    : [];
  const oddReplicas = n >= 3
    ? Array.from({ length: Math.floor(rnd() * 4) }, (_, i) => ({ key: shuffled[10 + i], replica: pick(nodes).name, missing: rnd() < 0.3 }))
    : [];
  const lowNode = pick(nodes).name;
  return {
    seed, nodes, keys, races, spreads, oddReplicas,
    lowCounts: n >= 3 ? [{ node: lowNode, refresh: 1 + Math.floor(rnd() * 3), count: 1000 + Math.floor(rnd() * 100) }] : [],
    entityCounts: [2000, 2100, 2200],
    start: '2026-03-01T08:00:00.000Z',
  };
}
