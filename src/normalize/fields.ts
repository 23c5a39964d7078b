/**
 * Fills an EventRow from named values: structured fields, regex groups, message pairs.
 * Conversion failures never lose data: the raw value stays in `attrs` and the problem
 * is listed in `attrs._problems`.
 */
import { noteProblem, setOwn, type EventRow } from '../event.js';
import { normalizeLevel, syslogSeverity } from './level.js';
import { normalizePhase } from './phase.js';
import { toBigintText } from './integer.js';
import { parseTimestamp, type TimeZone } from './timestamp.js';
import { checkNesting } from './nesting.js';
import { NESTED_PREFIXES, slotOfLower, type Slot } from './synonyms.js';

export class FieldMapper {
  /** Raw field name → slot (null: not canonical), cached per mapper: names repeat on every line. */
  private readonly slots = new Map<string, Slot | null>();

  /**
   * `overrides`: lower-case field name → the slot it fills (null: none, it stays in attrs), ahead
   * of the synonyms (a structured definition's `fields`: `tenant` → key).
   */
  constructor(readonly zone: TimeZone, private readonly overrides?: ReadonlyMap<string, Slot | null>) {}

  slotOf(name: string): Slot | null {
    let slot = this.slots.get(name);
    if (slot === undefined) {
      const lower = name.toLowerCase();
      const o = this.overrides?.get(lower);
      slot = o !== undefined ? o : slotOfLower(lower) ?? null;
      this.slots.set(name, slot);
    }
    return slot;
  }

  /**
   * Maps every property of a parsed structured record.
   *
   * A text value that is itself a JSON object (a Docker json-file line in a CSV cell,
   * an app's JSON line inside Docker's `log`) has its fields mapped as if they were
   * the record's own (empty columns only; at most JSON_TEXT_DEPTH levels deep), when
   * its own name is no canonical field or names the message; the JSON text itself is
   * then not kept (its fields are). If no message came out of it, the text is the message.
   *
   * Throws NestingError (normalize/nesting.ts) for a value nested deeper than MAX_NESTING:
   * the decoder turns the record into a reject.
   */
  assignObject(ev: EventRow, obj: Record<string, unknown>, depth = 0): void {
    /** The field that filled `node` in this object, so a pod field can take its place. */
    let nodeField: string | null = null;
    for (const name in obj) {
      const value = obj[name];
      if (value !== null && typeof value === 'object') checkNesting(value, 1 + depth);
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && NESTED_PREFIXES.has(name.toLowerCase())) {
        // `{"node": {"name": "es-1"}}`, `{"host": {"name": …}}`: the dotted synonyms inside, not the object as text.
        this.assignNested(ev, name, value as Record<string, unknown>);
        setOwn((ev.attrs ??= {}), name, value);
        continue;
      }
      const slot = this.slotOf(name);
      if ((slot === null || slot === 'message') && depth < JSON_TEXT_DEPTH && typeof value === 'string') {
        const inner = jsonObjectText(value);
        if (inner !== null) {
          this.assignObject(ev, inner, depth + 1);
          if (slot === 'message' && ev.message === null) ev.message = value;
          continue;
        }
      }
      if (slot === 'pod' && nodeField !== null && ev.node !== null) {
        setOwn((ev.attrs ??= {}), nodeField, ev.node);
        ev.node = null;
        nodeField = null;
      }
      if (slot !== null && this.assign(ev, slot, value)) {
        if (slot === 'node') nodeField = name;
        continue;
      }
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        this.assignNested(ev, name, value as Record<string, unknown>);
      }
      if (value !== undefined) setOwn((ev.attrs ??= {}), name, value);
    }
  }

  private assignNested(ev: EventRow, prefix: string, obj: Record<string, unknown>): void {
    const lower = prefix.toLowerCase();
    for (const sub in obj) {
      const slot = slotOfLower(`${lower}.${sub.toLowerCase()}`);
      if (slot !== undefined) this.assign(ev, slot, obj[sub]);
    }
  }

  /**
   * Puts one value into its slot. Returns false when the slot was already filled or the
   * value is unusable (the caller then keeps it in attrs).
   */
  assign(ev: EventRow, slot: Slot, value: unknown): boolean {
    if (value === null || value === undefined || value === '') return false;
    switch (slot) {
      case 'ts': {
        if (ev.tsUs !== null) return false;
        const us = parseTimestamp(value, this.zone);
        if (us === null) {
          noteProblem(ev, 'ts', `unparseable timestamp ${JSON.stringify(value)}`);
          return false;
        }
        ev.tsUs = us;
        return true;
      }
      case 'level': {
        if (ev.level !== null) return false;
        const level = normalizeLevel(value);
        if (level === null) return false;
        ev.level = level;
        return true;
      }
      case 'syslog_priority': {
        if (ev.level !== null) return false;
        const level = syslogSeverity(value);
        if (level === null) return false;
        ev.level = level;
        return true;
      }
      case 'phase':
        if (ev.phase !== null) return false;
        ev.phase = normalizePhase(text(value));
        return true;
      case 'seq': case 'count': case 'version': {
        const field = slot;
        if (ev[field] !== null) return false;
        const n = toBigintText(value);
        if (n === null) {
          noteProblem(ev, field, `not an integer: ${JSON.stringify(value)}`);
          return false;
        }
        ev[field] = n;
        return true;
      }
      case 'peer_in': case 'peer_out':
        if (ev.peer !== null) return false;
        ev.peer = text(value);
        ev.peerDirection = slot === 'peer_in' ? 'in' : 'out';
        return true;
      case 'peer_direction': {
        if (ev.peerDirection !== null) return false;
        const d = text(value).toLowerCase();
        if (d !== 'in' && d !== 'out') return false;
        ev.peerDirection = d;
        return true;
      }
      case 'vclock': {
        if (ev.vclock !== null) return false;
        const clock = toVclock(value);
        if (clock === null) return false;
        ev.vclock = clock;
        return true;
      }
      case 'node': case 'pod': return setText(ev, 'node', value);
      case 'component': return setText(ev, 'component', value);
      case 'thread': return setText(ev, 'thread', value);
      case 'message': {
        // An object is no message text: it stays in attrs (and its dotted synonyms map).
        if (typeof value === 'object' || ev.message !== null) return false;
        const t = text(value);
        // Docker json-file and friends end the logged line with its newline.
        ev.message = t.charCodeAt(t.length - 1) === 10 ? t.replace(/\r?\n+$/, '') : t;
        return true;
      }
      case 'key': return setText(ev, 'key', value);
      case 'op': return setText(ev, 'op', value);
      case 'causal_id': return setText(ev, 'causalId', value);
      case 'count_unit': return setText(ev, 'countUnit', value);
      case 'peer': return setText(ev, 'peer', value);
    }
  }
}

