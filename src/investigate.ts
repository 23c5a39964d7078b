/**
 * `orderline investigate`: the whole method in one run, into one folder. Ingest the logs
 * into a fresh incident.duckdb, then replicas, diverge, anomalies, propagation, affected,
 * in that order, then per finding its timeline and the key's events on every node; write
 * report.json, report.md and (when asked) report.html.
 *
 * The analyses plug in through `InvestigationSteps` (tests substitute their own);
 * `defaultSteps` are the real ones of src/analyses/.
 */
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  reportDoc,
  type AffectedRow,
  type AnomaliesDoc,
  type DivergeDoc,
  type Finding,
  type KeyVerdict,
  type PropagationDoc,
  type ReplicasDoc,
  type ReportDoc,
  type TimelineDoc,
  type TimelineEvent,
} from './analyses/shapes.js';
import { openDatabase } from './db/database.js';
import { hasEvents } from './db/lookup.js';
import { explainEvents } from './infer/explain.js';
import { useInference } from './infer/infer.js';
import { RuntimeError } from './errors.js';
import { ANALYSIS_MEMORY_LIMIT, memoryLimitBytes } from './db/memory.js';
import { ingestIntoDatabase, type IngestOptions, type IngestResult } from './ingest.js';
import { writePerfettoTrace } from './export/perfetto.js';
import { renderHtml } from './report/html.js';
import { affected, MAX_PROPAGATION_KEYS, propagationKeys, verdicts } from './analyses/affected.js';
import { anomalies } from './analyses/anomalies.js';
import { diverge } from './analyses/diverge.js';
import { propagationForKeys } from './analyses/propagation.js';
import { replicaKeysOf, replicas } from './analyses/replicas.js';
import { timeline } from './analyses/timeline.js';
import { keyEvents, type Window } from './report/keyEvents.js';
import { cycleWindow } from './report/commands.js';
import { renderMarkdown } from './report/markdown.js';
import { emptyReportDoc, MAX_DRAWN_FINDINGS, reportFileOf, type FindingDetail, type ReportMeta, type ReportModel } from './report/model.js';
import { VERSION } from './version.js';

/** The documents of the analyses before `affected`, which derives the containment list from them. */
export interface AnalysisDocs {
  replicas: ReplicasDoc;
  /** The replica state of the findings' keys, `agree` included (empty without dumps). */
  replicaKeys: ReplicasDoc['keys'];
  diverge: DivergeDoc;
  anomalies: AnomaliesDoc;
  propagation: PropagationDoc[];
}

/** The analyses, as `investigate` calls them: each returns its contract §5 document. */
export interface InvestigationSteps {
  /** Loads the dumps into `replica_state` and classifies every key (`orderline replicas`). */
  replicas(conn: DuckDBConnection, dumps: readonly string[]): Promise<ReplicasDoc>;
  /** Mines invariants and finds each (key, node)'s first break (`orderline diverge`, default thresholds). */
  diverge(conn: DuckDBConnection): Promise<DivergeDoc>;
  /** Lower-count anomalies (`orderline anomalies`). */
  anomalies(conn: DuckDBConnection): Promise<AnomaliesDoc>;
  /** How each of these keys travelled between nodes, one document per key (`orderline propagation --key K`). */
  propagation(conn: DuckDBConnection, keys: readonly string[]): Promise<PropagationDoc[]>;
  /** The containment list from the findings above, and its reasoning per key (`orderline affected`). */
  affected(docs: AnalysisDocs): Promise<{ affected: AffectedRow[]; verdicts: KeyVerdict[] }>;
  /** The broken node's events of a key beside a healthy node's, aligned by (op, phase), around a finding's window (`orderline timeline`). */
  timeline(conn: DuckDBConnection, key: string, node: string, vs: string | null, around?: Window | null): Promise<TimelineDoc | null>;
  /** The key's events on every node around a window (the HTML swimlanes). */
  keyEvents(conn: DuckDBConnection, key: string, around: Window | null): Promise<TimelineEvent[]>;
}

