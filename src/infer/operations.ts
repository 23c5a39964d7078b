/**
 * Operations and steps from templates. Templates that share an operation-id kind (roles.ts) are
 * the steps of one operation (`Enqueued metadata load …`, `Loading metadata …`, `Loaded metadata …`
 * share a task id); each gets the phase its verb names (phases.ts), else one from its place in
 * the operation's instances (first queued or started, last completed). The operation is named by
 * the words of its first step without the verb, the parameters and the id's own words
 * ("metadata load"). A keyed template in no operation is a step of its own: its op is the
 * template's text. Every (op, phase) names one template, so a step is one message.
 */
import { formPhase, listedPhase, phaseOf } from './phases.js';

export interface StepTemplate {
  templateId: number;
  template: string;
  events: number;
  /** The operation-id kind of the template, when one of its parameters is an operation id. */
  opKind: number | null;
  /** 1-based parameter of the operation id, for naming. */
  opParam: number | null;
  /** Whether one of its parameters is an entity key. */
  keyed: boolean;
}

export interface Step {
  templateId: number;
  op: string;
  phase: string | null;
  /** How the phase was found: the template's verb, or the step's place in its operation. */
  phaseFrom: 'verb' | 'order' | null;
  /** The operation group, for steps of a multi-template operation. */
  group: number | null;
}

const EDGE = new Set(['for', 'of', 'to', 'from', 'with', 'on', 'in', 'at', 'by', 'the', 'a', 'an', 'and', 'or', 'is', 'as', 'into', 'onto']);
const ID_WORDS = new Set(['id', 'task', 'job', 'request', 'req', 'op', 'operation', 'session', 'trace', 'span', 'txn', 'transaction', 'run', 'attempt', 'call', 'ticket']);
const PHASE_WORDS = /^(enqueued|queued|scheduled|submitted|accepted|pending|waiting|started|starting|began|begin|beginning|finished|completed|complete|done|running|processing)$/i;
const FAILED_START = /^(failed|failure|error|aborted)$/i;

/** "metadata load" from "Enqueued metadata load for <*> (task <*>)". */
export function operationName(template: string, opParam: number | null): string {
  const toks = template.split(' ');
  // the id's own words: the tokens just before the op id's <*> ("(task", "request id=")
  let seen = 0;
  const drop = new Set<number>();
  toks.forEach((t, i) => {
    if (!t.includes('<*>')) return;
    seen += t.split('<*>').length - 1;
    drop.add(i);
    if (opParam !== null && seen >= opParam && seen - (t.split('<*>').length - 1) < opParam) {
      for (let j = i - 1; j >= 0 && j >= i - 2; j--) {
        const w = toks[j].toLowerCase().replace(/[^a-z]/g, '');
        if (ID_WORDS.has(w)) drop.add(j);
        else break;
      }
    }
  });
  const words = toks
    .map((t, i) => (drop.has(i) ? '' : t.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')))
    .filter((w) => w !== '' && !ID_WORDS.has(w.toLowerCase()));
  // the verb: a word of the phase lists wherever it stands, else the first verb form
  let verb = words.findIndex((w) => PHASE_WORDS.test(w) || listedPhase(w.toLowerCase()) !== null || FAILED_START.test(w));
  if (verb < 0) verb = words.findIndex((w) => formPhase(w.toLowerCase()) !== null);
  if (verb >= 0) words.splice(verb, 1);
  while (words.length && EDGE.has(words[0].toLowerCase())) words.shift();
  // up to the first small word that starts a complement ("metadata load for …")
  const cut = words.findIndex((w, i) => i > 0 && EDGE.has(w.toLowerCase()));
  const name = (cut > 0 ? words.slice(0, cut) : words).slice(0, 4).join(' ').toLowerCase();
  return name || template;
}

/**
 * The steps of the templates: `ranks` is each template's mean place (1 = first) within the
 * instances of its operation (an operation id on a node), for ordering and phase fallback.
 */
export function inferSteps(templates: readonly StepTemplate[], ranks: ReadonlyMap<number, number>): Step[] {
  const out: Step[] = [];
  const groups = new Map<number, StepTemplate[]>();
  for (const t of templates) {
    if (t.opKind !== null) groups.set(t.opKind, [...(groups.get(t.opKind) ?? []), t]);
    else if (t.keyed) {
      const phase = phaseOf(t.template);
      out.push({ templateId: t.templateId, op: t.template, phase, phaseFrom: phase === null ? null : 'verb', group: null });
    }
  }
  const names = new Map<string, number>();
  let groupNo = 0;
  for (const [, members] of [...groups.entries()].sort((a, b) => a[0] - b[0])) {
    const g = ++groupNo;
    if (members.length === 1 && !members[0].keyed) continue; // an id in one template: nothing to group
    const ordered = [...members].sort((a, b) => (ranks.get(a.templateId) ?? 0) - (ranks.get(b.templateId) ?? 0) || b.events - a.events || a.templateId - b.templateId);
    let name = operationName(ordered[0].template, ordered[0].opParam);
    const taken = names.get(name);
    if (taken !== undefined) name = `${name} (${operationName(ordered[ordered.length - 1].template, ordered[ordered.length - 1].opParam)})`;
    names.set(name, g);
    const phases = ordered.map((t) => phaseOf(t.template));
    const hasStarted = phases.includes('started');
    const used = new Set<string>();
    ordered.forEach((t, i) => {
      let phase = phases[i];
      let from: Step['phaseFrom'] = phase === null ? null : 'verb';
      if (phase === null && ordered.length > 1) {
        phase = i === 0 ? (hasStarted ? 'queued' : 'started') : i === ordered.length - 1 ? 'completed' : null;
        from = phase === null ? null : 'order';
      }
      // two steps of one operation in one phase: the later one keeps its own word
      if (phase !== null && used.has(phase)) {
        const word = t.template.split(' ').find((w) => !w.includes('<*>') && phaseOf(w) === phase) ?? `${phase} ${i + 1}`;
        phase = word.toLowerCase().replace(/[^a-z0-9 ]/g, '');
        from = 'verb';
      }
      if (phase !== null) used.add(phase);
      out.push({ templateId: t.templateId, op: name, phase, phaseFrom: from, group: g });
    });
  }
  return out.sort((a, b) => a.templateId - b.templateId);
}