/** How deep JSON object text inside values is mapped (a cell → Docker's line → the app's JSON). */
const JSON_TEXT_DEPTH = 2;

/** The object a text value holds when it is JSON object text (`{…}`), else null. */
function jsonObjectText(value: string): Record<string, unknown> | null {
  const n = value.length;
  if (n < 2 || value.charCodeAt(0) !== 123 /* { */) return null;
  let last = n - 1;
  while (last > 0 && (value.charCodeAt(last) === 10 || value.charCodeAt(last) === 13 || value.charCodeAt(last) === 32)) last--;
  if (value.charCodeAt(last) !== 125 /* } */) return null;
  try {
    const v = JSON.parse(value);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

type TextField = 'node' | 'component' | 'thread' | 'message' | 'key' | 'op' | 'causalId' | 'countUnit' | 'peer';

function setText(ev: EventRow, field: TextField, value: unknown): boolean {
  if (ev[field] !== null) return false;
  ev[field] = text(value);
  return true;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A vector clock as JSON object text; accepts an object or JSON text of one. */
export function toVclock(value: unknown): string | null {
  let obj = value;
  if (typeof value === 'string') {
    try {
      obj = JSON.parse(value);
    } catch {
      // JSON text whose quotes were escaped once more (`{\"n1\":2}`, a clock inside a string)
      if (!value.includes('\\"')) return null;
      try { obj = JSON.parse(value.replaceAll('\\"', '"')); } catch { return null; }
    }
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return null;
  for (const k in obj as Record<string, unknown>) {
    if (typeof (obj as Record<string, unknown>)[k] !== 'number') return null;
  }
  return JSON.stringify(obj);
}
