/**
 * A validated definition compiled for the per-line path: one RegExp per pattern with
 * numbered groups, each group resolved once to what it fills (timestamp, message, a
 * canonical column or attrs), rules with their `when` conditions as group indexes and
 * strings to compare, and the timestamp pattern compiled (normalize/timeFormat.ts).
 * Nothing on the per-line path looks anything up by name.
 */
import { noteProblem, type EventRow } from '../event.js';
import type { FieldMapper } from '../normalize/fields.js';
import type { Slot } from '../normalize/synonyms.js';
import { compileTimeFormat, type CompiledTimeFormat, type TimeParser } from '../normalize/timeFormat.js';
import { parseTimestampText, TimeZone } from '../normalize/timestamp.js';
import { compilePattern, type Pattern } from './pattern.js';
import { COLUMN_NAMES, type Definition } from './schema.js';

export const enum Fill { Timestamp, Message, Column, Attr }

/** What one regex group fills. */
export interface GroupAction {
  index: number;
  name: string;
  fill: Fill;
  /** The column, for Fill.Column (null otherwise). */
  slot: Slot | null;
}

export interface CompiledRule {
  /** `when`: group index of `line` → the value(s) it must equal. */
  conds: { index: number; value: string; values: readonly string[] | null }[];
  /** Group index of `line` to match against, or -1 for the message. */
  field: number;
  match: { re: RegExp; actions: GroupAction[] } | null;
  set: { slot: Slot; value: string | number | boolean }[];
}

export type Unmatched = 'join' | 'event' | 'reject';

export class CompiledDefinition {
  readonly name: string;
  readonly description: string;
  readonly priority: number;
  /** Tie-break after priority: the named groups of `line` (more groups, more specific). */
  readonly specificity: number;
  readonly line: Pattern;
  readonly lineActions: GroupAction[];
  /** `line` has no message group: the whole line is the message. */
  readonly lineIsMessage: boolean;
  readonly detect: RegExp;
  readonly continuation: RegExp | null;
  readonly attach: { re: RegExp; actions: GroupAction[]; to: 'previous' | 'next' } | null;
  readonly unmatched: Unmatched;
  readonly rules: CompiledRule[];
  readonly time: CompiledTimeFormat | null;
  readonly zone: TimeZone | null;

  constructor(readonly definition: Definition, readonly file: string) {
    const d = definition;
    this.name = d.name;
    this.description = d.description ?? `definition ${file}`;
    this.priority = d.priority ?? 10;
    const tsField = d.timestamp?.field ?? 'ts';
    this.line = compilePattern(d.line!); // text definitions have a line (schema.ts)
    this.specificity = this.line.groups.size;
    this.lineActions = actionsOf(this.line, tsField);
    this.lineIsMessage = !this.line.groups.has('message');
    this.detect = d.detect !== undefined ? compilePattern(d.detect).re : this.line.re;
    this.continuation = d.continuation !== undefined ? compilePattern(d.continuation).re : null;
    if (d.attach) {
      const p = compilePattern(d.attach.line);
      this.attach = { re: p.re, actions: actionsOf(p, tsField), to: d.attach.to };
    } else {
      this.attach = null;
    }
    this.unmatched = d.unmatched ?? 'join';
    this.rules = (d.rules ?? []).map((r) => {
      const p = r.match !== undefined ? compilePattern(r.match) : null;
      return {
        conds: Object.entries(r.when ?? {}).map(([k, v]) => ({
          index: this.line.groups.get(k)!,
          value: typeof v === 'string' ? v : v[0],
          values: typeof v === 'string' ? null : v,
        })),
        field: r.field === undefined || r.field === 'message' ? -1 : this.line.groups.get(r.field)!,
        match: p ? { re: p.re, actions: actionsOf(p, tsField) } : null,
        set: Object.entries(r.set ?? {}).map(([k, v]) => ({ slot: k as Slot, value: v })),
      };
    });
    this.time = d.timestamp ? compileTimeFormat(d.timestamp.format) : null;
    this.zone = d.timestamp?.zone !== undefined ? TimeZone.parse(d.timestamp.zone) : null;
  }

