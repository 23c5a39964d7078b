/**
 * The report's summary, written once for Markdown and HTML: sentences made of plain text
 * and code pieces (steps, keys, `file:line` evidence), which each renderer marks up its way.
 */
import type { Finding, Invariant } from '../analyses/shapes.js';
import type { ReportModel } from './model.js';
import { cite, duration, hopPath, invariantText, listText, msBetween, num, stepText, type TimeFormat } from './text.js';

export type Piece = string | { code: string };
export type Sentence = Piece[];

export interface Summary {
  /** The headline: how many breaks, or that there were none. */
  headline: string;
  /** What backs a headline of no breaks. */
  detail: string | null;
  /** One sentence per finding. */
  breaks: Sentence[];
  /** Raw state, anomalies, spread, containment. */
  facts: Sentence[];
}

export function plural(n: number, one: string, many: string): string {
  return `${num(n)} ${n === 1 ? one : many}`;
}

export function summarize(model: ReportModel, times: TimeFormat): Summary {
  const doc = model.doc;
  const headline = doc.findings.length
    ? `${plural(doc.findings.length, 'ordering break', 'ordering breaks')} found.`
    : 'No ordering break found.';
  const detail = doc.findings.length
    ? null
    : doc.invariants.length
      ? `${plural(doc.invariants.length, 'ordering invariant', 'ordering invariants')} held on every (key, node) of the logs.`
      : 'No ordering invariant had enough support to be mined from these logs.';
  const breaks = doc.findings.map((f) => breakSentence(model, f, times));
  const facts: Sentence[] = [...rawStateSentences(model)];
  for (const a of doc.anomalies.slice(0, 3)) {
    const agreed = a.consensus
      ? ` where ${a.consensus.nodes} of ${a.consensus.of} other nodes agreed on ${num(a.consensus.count)}`
      : ` where its peers' median was ${num(a.peer_median)}`;
    const where = (a.aligned_by === 'key_occurrence' || a.aligned_by === 'as_of') && a.key ? [' for ', { code: a.key }] as Sentence : [];
    facts.push([`Lower count: ${a.node} logged ${num(a.count)}${a.count_unit ? ` ${a.count_unit}` : ''}`, ...where, `${agreed} (`,
      { code: cite(a) }, ').']);
  }
  if (doc.anomalies.length > 3) facts.push([`… ${plural(doc.anomalies.length - 3, 'more anomaly', 'more anomalies')} in section 5.`]);
  for (const p of doc.propagation.filter((x) => x.hops.length > 0).slice(0, 3)) {
    const chain = hopPath(p.hops);
    const v = p.hops[0].version;
    const s: Sentence = [`Spread: ${v !== null ? `version ${v} of ` : ''}`, { code: p.key }, ` went ${chain} (`];
    p.hops.forEach((h, i) => s.push(i ? ', ' : '', { code: cite(h) }));
    s.push(').');
    facts.push(s);
  }
  if (doc.affected.length) {
    facts.push([`Contain: ${plural(doc.affected.length, '(key, node) pair is', '(key, node) pairs are')} on the containment list (section 6).`]);
  }
  return { headline, detail, breaks, facts };
}

/**
 * What raw state says, read with the other evidence: an odd replica that kept the version from
 * before the race while the raced one spread to the others is the last good copy (restore
 * from it, never overwrite it with the majority); a key every replica agrees on can still be
 * wrong, when every replica received the raced version; other odd replicas are to be checked.
 */
