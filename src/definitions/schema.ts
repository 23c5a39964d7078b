/**
 * The definition file (contract §4) as a zod schema, with orderline's optional
 * extensions (`priority`, `attach`, `unmatched`, rule `field`, sample `lines`). A file
 * that does not validate is refused with the JSON path of the first error.
 */
import { z } from 'zod';
import { CANONICAL_FIELDS } from '../event.js';
import { compileTimeFormat, NAMED_TIME_FORMATS, TimeFormatError } from '../normalize/timeFormat.js';
import { TimeZone } from '../normalize/timestamp.js';
import { compilePattern, PatternError, type Pattern } from './pattern.js';

/** Group names that fill a canonical column (contract §2), plus the directed peer forms. */
export const COLUMN_NAMES: readonly string[] = [...CANONICAL_FIELDS, 'peer_in', 'peer_out'];
const COLUMN_SET = new Set(COLUMN_NAMES);
/** Sample expectations that are not columns: attrs (a subset), first line, event and reject counts. */
const SAMPLE_KEYS = new Set(['attrs', 'line', 'events', 'rejects']);
/** The structured formats a definition can build on (`base`). */
export const STRUCTURED_BASES = ['jsonl', 'logfmt', 'csv', 'otlp'] as const;
export type StructuredBase = (typeof STRUCTURED_BASES)[number];

const regex = z.string().min(1, 'an empty regular expression').superRefine((s, ctx) => {
  try {
    compilePattern(s);
  } catch (e) {
    if (!(e instanceof PatternError)) throw e;
    ctx.addIssue({ code: 'custom', message: e.message });
  }
});

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const rule = z.strictObject({
  match: regex.optional().describe('regex tried against the message (or `field`); its named groups fill columns'),
  field: z.string().optional().describe('extension: match this group of `line` instead of the message'),
  when: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).optional()
    .describe('group of `line` → value (or list of values) it must equal'),
  set: z.record(z.string(), scalar).optional().describe('column → value, set when the rule applies'),
});

const sample = z.strictObject({
  line: z.string().optional(),
  lines: z.array(z.string()).min(1).optional().describe('extension: a multi-line sample (one event)'),
  expect: z.record(z.string(), z.unknown()),
  year: z.number().int().min(1).max(9999).optional().describe('year for year-less timestamps (default 2000)'),
}).refine((s) => (s.line === undefined) !== (s.lines === undefined), { message: 'a sample has either `line` or `lines`' });

const definitionBase = z.strictObject({
  $schema: z.string().optional(),
  $comment: z.string().optional(),
  name: z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'a name of letters, digits, ".", "_" and "-"'),
  description: z.string().optional(),
  priority: z.number().int().min(-100).max(100).optional().describe('extension: tie-break when scores are equal'),
  base: z.enum(STRUCTURED_BASES).optional()
    .describe('extension: a structured format the records are read with (jsonl, logfmt, csv, otlp) instead of a `line` regex'),
  fields: z.record(z.string().min(1), z.string()).optional()
    .describe('extension, with base: record field name → the column it fills ("attrs": none), ahead of the built-in synonyms'),
  line: regex.optional(),
  detect: regex.optional(),
  timestamp: z.strictObject({
    field: z.string().optional(),
    format: z.string().min(1),
    zone: z.string().optional(),
  }).optional(),
  continuation: regex.optional(),
  attach: z.strictObject({
    line: regex,
    to: z.enum(['previous', 'next']),
  }).optional().describe('extension: a line whose groups merge into the event before it (previous) or after it (next)'),
  unmatched: z.enum(['join', 'event', 'reject']).optional()
    .describe('extension: what a line matching neither line nor continuation does (default join)'),
  rules: z.array(rule).optional(),
  samples: z.array(sample).optional(),
});

