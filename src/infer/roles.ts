/**
 * The role of each parameter of each template, from how its values recur (as Stitch, OSDI'16,
 * infers identifiers from log parameters alone):
 *
 * 1. Parameters that hold numbers, measures (`12ms`, `4KB`, `53%`), addresses, node names or a
 *    value after `version`/`ver`/`v` are never identifiers (counts, sizes, durations, versions,
 *    endpoints and peers).
 * 2. The others are grouped into identifier kinds: two parameters whose value sets share most of
 *    the smaller one hold the same kind of identifier (the tenant of `Enqueued … for <*>` and of
 *    `Loaded … for <*>: …`).
 * 3. Within a template holding two kinds, the one each of whose values goes with one value of
 *    the other (a task id with one tenant; a tenant with many task ids) is the child: the id of an
 *    operation instance; its parent is an entity key.
 * 4. An entity key spans several templates; a kind whose values come back again and again on a
 *    node, or that is the parent of an operation id, is a key; one whose values each live a
 *    single instance (at most once per template per node), spanning several templates, is an
 *    operation id, whether each node makes its own or a coordinator hands the same to all.
 *
 * Every judgement carries its evidence (templates and nodes that share the kind, its values).
 */

export interface SlotStat {
  templateId: number;
  param: number;
  template: string;
  events: number;
  values: number;
  nodes: number;
  /** Shares of the slot's events whose value is a plain number, a measure, an address, a node name. */
  numeric: number;
  measure: number;
  address: number;
  nodeName: number;
  /** Share of the slot's events whose value reads as a version (`v8`, `v12`). */
  vnum: number;
  /** Share of (node, value) pairs seen more than once in this slot: values that come back. */
  recur: number;
}

export interface Overlap {
  a: [number, number];
  b: [number, number];
  shared: number;
}

/** Two slots of one template: how their values pair up within its events. */
export interface PairStat {
  templateId: number;
  pa: number;
  pb: number;
  /** Distinct (a, b) value pairs, distinct a values, distinct b values. */
  pairs: number;
  va: number;
  vb: number;
}

export type Role = 'key' | 'operation' | 'peer' | 'version' | 'count' | 'number' | 'address' | 'value';

export interface SlotRole {
  templateId: number;
  param: number;
  role: Role;
  /** The identifier kind (a component of linked slots), for key and operation. */
  kind: number | null;
  /** How many templates and nodes share the kind, and how many values it has. */
  templates: number;
  nodes: number;
  values: number;
  evidence: string;
}

const VERSION_WORDS = new Set(['version', 'ver', 'v', 'revision', 'rev', 'generation', 'gen', 'epoch', 'term']);

const slotId = (t: number, p: number) => `${t}:${p}`;

/** The word just before a template's `param`-th `<*>` (lower case, punctuation off), or ''. */
export function wordBefore(template: string, param: number): string {
  const toks = template.split(' ');
  let seen = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    const at = t.indexOf('<*>');
    if (at < 0) continue;
    seen++;
    if (seen !== param) continue;
    const inToken = t.slice(0, at).toLowerCase().replace(/[^a-z]+$/, '');
    if (/[a-z]$/.test(inToken)) return inToken.replace(/^.*[^a-z]/, '');
    for (let j = i - 1; j >= 0; j--) {
      const w = toks[j].toLowerCase().replace(/[^a-z]+/g, '');
      if (w !== '') return w;
    }
    return '';
  }
  return '';
}

class UnionFind {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p !== x) {
      p = this.find(p);
      this.parent.set(x, p);
    }
    return p;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
}

export interface RoleOptions {
  /** Nodes in the logs: a key needs values on several of them where there are several. */
  totalNodes: number;
}

