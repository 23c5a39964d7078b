/**
 * `affected`: the containment list, one row per (key, node), reasoned across the evidence of
 * the other analyses (no SQL of its own: it only merges their documents):
 *
 * - diverge: each finding's (key, node) with its window — the node that broke the order;
 * - propagation: the version the broken node wrote (its origin is a broken node) and every
 *   node it reached by a hop — they hold the bad value too;
 * - replicas: the dumped state of those keys. A replica that holds an older version than the
 *   bad one (or another value than the nodes that hold it) and was reached by no hop is the
 *   **last good copy**: it is to be kept and restored from, never "repaired" to the majority.
 *   A key whose replicas all agree while every one of them holds the bad version is flagged:
 *   raw state agrees and is wrong. Other odd replicas (no such evidence) are to be checked.
 *
 * Each row says what to do (`action`: restore, keep or check) and, for restore, from which
 * replica (`restore_from`, null when no good copy is known). One row per (key, node): start =
 * earliest start, end = latest end, reasons joined by "; ". Sorted by key, then node.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { diverge, type DivergeOptions } from './diverge.js';
import { propagationForKeys } from './propagation.js';
import { replicaKeysOf, replicas as classifyReplicas } from './replicas.js';
import { stepText } from './stepText.js';
import type { AffectedDoc, AffectedRow, DivergeDoc, Finding, KeyVerdict, PropagationDoc, ReplicasDoc } from './shapes.js';

type ReplicaKey = ReplicasDoc['keys'][number];

export interface AffectedInputs {
  diverge?: DivergeDoc | null;
  replicas?: ReplicasDoc | null;
  /** Zero or more `propagation --key K` documents. */
  propagation?: readonly PropagationDoc[] | null;
  /**
   * Replica state of the findings' keys whatever their class (`agree` included), from
   * replicaKeysOf(): tells a key every replica agrees on from one that was never dumped.
   */
  replicaKeys?: readonly ReplicaKey[] | null;
}

/** `a`, `a and b`, `a, b and c`. */
const andList = (xs: readonly string[]) => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

const minTs = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a < b ? a : b);
const maxTs = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a > b ? a : b);