/** The analyses of src/analyses/, with their default thresholds. */
export const defaultSteps: InvestigationSteps = {
  replicas: (conn, dumps) => replicas(conn, { dumps: [...dumps] }),
  diverge: (conn) => diverge(conn, {}),
  anomalies: (conn) => anomalies(conn, {}),
  propagation: (conn, keys) => (keys.length === 0 ? Promise.resolve([]) : propagationForKeys(conn, keys, {})),
  affected: async (docs) => {
    const inputs = { diverge: docs.diverge, replicas: docs.replicas, propagation: docs.propagation, replicaKeys: docs.replicaKeys };
    const judged = verdicts(inputs);
    return { affected: affected(inputs, judged), verdicts: judged };
  },
  timeline: (conn, key, node, vs, around) => timeline(conn, { key, node, vs: vs ?? undefined, ...cycleWindow(around) }),
  keyEvents,
};

export type ReportFormat = 'md' | 'json' | 'html';
export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'json', 'html'];

export interface InvestigateOptions {
  paths: readonly string[];
  /** Replica dumps; replica name = file stem. */
  replicas: readonly string[];
  /** The output folder. */
  out: string;
  /** report.md and report.json are always written; `html` adds report.html. */
  formats: readonly ReportFormat[];
  ingest: Omit<IngestOptions, 'warn' | 'memoryLimitBytes'>;
  /** DuckDB's memory limit (`--memory-limit`): ingest's and the analyses' defaults otherwise. */
  memoryLimit?: string;
  /** false: no inference from the messages (`--no-infer`). */
  infer?: boolean;
  warn?: (message: string) => void;
  steps?: InvestigationSteps;
  /** The time stamped on the report. */
  now?: () => Date;
  /** Keys whose propagation is traced at most (findings' keys first, then odd-replica keys). */
  maxPropagationKeys?: number;
}

export interface OutputFiles {
  db: string;
  md: string;
  json: string;
  html: string | null;
  /** The trace of the findings' and hops' keys for Perfetto UI (orderline export --perfetto). */
  trace: string;
}

export interface Investigation {
  model: ReportModel;
  ingest: IngestResult;
  files: OutputFiles;
}

export const INCIDENT_DB = 'incident.duckdb';

export async function investigate(opts: InvestigateOptions): Promise<Investigation> {
  const steps = opts.steps ?? defaultSteps;
  await mustExist(opts.replicas, 'replica dump');
  await mkdir(opts.out, { recursive: true });
  const files: OutputFiles = {
    db: join(opts.out, INCIDENT_DB),
    md: join(opts.out, 'report.md'),
    json: join(opts.out, 'report.json'),
    html: opts.formats.includes('html') ? join(opts.out, 'report.html') : null,
    trace: join(opts.out, 'trace.json'),
  };
  // A fresh database each run: an old one would make every file "already ingested".
  await rm(files.db, { force: true });
  await rm(`${files.db}.wal`, { force: true });

  // Ingest exactly as `orderline ingest` does (its own connection and settings), then reopen
  // the database for the analyses: every core, and the analyses' memory limit with a spill folder.
  const ingest = await ingestIntoDatabase(files.db, opts.paths, { ...opts.ingest, warn: opts.warn }, opts.memoryLimit, { infer: opts.infer });
  const db = await openDatabase(files.db, { mode: 'write', memoryLimitBytes: memoryLimitBytes(opts.memoryLimit, ANALYSIS_MEMORY_LIMIT) });
  try {
    const conn = db.conn;
    // every analysis reads events through the inference ingest stored (or makes it now)
    if (await hasEvents(conn)) await useInference(conn, { enabled: opts.infer !== false, store: true });

    const replicas = opts.replicas.length ? await steps.replicas(conn, opts.replicas) : emptyReportDoc().replicas;
    const diverge = await steps.diverge(conn);
    const anomalies = await steps.anomalies(conn);
    const keys = propagationKeys(diverge.findings, replicas, opts.maxPropagationKeys ?? MAX_PROPAGATION_KEYS);
    const propagation = keys.length ? await steps.propagation(conn, keys) : [];
    const replicaKeys = opts.replicas.length ? await replicaKeysOf(conn, [...new Set(diverge.findings.map((f) => f.key))]) : [];
    const contained = await steps.affected({ replicas, replicaKeys, diverge, anomalies, propagation });

    const doc = checked({
      replicas, invariants: diverge.invariants, findings: diverge.findings, anomalies: anomalies.anomalies, propagation,
      affected: contained.affected, verdicts: contained.verdicts,
    });
    const details: FindingDetail[] = [];
    for (const f of doc.findings.slice(0, MAX_DRAWN_FINDINGS)) details.push(await detailOf(conn, steps, f, doc));
    // what inference gave the events the findings cite, as evidence of the inferred claims
    for (const f of doc.findings.slice(0, MAX_DRAWN_FINDINGS)) {
      const cites = [f.first_break, ...f.pending, ...(f.resolved ? [f.resolved] : [])];
      const explained = await explainEvents(conn, cites);
      if (explained.size) f.inferred = Object.fromEntries(explained);
    }

    const model: ReportModel = { doc, meta: await metaOf(conn, opts, ingest, files.db), details };
    await writeFile(files.json, `${JSON.stringify(reportFileOf(model), null, 2)}\n`);
    await writeFile(files.md, renderMarkdown(model));
    if (files.html) await writeFile(files.html, renderHtml(model));
    // the keys that matter, whole: a trace of every event of an archive would not open
    const traced = [...new Set([...doc.findings.map((f) => f.key), ...doc.propagation.map((p) => p.key)])];
    await writePerfettoTrace(conn, files.trace, {
      findings: doc.findings, propagation: doc.propagation,
      note: traced.length ? `the events of the keys of the findings and hops: ${traced.length} keys` : 'no finding and no hop: no key traced (orderline export --perfetto FILE --key K, or --from/--to, traces others)',
    }, { keys: traced });
    return { model, ingest, files };
  } finally {
    db.close();
  }
}

