/**
 * The expected answers, from the plan and the line numbers the writers recorded (never from
 * reading the logs back): findings per planted race, planted lower counts, repair hops, replica
 * disagreement, trap keys and last good copies.
 */
import { isoMs } from './clock.js';
import { dumpRow, holdsBad } from './dumps.js';
import { tags, type NodeRecord } from './nodeLog.js';
import { badVersion, entities, type Plan } from './plan.js';
import { STEPS, type LineAt, type RealisticAnomaly, type RealisticExpected, type RealisticReplicaKey, type Step } from './types.js';
import { templateOf } from './vocabulary.js';

export function buildExpected(plan: Plan, records: NodeRecord[]): RealisticExpected {
  const at = (n: number, tag: string): LineAt => {
    const r = records[n].tags.get(tag);
    if (!r) throw new Error(`realistic: no line recorded for ${tag} on ${plan.nodes[n].name}`);
    return { source: plan.nodes[n].source, line: r.line, ts: isoMs(r.ms) };
  };
  const names = plan.nodes.map((n) => n.name);

  const findings = plan.races.map((race) => {
    const n = race.nodeIdx;
    const resolved = at(n, tags.race(race.idx, 'load.completed'));
    const pendingSteps: Step[] = race.variant === 'started' ? ['load.queued', 'load.started'] : ['load.queued'];
    return {
      key: race.key,
      node: names[n],
      cycle: race.cycle,
      variant: race.variant,
      first_break: at(n, tags.race(race.idx, 'write.started')),
      pending: pendingSteps.map((s) => ({ ...at(n, tags.race(race.idx, s)), resolved_ts: resolved.ts })),
      resolved,
    };
  }).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.node < b.node ? -1 : 1));

  const anomalies: RealisticAnomaly[] = [
    ...plan.lowCounts.map((l) => {
      const r = at(l.nodeIdx, tags.low(l.idx));
      return {
        node: names[l.nodeIdx], kind: 'initialized' as const, key: null, cycle: null,
        count: l.count, peer_count: plan.spec.initialEntities, source: r.source, line: r.line,
      };
    }),
    ...plan.races.map((race) => {
      const r = at(race.nodeIdx, tags.race(race.idx, 'write.completed'));
      return {
        node: names[race.nodeIdx], kind: 'derived' as const, key: race.key, cycle: race.cycle,
        count: entities(plan, race.keyIdx, race.cycle - 1), peer_count: entities(plan, race.keyIdx, race.cycle),
        source: r.source, line: r.line,
      };
    }),
  ].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.line - b.line));

  const hops = plan.spreads.flatMap((s) => s.hops.map((h, j) => ({
    key: s.key, from: names[s.from], to: names[h.to], version: badVersion(plan, s.keyIdx),
    sent: at(s.from, tags.hop(s.idx, j, 'sent')),
    received: at(h.to, tags.hop(s.idx, j, 'received')),
  })));

  // replicas: only raced keys can disagree
  const replicaKeys: RealisticReplicaKey[] = [];
  const summary = { agree: plan.keys.length, one_differs: 0, all_differ: 0 };
  const trapKeys: string[] = [];
  const lastGoodCopies: { key: string; replica: string }[] = [];
  for (const race of plan.races) {
    const k = race.keyIdx;
    const values: Record<string, string | null> = {};
    for (const node of plan.nodes) values[node.name] = dumpRow(plan, node.idx, k).value;
    const groups = new Map<string, string[]>();
    for (const [replica, v] of Object.entries(values)) groups.set(`v:${v}`, [...(groups.get(`v:${v}`) ?? []), replica]);
    const spread = plan.spreadByKey.get(k);
    const bad = plan.nodes.filter((x) => holdsBad(plan, x.idx, k));
    if (bad.length === plan.nodes.length) trapKeys.push(race.key);
    else if (spread && spread.to.length > 0) {
      for (const x of plan.nodes) if (!holdsBad(plan, x.idx, k)) lastGoodCopies.push({ key: race.key, replica: x.name });
    }
    if (groups.size === 1) continue;
    summary.agree--;
    const odd = plan.nodes.length >= 3 && groups.size === 2 ? [...groups.values()].find((g) => g.length === 1) : undefined;
    const cls = odd ? 'one_differs' : 'all_differ';
    summary[cls]++;
    replicaKeys.push({ key: race.key, class: cls, odd_replica: odd ? odd[0] : null, values });
  }
  replicaKeys.sort((a, b) => (a.class !== b.class ? (a.class === 'one_differs' ? -1 : 1) : a.key < b.key ? -1 : 1));
  trapKeys.sort();
  lastGoodCopies.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.replica < b.replica ? -1 : 1));

  const garbage = plan.nodes.flatMap((node) => records[node.idx].garbage.map((g) => ({ source: node.source, line: g.line, kind: g.kind })));
  let cycles = 0;
  for (const c of plan.cycles) cycles += c;

  return {
    note: 'Paths are relative to the incident folder. Lines are 1-based physical lines; ts is what the line prints (node skew included), in UTC with milliseconds. See samples/realistic.ts for the definitions.',
    nodes: names,
    envelopes: Object.fromEntries(plan.nodes.map((n) => [n.name, n.envelope])),
    sources: Object.fromEntries(plan.nodes.map((n) => [n.name, n.source])),
    dumps: Object.fromEntries(plan.nodes.map((n) => [n.name, n.dumpPath])),
    vocabulary: plan.vocab.id,
    steps: Object.fromEntries(STEPS.map((s) => [s, templateOf(plan.vocab, s)])) as Record<Step, string>,
    findings,
    anomalies,
    hops,
    replicas: { summary, keys: replicaKeys },
    trapKeys,
    lastGoodCopies,
    notInvariants: [templateOf(plan.vocab, 'cache'), templateOf(plan.vocab, 'quota')],
    garbage,
    stats: {
      keys: plan.keys.length,
      hotKeys: plan.hotKeys,
      cycles,
      lines: Object.fromEntries(plan.nodes.map((n) => [n.source, records[n.idx].lines])),
      bytes: Object.fromEntries(plan.nodes.map((n) => [n.source, records[n.idx].bytes])),
    },
  };
}