export function inferRoles(slots: readonly SlotStat[], overlaps: readonly Overlap[], pairs: readonly PairStat[], opts: RoleOptions): SlotRole[] {
  const byId = new Map(slots.map((s) => [slotId(s.templateId, s.param), s]));
  const base = new Map<string, Role>();
  for (const s of slots) base.set(slotId(s.templateId, s.param), plainRole(s));
  const candidate = (id: string) => base.get(id) === 'value';

  // 2. identifier kinds: slots linked by shared values
  const uf = new UnionFind();
  for (const o of overlaps) {
    const a = slotId(...o.a);
    const b = slotId(...o.b);
    const sa = byId.get(a);
    const sb = byId.get(b);
    if (!sa || !sb || !candidate(a) || !candidate(b)) continue;
    // most of the smaller set is in the larger, and more than one value, or all of a small set
    const small = Math.min(sa.values, sb.values);
    if (o.shared >= 0.3 * small && (o.shared >= 2 || o.shared === small)) uf.union(a, b);
  }
  const kinds = new Map<string, SlotStat[]>();
  for (const s of slots) {
    const id = slotId(s.templateId, s.param);
    if (!candidate(id)) continue;
    const k = uf.find(id);
    const list = kinds.get(k);
    if (list) list.push(s);
    else kinds.set(k, [s]);
  }
  const kindOf = (id: string) => uf.find(id);

  // 3. parent → child between kinds, from templates that hold both
  const parentVotes = new Map<string, Map<string, number>>();
  const vote = (parent: string, child: string) => {
    const m = parentVotes.get(child) ?? new Map<string, number>();
    m.set(parent, (m.get(parent) ?? 0) + 1);
    parentVotes.set(child, m);
  };
  for (const p of pairs) {
    const a = slotId(p.templateId, p.pa);
    const b = slotId(p.templateId, p.pb);
    if (!candidate(a) || !candidate(b)) continue;
    const ka = kindOf(a);
    const kb = kindOf(b);
    if (ka === kb) continue;
    // b → a functional (each b value goes with one a value) and a has fewer values: a is b's parent
    if (p.pairs <= p.vb * 1.02 && p.va * 1.5 <= p.vb) vote(ka, kb);
    else if (p.pairs <= p.va * 1.02 && p.vb * 1.5 <= p.va) vote(kb, ka);
  }
  const parentOf = (k: string): string | null => {
    const m = parentVotes.get(k);
    if (!m) return null;
    return [...m.entries()].sort((x, y) => y[1] - x[1])[0][0];
  };
  const isParent = new Set<string>();
  for (const child of parentVotes.keys()) {
    const p = parentOf(child);
    if (p !== null) isParent.add(p);
  }

  // 4. kinds → roles
  const kindRole = new Map<string, { role: Role; templates: number; nodes: number; values: number; why: string }>();
  let kindNo = 0;
  const kindNumber = new Map<string, number>();
  for (const [k, members] of kinds) {
    kindNumber.set(k, ++kindNo);
    const templates = new Set(members.map((m) => m.templateId)).size;
    const nodes = Math.max(...members.map((m) => m.nodes));
    const values = Math.max(...members.map((m) => m.values));
    const recur = Math.max(...members.map((m) => m.recur));
    const parent = parentOf(k);
    const needNodes = Math.min(2, opts.totalNodes);
    let role: Role = 'value';
    let why: string;
    if (templates < 2) {
      why = 'in one template only';
    } else if (values < 2) {
      why = 'one value only: a constant, not an identifier';
    } else if (parent !== null && !isParent.has(k) && recur < 0.2) {
      role = 'operation';
      why = `each value goes with one value of another identifier and lives one instance (${pct(recur)} of its values come back on a node)`;
    } else if (isParent.has(k) || recur >= 0.2) {
      // on one node of several, only what spans many templates and comes back there reads as a key
      const local = templates >= 3 && (isParent.has(k) || recur >= 0.5);
      role = nodes >= needNodes || local ? 'key' : 'value';
      why = isParent.has(k) ? 'each value goes with several operation ids' : `${pct(recur)} of its values come back on a node`;
      if (role === 'value') why += `, but on ${nodes} node only`;
    } else {
      // values that never come back, and nothing to be the parent of: single-instance ids
      // (each op logs its own) or entities worked once; several templates on several nodes
      // read as a key, as they would in a log with one cycle per key.
      role = nodes >= needNodes ? 'key' : 'value';
      why = 'values shared by several templates';
    }
    kindRole.set(k, { role, templates, nodes, values, why });
  }

  // one key and one operation per template: the kind spanning most templates wins
  const out: SlotRole[] = [];
  const perTemplate = new Map<number, SlotStat[]>();
  for (const s of slots) perTemplate.set(s.templateId, [...(perTemplate.get(s.templateId) ?? []), s]);
  for (const [, list] of perTemplate) {
    const chosen = new Map<Role, string>();
    for (const role of ['key', 'operation'] as const) {
      const best = list
        .map((s) => slotId(s.templateId, s.param))
        .filter((id) => candidate(id) && kindRole.get(kindOf(id))?.role === role)
        .sort((x, y) => kindRole.get(kindOf(y))!.templates - kindRole.get(kindOf(x))!.templates || (x < y ? -1 : 1))[0];
      if (best) chosen.set(role, best);
    }
    for (const s of list) {
      const id = slotId(s.templateId, s.param);
      const plain = base.get(id)!;
      if (plain !== 'value') {
        out.push({ templateId: s.templateId, param: s.param, role: plain, kind: null, templates: 1, nodes: s.nodes, values: s.values, evidence: plainEvidence(plain, s) });
        continue;
      }
      const k = kindOf(id);
      const kr = kindRole.get(k)!;
      const role: Role = chosen.get('key') === id ? 'key' : chosen.get('operation') === id ? 'operation' : 'value';
      out.push({
        templateId: s.templateId, param: s.param, role, kind: kindNumber.get(k)!, templates: kr.templates, nodes: kr.nodes, values: kr.values,
        evidence: `${kr.values} values shared by ${kr.templates} template${kr.templates === 1 ? '' : 's'} on ${kr.nodes} node${kr.nodes === 1 ? '' : 's'}: ${kr.why}` +
          (role === 'value' && kr.role !== 'value' ? ` (another ${kr.role} of this template won)` : ''),
      });
    }
  }
  return out.sort((a, b) => a.templateId - b.templateId || a.param - b.param);
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** What a slot is by its own values, before identifiers are compared: value means "maybe an identifier". */
function plainRole(s: SlotStat): Role {
  if (s.nodeName >= 0.5) return 'peer';
  if (VERSION_WORDS.has(wordBefore(s.template, s.param)) && s.numeric + s.measure >= 0.5) return 'version';
  if (s.vnum >= 0.5) return 'version';
  if (s.numeric >= 0.5) return 'number';
  if (s.measure >= 0.5) return 'number';
  if (s.address >= 0.5) return 'address';
  return 'value';
}

function plainEvidence(role: Role, s: SlotStat): string {
  switch (role) {
    case 'peer': return `${pct(s.nodeName)} of its values name a node of the logs`;
    case 'version': return s.vnum >= 0.5 ? `${pct(s.vnum)} of its values read as versions (v8)` : `the value after "${wordBefore(s.template, s.param)}"`;
    case 'address': return `${pct(s.address)} of its values are network addresses`;
    default: return `${pct(Math.max(s.numeric, s.measure))} of its values are numbers or measures`;
  }
}
