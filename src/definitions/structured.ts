/**
 * A definition on a structured base (`"base": "jsonl" | "logfmt" | "csv" | "otlp"`): the
 * base's own reader splits records, reads times and maps fields by their names, with the
 * definition's `fields` (`tenant` → key) ahead of the built-in synonyms; then its `rules`
 * match the message, as a text definition's do. Detected like the others, on the head: it fits
 * where the base does and a fifth of the records carry one of its mapped fields (or match `detect`).
 */
import { Readable } from 'node:stream';
import type { EventRow } from '../event.js';
import { BUILTIN_FORMATS } from '../decode/registry.js';
import type { DecodeContext, EventSink, Format, HeadSample } from '../decode/types.js';
import { FieldMapper } from '../normalize/fields.js';
import type { Slot } from '../normalize/synonyms.js';
import { parseTimestampText, TimeZone } from '../normalize/timestamp.js';
import { actionsOf, applyRules, type CompiledRule } from './compile.js';
import { compilePattern } from './pattern.js';
import type { Definition } from './schema.js';

/**
 * Below this share of head records carrying a mapped field (or matching `detect`), the
 * definition does not fit. Low, since most lines of a log (GC pauses, compactions) carry none
 * of the fields of its entities.
 */
const MIN_SHARE = 0.2;
const NO_MATCH = [] as unknown as RegExpExecArray;

export class StructuredDefinition {
  readonly name: string;
  readonly description: string;
  readonly priority: number;
  /** Tie-break after priority: how many fields it maps. */
  readonly specificity: number;
  readonly base: Format;
  /** Lower-case field name → the slot it fills (null: attrs). */
  readonly overrides: ReadonlyMap<string, Slot | null>;
  readonly rules: CompiledRule[];
  readonly detect: RegExp | null;

  constructor(readonly definition: Definition, readonly file: string) {
    const d = definition;
    const base = BUILTIN_FORMATS.find((f) => f.name === d.base);
    if (base === undefined) throw new Error(`unknown base ${d.base}`); // the schema allows only the built-in names
    this.base = base;
    this.name = d.name;
    this.description = d.description ?? `definition ${file} (${d.base})`;
    // above the base itself (jsonl 50, logfmt 40 …): a fitting definition says more than its base
    this.priority = d.priority ?? 60;
    const fields = Object.entries(d.fields ?? {});
    this.specificity = fields.length;
    this.overrides = new Map(fields.map(([name, col]) => [name.toLowerCase(), col === 'attrs' ? null : (col as Slot)]));
    this.detect = d.detect !== undefined ? compilePattern(d.detect).re : null;
    this.rules = (d.rules ?? []).map((r) => {
      const p = r.match !== undefined ? compilePattern(r.match) : null;
      return {
        conds: [],
        field: -1,
        match: p ? { re: p.re, actions: actionsOf(p, 'ts') } : null,
        set: Object.entries(r.set ?? {}).map(([k, v]) => ({ slot: k as Slot, value: v })),
      };
    });
  }

  /** The context the base reader gets: the definition's field names, its rules on every event. */
  context(ctx: DecodeContext): DecodeContext {
    const fields = new FieldMapper(ctx.zone, this.overrides);
    const rules = this.rules;
    const parseTs = (text: string) => parseTimestampText(text, ctx.zone);
    const sink: EventSink = rules.length === 0 ? ctx.sink : {
      event: (ev: EventRow) => {
        applyRules(ev, NO_MATCH, rules, fields, parseTs);
        ctx.sink.event(ev);
      },
      reject: (lineNo, reason, raw) => ctx.sink.reject(lineNo, reason, raw),
      continuation: () => ctx.sink.continuation(),
    };
    return { ...ctx, fields, sink };
  }

  /**
   * How well the head fits: the base's own score when a fifth of its records or more carry a
   * mapped field (or match `detect`), else 0; its priority (above the base's) then makes it
   * win over the plain base.
   */
  score(head: HeadSample): number {
    const baseScore = this.base.score(head);
    if (baseScore === 0) return 0;
    const share = this.detect !== null ? shareOf(head.lines, (l) => this.detect!.test(l)) : this.fieldShare(head);
    return share < MIN_SHARE ? 0 : baseScore;
  }

  /** Share of the head's records that carry one of the mapped field names (as the base reads them). */
  private fieldShare(head: HeadSample): number {
    if (this.overrides.size === 0) return 1;
    if (this.base.lineDecoder === undefined) {
      // a document (OTLP): the names appear as attribute keys in its text
      const text = head.text;
      return [...this.overrides.keys()].some((n) => new RegExp(`"${escapeRe(n)}"`, 'i').test(text)) ? 1 : 0;
    }
    let records = 0;
    let carrying = 0;
    let seen = false;
    const names = this.overrides;
    const probe = new (class extends FieldMapper {
      override slotOf(name: string): Slot | null {
        if (names.has(name.toLowerCase())) seen = true;
        return super.slotOf(name);
      }
    })(TimeZone.utc(), this.overrides);
    const decoder = this.base.lineDecoder({
      sink: {
        event: () => {
          records++;
          if (seen) carrying++;
          seen = false;
        },
        reject: () => { seen = false; },
        continuation: () => {},
      },
      fields: probe,
      zone: TimeZone.utc(),
      defaultNode: 'head',
      year: 2000,
      drain: () => null,
    });
    head.lines.forEach((l, i) => decoder.line(l, head.lineNumbers?.[i] ?? i + 1));
    decoder.end();
    return records === 0 ? 0 : carrying / records;
  }
}

/** A structured definition as a Format the registry detects and ingest decodes with. */
export function structuredFormat(def: StructuredDefinition, file: string): Format {
  const base = def.base;
  return {
    name: def.name,
    description: def.description,
    priority: def.priority,
    specificity: def.specificity,
    file,
    score: (head) => def.score(head),
    ...(base.lineDecoder
      ? { lineDecoder: (ctx: DecodeContext) => base.lineDecoder!(def.context(ctx)) }
      : { decodeDocument: (input: Readable, ctx: DecodeContext, head: HeadSample) => base.decodeDocument!(input, def.context(ctx), head) }),
  };
}

function shareOf(lines: readonly string[], test: (l: string) => boolean): number {
  if (lines.length === 0) return 0;
  let n = 0;
  for (const l of lines) if (test(l)) n++;
  return n / lines.length;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