function rawStateSentences(model: ReportModel): Sentence[] {
  const doc = model.doc;
  const verdicts = new Map((doc.verdicts ?? []).map((v) => [v.key, v]));
  const out: Sentence[] = [];
  const odd = doc.replicas.keys.filter((k) => k.class === 'one_differs');
  const plain: typeof odd = [];
  for (const k of odd) {
    const v = verdicts.get(k.key);
    const good = v?.last_good_copies.find((g) => g.replica === k.odd_replica);
    if (!v || !good) {
      plain.push(k);
      continue;
    }
    const holders = [...v.broken, ...v.received.map((r) => r.node)];
    const bad = v.bad_version !== null ? `version ${v.bad_version}` : 'the raced value';
    out.push([`Raw state: `, { code: k.key }, ` differs on ${good.replica} only, and ${good.replica} is the last good copy: it holds `,
      good.version !== null ? `version ${good.version}` : 'the value from before the race',
      ...(good.evidence ? [' (', { code: good.evidence }, ')'] : []),
      `, while ${bad}, written in the race on ${listText(v.broken)}, reached ${listText(holders.filter((h) => !v.broken.includes(h))) || 'no other node'}` +
      `${v.received.length ? ' by repair' : ''}. Restore `, { code: k.key }, ` on ${listText(holders)} from ${good.replica}; do not overwrite ${good.replica} with the majority.`]);
  }
  if (plain.length) {
    const s: Sentence = [`Raw state: ${plural(plain.length, 'key differs', 'keys differ')} on one replica only, the race signal: `];
    plain.slice(0, 3).forEach((k, i) => {
      const at = k.odd_replica ? k.evidence?.[k.odd_replica] ?? model.meta.replica_dumps[k.odd_replica] : undefined;
      s.push(i ? ', ' : '', { code: k.key }, ` on ${k.odd_replica ?? '?'}`, ...(at ? [' (', { code: at }, ')'] : []));
    });
    s.push(plain.length > 3 ? ', …' : '', '. Nothing in the logs says which side is right: check before repairing either.');
    out.push(s);
  }
  for (const v of doc.verdicts ?? []) {
    if (!v.agrees_but_wrong) continue;
    out.push([`Raw state agrees on `, { code: v.key }, ` and is wrong: every replica holds ${v.bad_version !== null ? `version ${v.bad_version}` : 'the value'} written in the race on ${listText(v.broken)}` +
      `${v.received.length ? `, spread by repair to ${listText(v.received.map((r) => r.node))}` : ''}. No replica holds the good value: rebuild the key from its source.`]);
  }
  return out;
}

/** What ran too early, while what was pending, how late it ran, and the rule it broke. */
function breakSentence(model: ReportModel, f: Finding, times: TimeFormat): Sentence {
  const s: Sentence = [`On ${f.node}, `, { code: stepText(f.first_break) }, ' for key ', { code: f.key },
    ` ran at ${times.time(f.first_break.ts)} (`, { code: cite(f.first_break) }, ') before ', { code: stepText(f.missing) }];
  const pend = f.pending[0];
  if (pend) {
    const late = msBetween(f.first_break.ts, pend.resolved_ts);
    s.push(': ', { code: stepText(pend) }, ` at ${times.time(pend.ts)} (`, { code: cite(pend) }, ') was still pending');
    s.push(late === null ? ' and never ran in the logs.' : ` and ran ${lateness(late)}.`);
  } else {
    s.push('.');
  }
  const inv = brokenInvariant(model.doc.invariants, f);
  if (inv) s.push(` ${invariantText(inv)}.`);
  if (f.ambiguous) s.push(' The order rests on timestamps closer than the clock-skew bound.');
  return s;
}

/** `1.8 s after the break`. */
export function lateness(ms: number): string {
  return `${duration(Math.abs(ms))} ${ms < 0 ? 'before' : 'after'} the break`;
}

/** The invariant a finding broke: its own, else the one whose steps match it. */
export function brokenInvariant(invariants: readonly Invariant[], f: Finding): Invariant | null {
  if (f.invariant) return f.invariant;
  const same = (a: { op: string | null; phase: string | null }, b: { op: string | null; phase: string | null }) =>
    a.op === b.op && (a.phase === b.phase || a.phase === null || b.phase === null);
  return invariants.find((i) => same(i.before, f.missing) && same(i.after, f.first_break)) ?? null;
}