  /** The timestamp reader for one file (its own year state for year-less patterns). */
  timeParser(zone: TimeZone, year: number, notAfterMs?: number): TimeParser {
    const z = this.zone ?? zone;
    if (this.time === null) return (text) => parseTimestampText(text, z);
    return this.time.parser({ zone: z, year, notAfterMs });
  }
}

const COLUMNS = new Set(COLUMN_NAMES);

/** What each named group of a pattern fills: the timestamp, the message, a column, else attrs. */
export function actionsOf(p: Pattern, tsField: string): GroupAction[] {
  const out: GroupAction[] = [];
  for (const [name, index] of p.groups) {
    if (name === tsField) out.push({ index, name, fill: Fill.Timestamp, slot: null });
    else if (name === 'message') out.push({ index, name, fill: Fill.Message, slot: null });
    else if (COLUMNS.has(name) && name !== 'ts') out.push({ index, name, fill: Fill.Column, slot: name as Slot });
    else out.push({ index, name, fill: Fill.Attr, slot: null });
  }
  return out.sort((a, b) => a.index - b.index);
}

/**
 * Fills an event from one match. `overwrite` (rules) replaces what is there; otherwise
 * the first value wins and a value that cannot fill its column stays in attrs.
 */
export function applyGroups(
  ev: EventRow, m: RegExpExecArray, actions: readonly GroupAction[], fields: FieldMapper, parseTs: TimeParser, overwrite: boolean,
): void {
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i];
    const v = m[a.index];
    if (v === undefined) continue;
    switch (a.fill) {
      case Fill.Message:
        if (overwrite || ev.message === null) ev.message = v;
        break;
      case Fill.Timestamp: {
        if (v === '' || (!overwrite && ev.tsUs !== null)) break;
        const us = parseTs(v);
        if (us !== null) {
          ev.tsUs = us;
        } else {
          noteProblem(ev, 'ts', `unparseable timestamp ${JSON.stringify(v)}`);
          (ev.attrs ??= {})[a.name] = v;
        }
        break;
      }
      case Fill.Column:
        if (v === '') break;
        if (overwrite) clearSlot(ev, a.slot!);
        if (!fields.assign(ev, a.slot!, v)) (ev.attrs ??= {})[a.name] = v;
        break;
      case Fill.Attr:
        if (v !== '' || overwrite) (ev.attrs ??= {})[a.name] = v;
        break;
    }
  }
}

/** Applies the rules that hold for this line (`m` is the match of `line`). */
export function applyRules(ev: EventRow, m: RegExpExecArray, rules: readonly CompiledRule[], fields: FieldMapper, parseTs: TimeParser): void {
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r];
    let ok = true;
    for (let c = 0; c < rule.conds.length && ok; c++) {
      const cond = rule.conds[c];
      const v = m[cond.index];
      ok = cond.values === null ? v === cond.value : v !== undefined && cond.values.includes(v);
    }
    if (!ok) continue;
    if (rule.match !== null) {
      const target = rule.field < 0 ? ev.message : m[rule.field];
      if (target === null || target === undefined) continue;
      const rm = rule.match.re.exec(target);
      if (rm === null) continue;
      applyGroups(ev, rm, rule.match.actions, fields, parseTs, true);
    }
    for (const s of rule.set) {
      clearSlot(ev, s.slot);
      fields.assign(ev, s.slot, s.value);
    }
  }
}

/** Empties a column so a rule can set it. */
function clearSlot(ev: EventRow, slot: Slot): void {
  switch (slot) {
    case 'ts': ev.tsUs = null; break;
    case 'node': ev.node = null; break;
    case 'level': ev.level = null; break;
    case 'component': ev.component = null; break;
    case 'thread': ev.thread = null; break;
    case 'message': ev.message = null; break;
    case 'key': ev.key = null; break;
    case 'op': ev.op = null; break;
    case 'phase': ev.phase = null; break;
    case 'causal_id': ev.causalId = null; break;
    case 'seq': ev.seq = null; break;
    case 'count': ev.count = null; break;
    case 'count_unit': ev.countUnit = null; break;
    case 'peer': case 'peer_in': case 'peer_out': ev.peer = null; ev.peerDirection = null; break;
    case 'peer_direction': ev.peerDirection = null; break;
    case 'version': ev.version = null; break;
    case 'vclock': ev.vclock = null; break;
  }
}
