/**
 * Templates, made stable. A raw template is a message's first line with every quoted string and
 * every token holding a digit masked as `<*>` (the `template` column). An id with no digit in
 * it (`deadbe`, a host called `alpha`) stays literal and would make a template of its own: the
 * same message, a different step. Here such a template is folded into the more general one it
 * specialises — the same tokens, `<*>` wherever it has `<*>`, and at least one more `<*>` where
 * it has a literal — and that literal becomes the parameter's value. Templates are never
 * generalised beyond what the logs hold (no two literals are ever merged into a new `<*>`), so
 * different messages stay different steps ("Enqueued metadata load" ≠ "Enqueued derived write").
 *
 * One generalisation is made that the logs need not hold: a token naming a node of the incident
 * (`to node-e`, `from alpha:`, `peer=node-c`) is a parameter even with no digit in it, so `sent …
 * to node-a` and `sent … to node-f` are one step on every node, and the node becomes the message's
 * peer instead of a word of its step.
 */

/** Where a canonical parameter's value comes from, for events of one raw template. */
export type ParamSource = { raw: number } | { literal: string };

export interface TemplateMapping {
  /** The canonical template this raw one reads as. */
  canonical: string;
  /** Per `<*>` of the canonical template, left to right: the raw parameter (1-based) or the literal it held. */
  params: ParamSource[];
}

const MASK = '<*>';

function tokens(t: string): string[] {
  return t.split(' ');
}

function masks(token: string): number {
  let n = 0;
  for (let i = token.indexOf(MASK); i >= 0; i = token.indexOf(MASK, i + MASK.length)) n++;
  return n;
}

/** A canonical token as a matcher of a literal token: `id=<*>,` reads `id=deadbe,` as ["deadbe"]. */
function tokenMatcher(token: string): RegExp {
  const parts = token.split(MASK).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('(\\S+?)')}$`);
}

/**
 * How raw template `r` reads as the more general `c`, or null when `c` does not generalise it:
 * equal tokens, or `c` masks a token `r` spells out.
 */
function specialise(r: string[], c: string[], rawCount: (token: string) => number): ParamSource[] | null {
  if (r.length !== c.length) return null;
  const out: ParamSource[] = [];
  let raw = 0;
  let extra = 0;
  for (let i = 0; i < r.length; i++) {
    const rt = r[i];
    const ct = c[i];
    if (rt === ct) {
      for (let k = rawCount(rt); k > 0; k--) out.push({ raw: ++raw });
      continue;
    }
    if (!ct.includes(MASK) || rt.includes(MASK)) return null;
    const m = tokenMatcher(ct).exec(rt);
    if (m === null) return null;
    for (let g = 1; g < m.length; g++) out.push({ literal: m[g] });
    extra++;
  }
  return extra > 0 ? out : null;
}

export interface RawTemplate {
  template: string;
  events: number;
}

export interface MergeOptions {
  /** Bounds the work per token count on logs with very many templates. */
  maxCompare?: number;
  /** The incident's node names: a token naming one is masked as a parameter. */
  nodes?: ReadonlySet<string>;
}

const OPENERS = '([{<\'"';
const CLOSERS = ')]}>\'".,:;';

/** `token` with the node name it holds masked (`node-e:` → `<*>:`, `peer=node-e` → `peer=<*>`), else null. */
export function maskNodeToken(token: string, nodes: ReadonlySet<string>): string | null {
  if (nodes.size === 0 || token.includes(MASK)) return null;
  const eq = token.indexOf('=');
  let start = eq >= 0 ? eq + 1 : 0;
  let end = token.length;
  while (start < end && OPENERS.includes(token[start])) start++;
  while (end > start && CLOSERS.includes(token[end - 1])) end--;
  if (end <= start || !nodes.has(token.slice(start, end))) return null;
  return token.slice(0, start) + MASK + token.slice(end);
}

/** The template with every token naming a node masked, or null when none does. */
function maskNodes(tok: readonly string[], nodes: ReadonlySet<string>): string[] | null {
  let changed = false;
  const out = tok.map((t) => {
    const m = maskNodeToken(t, nodes);
    if (m === null) return t;
    changed = true;
    return m;
  });
  return changed ? out : null;
}

/**
 * The canonical template of every raw template. More general templates (more `<*>`, then more
 * events) are taken first; a raw template they generalise folds into the one of them with the
 * most events. `maxCompare` bounds the work per token count on logs with very many templates.
 */
export function mergeTemplates(raws: readonly RawTemplate[], options: MergeOptions = {}): Map<string, TemplateMapping> {
  const maxCompare = options.maxCompare ?? 400;
  const nodes = options.nodes ?? new Set<string>();
  const out = new Map<string, TemplateMapping>();
  const byLength = new Map<number, { t: string; tok: string[]; events: number; masks: number }[]>();
  // the raw templates, and the node-masked templates they specialise (events summed)
  const all = new Map<string, { tok: string[]; events: number; real: boolean }>();
  for (const r of raws) {
    const tok = tokens(r.template);
    const had = all.get(r.template);
    if (had) { had.events += r.events; had.real = true; } else all.set(r.template, { tok, events: r.events, real: true });
    const masked = maskNodes(tok, nodes);
    if (masked === null) continue;
    const t = masked.join(' ');
    const m = all.get(t);
    if (m) m.events += r.events; else all.set(t, { tok: masked, events: r.events, real: false });
  }
  for (const [t, a] of all) {
    const entry = { t, tok: a.tok, events: a.events, masks: masks(t) };
    const list = byLength.get(a.tok.length);
    if (list) list.push(entry);
    else byLength.set(a.tok.length, [entry]);
  }
  for (const list of byLength.values()) {
    list.sort((a, b) => b.masks - a.masks || b.events - a.events || (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
    // the canonical templates compared with: the `maxCompare` with the most events, kept sorted
    // by events (ties in the order they became canonical) as they come, since a template that
    // leaves the pool never returns to it (events do not change)
    const pool: typeof list = [];
    const admit = (c: (typeof list)[number]) => {
      let lo = 0;
      let hi = pool.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (pool[mid].events >= c.events) lo = mid + 1;
        else hi = mid;
      }
      if (lo >= maxCompare) return;
      pool.splice(lo, 0, c);
      if (pool.length > maxCompare) pool.pop();
    };
    for (const r of list) {
      let best: { c: (typeof list)[number]; params: ParamSource[] } | null = null;
      if (r.tok.some((x) => !x.includes(MASK))) {
        for (const c of pool) {
          if (c.masks <= r.masks) continue;
          const params = specialise(r.tok, c.tok, masks);
          if (params && (!best || c.events > best.c.events)) best = { c, params };
        }
      }
      if (best) {
        out.set(r.t, { canonical: best.c.t, params: best.params });
      } else {
        admit(r);
        out.set(r.t, { canonical: r.t, params: Array.from({ length: r.masks }, (_, i) => ({ raw: i + 1 })) });
      }
    }
  }
  return out;
}

/** A parameter's value as an identifier: trailing punctuation and surrounding quotes off. */
export function normalizeValue(v: string): string {
  let s = v;
  if (s.length >= 2 && ((s[0] === '"' && s[s.length - 1] === '"') || (s[0] === "'" && s[s.length - 1] === "'"))) s = s.slice(1, -1);
  return s.replace(/[.:,;]+$/, '');
}
