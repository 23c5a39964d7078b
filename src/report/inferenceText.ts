/**
 * The sentence that says what inference gave a finding's evidence, for Markdown and HTML alike:
 * which parameter of which template is the key, which template each step is and where its phase
 * came from, and which parameter linked the steps of the pending operation.
 */
import type { Finding } from '../analyses/shapes.js';
import type { Sentence } from './summary.js';
import { cite, stepText } from './text.js';

export function inferenceSentence(f: Finding): Sentence | null {
  const inferred = f.inferred;
  if (!inferred) return null;
  const at = (e: { source: string; line: number }) => inferred[cite(e)];
  const brk = at(f.first_break);
  const pend = f.pending.map(at).find((x) => x);
  const res = f.resolved ? at(f.resolved) : undefined;
  const s: Sentence = [];
  const key = brk?.key ?? pend?.key ?? res?.key;
  const keyOwner = brk?.key ? brk : pend?.key ? pend : res;
  if (key && keyOwner) {
    s.push('key ', { code: f.key }, key.param > 0 ? ` from parameter ${key.param} of ` : ' ', ...(key.param > 0 ? [{ code: keyOwner.template }] : []),
      ` (${key.evidence})`);
  }
  for (const [what, x, step] of [['break', brk, f.first_break], ['pending step', pend, f.pending[0]], ['resolution', res, f.resolved]] as const) {
    if (!x?.step || !step) continue;
    s.push(s.length ? '; ' : '', `${what} `, { code: stepText({ op: x.step.op, phase: x.step.phase }) }, ' is ', { code: x.template },
      x.step.phaseFrom === 'order' ? ' (phase from its place in the operation)' : x.step.phaseFrom === 'verb' ? ' (phase from its verb)' : '');
  }
  const op = pend?.operation ?? res?.operation;
  const opOwner = pend?.operation ? pend : res;
  if (op && opOwner) s.push('; the steps of ', { code: opOwner.step?.op ?? '?' }, ` are linked by parameter ${op.param} of their templates (${op.evidence})`);
  if (!s.length) return null;
  return ['Inferred from the messages (these lines carry no such fields): ', ...s, '. ', { code: '--no-infer' }, ' reads the events as the lines give them.'];
}