/** The reasoning per key of the findings and of the replicas that disagree, in key order. */
export function verdicts(inputs: AffectedInputs): KeyVerdict[] {
  const out: KeyVerdict[] = [];
  const stateOf = new Map<string, ReplicaKey>();
  for (const k of inputs.replicaKeys ?? []) stateOf.set(k.key, k);
  for (const k of inputs.replicas?.keys ?? []) stateOf.set(k.key, k);
  const findingsOf = new Map<string, Finding[]>();
  for (const f of inputs.diverge?.findings ?? []) findingsOf.set(f.key, [...(findingsOf.get(f.key) ?? []), f]);
  const keys = new Set<string>([...findingsOf.keys(), ...(inputs.replicas?.keys ?? []).map((k) => k.key)]);
  for (const key of keys) {
    const broken = [...new Set((findingsOf.get(key) ?? []).map((f) => f.node))].sort();
    const prop = (inputs.propagation ?? []).find((p) => p.key === key) ?? null;
    // The bad version: one whose origin is a broken node (most hops first, as propagation ranks them).
    const bad = (prop?.origins ?? (prop?.origin ? [{ ...prop.origin, hops: prop.hops.length }] : []))
      .filter((o) => broken.includes(o.node) && o.version !== null)
      .sort((a, b) => b.hops - a.hops || (b.version ?? 0) - (a.version ?? 0))[0];
    const badVersion = bad?.version ?? null;
    const received = badVersion === null ? [] : (prop?.hops ?? [])
      .filter((h) => h.version === badVersion && !broken.includes(h.to))
      .map((h) => ({ node: h.to, from: h.from, ts: h.ts, evidence: `${h.source}:${h.line}` }));
    const holders = new Set([...broken, ...received.map((r) => r.node)]);
    const state = stateOf.get(key) ?? null;
    const goodCopies: KeyVerdict['last_good_copies'] = [];
    let agreesButWrong = false;
    if (state && broken.length > 0) {
      const replicas = Object.keys(state.values);
      const heldValues = new Set(replicas.filter((r) => holders.has(r)).map((r) => state.values[r]));
      for (const r of replicas) {
        if (holders.has(r) || state.values[r] === null) continue;
        const v = state.versions?.[r] ?? null;
        const older = badVersion !== null && v !== null && v < badVersion;
        const otherValue = heldValues.size === 1 && !heldValues.has(state.values[r]);
        if (older || (badVersion === null || v === null ? otherValue : false)) {
          goodCopies.push({ replica: r, version: v, evidence: state.evidence?.[r] ?? null });
        }
      }
      agreesButWrong = state.class === 'agree' && replicas.length > 0 && replicas.every((r) => holders.has(r));
    }
    goodCopies.sort((a, b) => (a.replica < b.replica ? -1 : 1));
    // Where the raced value spread, the replicas it did not reach are the last good copies;
    // where it did not, any replica with the good value will do to restore the broken node.
    out.push({
      key, broken, bad_version: badVersion, received, good_copies: goodCopies,
      last_good_copies: received.length > 0 ? goodCopies : [], agrees_but_wrong: agreesButWrong,
    });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The containment list; `judged` are the inputs' verdicts when the caller has them already. */
export function affected(inputs: AffectedInputs, judged: readonly KeyVerdict[] = verdicts(inputs)): AffectedRow[] {
  const rows = new Map<string, AffectedRow & { reasons: string[] }>();
  const add = (key: string, node: string, start: string | null, end: string | null, action: AffectedRow['action'], restoreFrom: string | null, reason: string) => {
    const id = JSON.stringify([key, node]);
    const r = rows.get(id);
    if (!r) {
      rows.set(id, { key, node, start, end, action, restore_from: restoreFrom, reasons: [reason] });
      return;
    }
    r.start = minTs(r.start, start);
    r.end = maxTs(r.end, end);
    // keep wins over restore (a good copy is never overwritten), restore over check
    if (action === 'keep' || (action === 'restore' && r.action === 'check')) r.action = action;
    r.restore_from ??= restoreFrom;
    if (!r.reasons.includes(reason)) r.reasons.push(reason);
  };
  const byKey = new Map(judged.map((v) => [v.key, v]));
  const raced = (v: KeyVerdict | undefined) => (v?.bad_version !== null && v?.bad_version !== undefined ? `version ${v.bad_version}` : 'value');
  for (const f of inputs.diverge?.findings ?? []) {
    const v = byKey.get(f.key);
    add(f.key, f.node, f.window.start, f.window.end, 'restore', v?.good_copies[0]?.replica ?? null,
      `diverge: ${stepText(f.first_break)} before ${stepText(f.missing)} at ${f.first_break.source}:${f.first_break.line}` +
      (v?.bad_version !== null && v?.bad_version !== undefined ? ` (wrote version ${v.bad_version})` : ''));
  }
  for (const v of judged) {
    const good = v.good_copies[0]?.replica ?? null;
    const holders = [...v.broken, ...v.received.map((r) => r.node)];
    for (const r of v.received) {
      add(v.key, r.node, r.ts, null, 'restore', good, `propagation: received the raced ${raced(v)} from ${r.from} at ${r.evidence}`);
    }
    for (const g of v.last_good_copies) {
      add(v.key, g.replica, null, null, 'keep', null,
        `last good copy: holds ${g.version !== null ? `version ${g.version}` : 'the value from before the race'}${g.evidence ? ` (${g.evidence})` : ''}` +
        ` while ${andList(holders)} hold${holders.length === 1 ? 's' : ''} the raced ${raced(v)}; restore from it, do not overwrite it`);
    }
    if (v.agrees_but_wrong) {
      for (const n of holders) {
        add(v.key, n, null, null, 'restore', null, `replicas agree, but every replica holds the raced ${raced(v)}: no good copy is left, rebuild the key from its source`);
      }
    }
  }
  // Odd replicas the evidence above did not explain: to check, not to overwrite blindly.
  for (const k of inputs.replicas?.keys ?? []) {
    const wt = (replica: string) => k.writetimes?.[replica] ?? null;
    const at = (replica: string) => (k.evidence?.[replica] ? ` at ${k.evidence[replica]}` : '');
    if (k.class === 'one_differs' && k.odd_replica !== null) {
      add(k.key, k.odd_replica, wt(k.odd_replica), null, 'check', null,
        `replicas: one_differs, odd replica (value ${JSON.stringify(k.values[k.odd_replica] ?? null)}${at(k.odd_replica)})`);
    } else if (k.class === 'all_differ') {
      for (const replica of Object.keys(k.values)) add(k.key, replica, wt(replica), null, 'check', null, `replicas: all_differ${at(replica)}`);
    }
  }
  return [...rows.values()]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.node < b.node ? -1 : a.node > b.node ? 1 : 0))
    .map(({ reasons, ...r }) => ({ ...r, reason: reasons.join('; ') }));
}

/** The keys worth tracing: those of the findings, then those that differ on one replica. */
export function propagationKeys(findings: readonly Finding[], replicas: ReplicasDoc, max: number): string[] {
  const keys = new Set<string>();
  for (const f of findings) keys.add(f.key);
  for (const k of replicas.keys) if (k.class === 'one_differs') keys.add(k.key);
  return [...keys].slice(0, max);
}

/** How many keys `affected` and `investigate` trace by default. */
export const MAX_PROPAGATION_KEYS = 20;

export interface AffectedOptions extends Pick<DivergeOptions, 'expect' | 'minSupport' | 'minConfidence'> {
  /** Propagation documents given by the user (`--propagation FILE`), traced in addition. */
  propagation?: readonly PropagationDoc[];
}

/**
 * The containment list as `investigate` makes it: diverge, the replicas loaded, the
 * propagation of the findings' keys and of the odd replicas' keys, reasoned together.
 */
export async function affectedReport(conn: DuckDBConnection, options: AffectedOptions = {}): Promise<AffectedDoc> {
  const { propagation: given = [], ...divergeOptions } = options;
  const div = await diverge(conn, divergeOptions);
  const reps = await classifyReplicas(conn);
  const keys = propagationKeys(div.findings, reps, MAX_PROPAGATION_KEYS).filter((k) => !given.some((p) => p.key === k));
  const traced = await propagationForKeys(conn, keys);
  const replicaKeys = await replicaKeysOf(conn, [...new Set(div.findings.map((f) => f.key))]);
  const inputs = { diverge: div, replicas: reps, propagation: [...given, ...traced], replicaKeys };
  const judged = verdicts(inputs);
  return { affected: affected(inputs, judged), verdicts: judged };
}
