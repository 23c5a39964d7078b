/**
 * `diverge`: ordering invariants mined per (key, node) and the first break of them per
 * (key, node). The set work is in queries/invariants.sql and queries/first_breaks.sql;
 * this file passes the parameters and shapes their rows into the divergeDoc of shapes.ts.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Row } from '../db/rows.js';
import { scanCycles } from './cycleScan.js';
import { UsageError } from '../errors.js';
import { normalizePhase } from '../normalize/phase.js';
import { loadSavedQuery, runSavedQuery } from '../queries/savedQuery.js';
import type { DivergeDoc, Finding, Invariant } from './shapes.js';

export const DEFAULT_MIN_SUPPORT = 20;
export const DEFAULT_MIN_CONFIDENCE = 0.99;
/** The confidence that will do when every exception is on one node and two others never broke it. */
export const DEFAULT_CONFINED_CONFIDENCE = 0.9;

export interface DivergeOptions {
  /** Mined invariants need this many (key, node) instances holding both steps (default 20). */
  minSupport?: number;
  /** …and X first in at least this share of them (default 0.99). */
  minConfidence?: number;
  /** …or in this share, when every exception is on one node and at least two others never broke it (default 0.9). */
  confinedConfidence?: number;
  /** Expected orders, each a chain "A<B<C"; a step is `op` (any phase) or `op:phase`. */
  expect?: string[];
  /** Only findings for this key / on this node (invariants are still mined from everything). */
  key?: string;
  node?: string;
  /**
   * How every cycle is judged: `scan` (default) one ordered pass in src/analyses/cycleScan.ts;
   * `sql` queries/cycle_eval.sql, the reference in SQL it is tested against. Same findings.
   */
  evaluator?: 'scan' | 'sql';
}

/**
 * Parses and normalizes `--expect` chains into the `expect` parameter of the SQL:
 * chains joined by commas, phases normalized like ingest does (`done` → `completed`).
 */
export function expectParam(chains: readonly string[] = []): string {
  const out: string[] = [];
  for (const chain of chains) {
    for (const part of chain.split(',')) {
      if (part.trim() === '') continue;
      const steps = part.split('<').map((s) => s.trim());
      if (steps.length < 2 || steps.some((s) => s === '' || s.startsWith(':') || s.endsWith(':'))) {
        throw new UsageError(`--expect: "${part.trim()}" is not a chain like "A<B" or "LoadMetadata:completed<WriteDerived:started"`);
      }
      out.push(steps.map((s) => {
        const i = s.lastIndexOf(':');
        return i < 0 ? s : `${s.slice(0, i)}:${normalizePhase(s.slice(i + 1))}`;
      }).join('<'));
    }
  }
  return out.join(',');
}

function checkOptions(o: DivergeOptions): { minSupport: number; minConfidence: number; confinedConfidence: number } {
  const minSupport = o.minSupport ?? DEFAULT_MIN_SUPPORT;
  const minConfidence = o.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  // never looser than --min-confidence asks: a stricter --min-confidence makes the confined rule stricter too
  const confinedConfidence = Math.min(minConfidence, o.confinedConfidence ?? Math.min(DEFAULT_CONFINED_CONFIDENCE, minConfidence));
  if (!Number.isInteger(minSupport) || minSupport < 1) throw new UsageError(`--min-support takes a whole number ≥ 1, not ${minSupport}`);
  if (!(minConfidence >= 0 && minConfidence <= 1)) throw new UsageError(`--min-confidence takes a number from 0 to 1, not ${minConfidence}`);
  if (!(confinedConfidence >= 0 && confinedConfidence <= 1)) throw new UsageError(`--confined-confidence takes a number from 0 to 1, not ${confinedConfidence}`);
  return { minSupport, minConfidence, confinedConfidence };
}

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** A step; `any_phase` marks an --expect step given as a bare op (it matches every phase). */
function stepOf(op: unknown, phase: unknown, anyPhase: unknown) {
  return anyPhase ? { op: str(op), phase: null, any_phase: true } : { op: str(op), phase: str(phase) };
}

function invariantRow(r: Row): Invariant {
  return {
    before: stepOf(r.before_op, r.before_phase, r.before_any),
    after: stepOf(r.after_op, r.after_phase, r.after_any),
    support: Number(r.support),
    confidence: Number(r.confidence),
    source: r.source as 'mined' | 'expected',
    ...(r.confined === true ? { confined: true } : {}),
  };
}

/** The invariant a first_breaks row broke. */
function brokenInvariant(r: Row): Invariant {
  return invariantRow({
    before_op: r.missing_op, before_phase: r.missing_phase, before_any: r.missing_any_phase,
    after_op: r.after_op, after_phase: r.after_phase, after_any: r.after_any_phase,
    support: r.support, confidence: r.confidence, source: r.invariant_source,
  });
}

/** Runs invariants.sql and first_breaks.sql; returns the §5 document. */
export async function diverge(conn: DuckDBConnection, options: DivergeOptions = {}): Promise<DivergeDoc> {
  const { minSupport, minConfidence, confinedConfidence } = checkOptions(options);
  const params = { min_support: minSupport, min_confidence: minConfidence, confined_confidence: confinedConfidence, expect: expectParam(options.expect) };
  // The sequences in SQL, every cycle judged by one ordered scan (cycle_eval.sql is the same in SQL),
  // the invariants in SQL, a second scan for their violations, then the findings in SQL.
  await runSavedQuery(conn, loadSavedQuery('step_sequences'), params);
  if (options.evaluator === 'sql') await runSavedQuery(conn, loadSavedQuery('cycle_eval'), {}, { skipRequired: true });
  else await scanCycles(conn, { maxShare: 1 - Math.min(minConfidence, confinedConfidence) });
  const inv = await runSavedQuery(conn, loadSavedQuery('invariants'), params, { skipRequired: true });
  const breaks = await runSavedQuery(conn, loadSavedQuery('first_breaks'),
    { ...params, key: options.key ?? null, node: options.node ?? null }, { skipRequired: true });

  const findings: Finding[] = [];
  let current: Finding | null = null;
  for (const r of breaks.rows) {
    if (!current || current.key !== r.key || current.node !== r.node || current.cycle !== Number(r.cycle) || current.first_break.line !== Number(r.break_line)) {
      current = {
        key: String(r.key),
        node: String(r.node),
        cycle: Number(r.cycle),
        first_break: { op: str(r.break_op), phase: str(r.break_phase), ts: str(r.break_ts), source: String(r.break_source), line: Number(r.break_line) },
        missing: stepOf(r.missing_op, r.missing_phase, r.missing_any_phase),
        pending: [],
        window: { start: str(r.window_start), end: str(r.window_end) },
        invariant: brokenInvariant(r),
        healthy_node: str(r.healthy_node),
        ambiguous: Boolean(r.ambiguous),
        resolved: r.resolved_source === null ? null : { ts: str(r.resolved_ts), source: String(r.resolved_source), line: Number(r.resolved_line) },
      };
      findings.push(current);
    }
    if (r.pending_source !== null) {
      current.pending.push({
        op: str(r.pending_op), phase: str(r.pending_phase), ts: str(r.pending_ts),
        source: String(r.pending_source), line: Number(r.pending_line), resolved_ts: str(r.resolved_ts),
      });
    }
  }
  return { invariants: inv.rows.map(invariantRow), findings };
}