/** The pictures of one finding: its timeline beside a healthy node, the key's events, its hops. */
async function detailOf(conn: DuckDBConnection, steps: InvestigationSteps, f: Finding, doc: ReportDoc): Promise<FindingDetail> {
  const events = await steps.keyEvents(conn, f.key, f.window);
  const vs = f.healthy_node ?? healthiestPeer(events, f.node);
  const timeline = await steps.timeline(conn, f.key, f.node, vs, f.window);
  const propagation = doc.propagation.find((p) => p.key === f.key) ?? null;
  return { timeline, keyEvents: events, propagation };
}

/** A node to compare with when diverge names none: another node with the most events of the key. */
export function healthiestPeer(events: readonly TimelineEvent[], broken: string): string | null {
  const counts = new Map<string, number>();
  for (const e of events) if (e.node !== broken) counts.set(e.node, (counts.get(e.node) ?? 0) + 1);
  let best: string | null = null;
  for (const [node, n] of counts) if (best === null || n > counts.get(best)! || (n === counts.get(best)! && node < best)) best = node;
  return best;
}


/** The analyses' documents, held to their shapes: a mismatch is a bug, named with its path. */
function checked(doc: ReportDoc): ReportDoc {
  const r = reportDoc.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new RuntimeError(`an analysis returned a document that does not match its shape at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return r.data;
}

async function metaOf(conn: DuckDBConnection, opts: InvestigateOptions, ingest: IngestResult, dbPath: string): Promise<ReportMeta> {
  const r = await conn.runAndReadAll('SELECT DISTINCT node FROM events WHERE node IS NOT NULL ORDER BY node LIMIT 1000');
  const nodes = r.getRows().map((row) => String(row[0]));
  const dumps: Record<string, string> = {};
  for (const d of opts.replicas) dumps[basename(d, extname(d))] = d;
  return {
    tool: `orderline ${VERSION}`,
    generated_at: (opts.now?.() ?? reportTime()).toISOString(),
    inputs: [...opts.paths],
    replica_dumps: dumps,
    sources: ingest.sources.filter((s) => s.sourceId !== null).length,
    events: ingest.events,
    rejected: ingest.rejected,
    nodes,
    failed_sources: ingest.sources.filter((s) => s.error !== undefined).map((s) => s.error!),
    database: dbPath,
  };
}

async function mustExist(paths: readonly string[], what: string): Promise<void> {
  for (const p of paths) {
    const info = await stat(p).catch(() => null);
    if (!info?.isFile() && !info?.isDirectory()) throw new RuntimeError(`${p}: no such ${what} (a file or folder was expected)`);
  }
}

/**
 * When the report says it was written: now, or `SOURCE_DATE_EPOCH` (seconds) when set, the
 * reproducible-builds convention, so the same inputs give byte-identical reports.
 */
function reportTime(): Date {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  return epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
}