export const definitionSchema = definitionBase.superRefine((d, ctx) => {
  if (d.base !== undefined) return structuredRefine(d, ctx);
  if (d.line === undefined) {
    ctx.addIssue({ code: 'custom', path: ['line'], message: 'a definition needs "line" (a regex of a text line) or "base" (a structured format)' });
    return;
  }
  if (d.fields !== undefined) ctx.addIssue({ code: 'custom', path: ['fields'], message: '"fields" maps the fields of a structured record: it needs "base"' });
  const line = tryPattern(d.line);
  if (line === null) return; // already reported
  const lineGroups = line.groups;
  const attachGroups = d.attach ? tryPattern(d.attach.line)?.groups : undefined;
  const tsField = d.timestamp?.field ?? 'ts';
  if (d.timestamp) {
    if (!lineGroups.has(tsField) && !attachGroups?.has(tsField)) {
      ctx.addIssue({ code: 'custom', path: ['timestamp', 'field'], message: `"line" has no group named "${tsField}"` });
    }
    try {
      compileTimeFormat(d.timestamp.format);
    } catch (e) {
      if (!(e instanceof TimeFormatError)) throw e;
      ctx.addIssue({
        code: 'custom', path: ['timestamp', 'format'],
        message: `${e.message} (Luxon tokens, or one of ${NAMED_TIME_FORMATS.join(', ')})`,
      });
    }
    if (d.timestamp.zone !== undefined && TimeZone.parse(d.timestamp.zone) === null) {
      ctx.addIssue({ code: 'custom', path: ['timestamp', 'zone'], message: `unknown time zone "${d.timestamp.zone}"` });
    }
  }
  d.rules?.forEach((r, i) => {
    if (r.match === undefined && r.set === undefined) {
      ctx.addIssue({ code: 'custom', path: ['rules', i], message: 'a rule needs "match" or "set"' });
    }
    if (r.field !== undefined && r.field !== 'message' && !lineGroups.has(r.field)) {
      ctx.addIssue({ code: 'custom', path: ['rules', i, 'field'], message: `"line" has no group named "${r.field}"` });
    }
    for (const k of Object.keys(r.when ?? {})) {
      if (!lineGroups.has(k)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'when', k], message: `"line" has no group named "${k}"` });
    }
    checkSet(r, i, ctx);
  });
  checkSamples(d, ctx);
});

/** A rule's `set` names columns it can fill (not ts). */
function checkSet(r: z.infer<typeof rule>, i: number, ctx: z.RefinementCtx): void {
  for (const k of Object.keys(r.set ?? {})) {
    if (!COLUMN_SET.has(k) || k === 'ts') {
      ctx.addIssue({ code: 'custom', path: ['rules', i, 'set', k], message: `not a column that set can fill (${COLUMN_NAMES.filter((c) => c !== 'ts').join(', ')})` });
    }
  }
}

/** Samples expect columns, attrs, line, events or rejects. */
function checkSamples(d: z.infer<typeof definitionBase>, ctx: z.RefinementCtx): void {
  d.samples?.forEach((s, i) => {
    for (const k of Object.keys(s.expect)) {
      if (!COLUMN_SET.has(k) && !SAMPLE_KEYS.has(k)) {
        ctx.addIssue({ code: 'custom', path: ['samples', i, 'expect', k], message: 'not a column (contract §2), "attrs", "line", "events" or "rejects"' });
      }
    }
  });
}

/** A definition on a structured base: no text-line keys; rules match the message; fields name columns. */
function structuredRefine(d: z.infer<typeof definitionBase>, ctx: z.RefinementCtx): void {
  for (const k of ['line', 'timestamp', 'continuation', 'attach', 'unmatched'] as const) {
    if (d[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: `"${k}" is for text definitions; with "base" the ${d.base} reader splits records and reads times` });
  }
  for (const [name, column] of Object.entries(d.fields ?? {})) {
    if (column !== 'attrs' && !COLUMN_SET.has(column)) {
      ctx.addIssue({ code: 'custom', path: ['fields', name], message: `not a column (${COLUMN_NAMES.join(', ')}) or "attrs"` });
    }
  }
  d.rules?.forEach((r, i) => {
    if (r.match === undefined && r.set === undefined) ctx.addIssue({ code: 'custom', path: ['rules', i], message: 'a rule needs "match" or "set"' });
    if (r.field !== undefined && r.field !== 'message') ctx.addIssue({ code: 'custom', path: ['rules', i, 'field'], message: 'with "base", rules match the message' });
    if (r.when !== undefined) ctx.addIssue({ code: 'custom', path: ['rules', i, 'when'], message: 'with "base", rules have no "when" (they match the message)' });
    checkSet(r, i, ctx);
  });
  checkSamples(d, ctx);
}

export type Definition = z.infer<typeof definitionSchema>;
export type DefinitionRule = z.infer<typeof rule>;
export type DefinitionSample = z.infer<typeof sample>;

function tryPattern(source: string): Pattern | null {
  try {
    return compilePattern(source);
  } catch {
    return null;
  }
}

/** `$.rules[0].when.code` from a zod issue path. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'string' && /^[A-Za-z_$][\w$]*$/.test(p)) out += `.${p}`;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out;
}
