/**
 * Whole JSON documents, streamed with stream-json (never loaded whole):
 * - `json`: a top-level array of event objects, or a stream of top-level objects
 *   (pretty-printed, concatenated). `line` is the element's index + 1.
 * - `otlp`: OpenTelemetry OTLP/JSON logs, `resourceLogs[].scopeLogs[].logRecords[]`,
 *   one or more export documents. `line` is the record's ordinal + 1.
 * A syntax error fails the whole source (nothing of it is kept): a broken document
 * cannot be resynchronised.
 */
import { pipeline } from 'node:stream/promises';
import { Writable, type Readable } from 'node:stream';
import parserStream from 'stream-json';
import pick from 'stream-json/filters/pick.js';
import streamArray from 'stream-json/streamers/stream-array.js';
import streamValues from 'stream-json/streamers/stream-values.js';
import { emptyEvent, setOwn, type EventRow } from '../event.js';
import { assignMessagePairs } from '../normalize/messagePairs.js';
import { normalizeLevel } from '../normalize/level.js';
import { jsonPreview, MAX_NESTING, NestingError } from '../normalize/nesting.js';
import type { DecodeContext, DocumentStats, Format, HeadSample } from './types.js';

function firstChar(head: HeadSample): string {
  const m = /\S/.exec(head.text);
  return m ? m[0] : '';
}

async function forEachValue(
  ctx: DecodeContext,
  input: Readable,
  topLevelArray: boolean,
  onValue: (value: unknown, index: number) => void,
  filter?: RegExp,
): Promise<void> {
  const stages: NodeJS.ReadWriteStream[] = [parserStream({ jsonStreaming: true }) as unknown as NodeJS.ReadWriteStream];
  if (filter) stages.push(pick.asStream({ filter }) as unknown as NodeJS.ReadWriteStream);
  stages.push((topLevelArray && !filter ? streamArray.asStream() : streamValues.asStream()) as unknown as NodeJS.ReadWriteStream);
  let index = 0;
  const sink = new Writable({
    objectMode: true,
    write(item: { value: unknown }, _enc, cb) {
      try {
        onValue(item.value, index++);
      } catch (e) {
        cb(e as Error);
        return;
      }
      const wait = ctx.drain();
      if (wait === null) cb();
      else wait.then(() => cb(), cb);
    },
  });
  await (pipeline as unknown as (streams: unknown[]) => Promise<void>)([input, ...stages, sink]);
}

function toEvent(obj: Record<string, unknown>, line: number, ctx: DecodeContext): EventRow {
  const ev = emptyEvent(line);
  ctx.fields.assignObject(ev, obj);
  if (ev.message !== null) assignMessagePairs(ev, ev.message, ctx.fields);
  ev.node ??= ctx.defaultNode;
  return ev;
}

export const jsonDocumentFormat: Format = {
  name: 'json',
  description: 'JSON document: a top-level array of event objects, or concatenated (pretty-printed) objects',
  priority: 30,
  score(head) {
    const c = firstChar(head);
    if (c === '[') return 0.9;
    if (c !== '{' || head.lines.length === 0) return 0;
    // Pretty-printed: the first line is not a whole object by itself.
    try {
      JSON.parse(head.lines[0]);
      return 0.1;
    } catch {
      return 0.8;
    }
  },
  async decodeDocument(input: Readable, ctx: DecodeContext, head: HeadSample): Promise<DocumentStats> {
    let records = 0;
    await forEachValue(ctx, input, firstChar(head) === '[', (value, index) => {
      records++;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        ctx.sink.reject(index + 1, 'not a JSON object', jsonPreview(value));
        return;
      }
      let ev: EventRow;
      try {
        ev = toEvent(value as Record<string, unknown>, index + 1, ctx);
      } catch (e) {
        if (!(e instanceof NestingError)) throw e;
        ctx.sink.reject(index + 1, e.message, jsonPreview(value));
        return;
      }
      ctx.sink.event(ev);
    });
    return { records };
  },
};

/** OTLP AnyValue → plain JS value; NestingError past MAX_NESTING levels of arrays and kvlists. */
function anyValue(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (depth > MAX_NESTING) throw new NestingError();
  const o = v as Record<string, unknown>;
  if ('stringValue' in o) return o.stringValue;
  if ('intValue' in o) return typeof o.intValue === 'string' && /^-?\d+$/.test(o.intValue) && Math.abs(Number(o.intValue)) <= Number.MAX_SAFE_INTEGER ? Number(o.intValue) : o.intValue;
  if ('doubleValue' in o) return o.doubleValue;
  if ('boolValue' in o) return o.boolValue;
  if ('bytesValue' in o) return o.bytesValue;
  if ('arrayValue' in o) {
    const values = (o.arrayValue as Record<string, unknown>)?.values;
    return Array.isArray(values) ? values.map((x) => anyValue(x, depth + 1)) : [];
  }
  if ('kvlistValue' in o) return keyValues((o.kvlistValue as Record<string, unknown>)?.values, depth + 1);
  return null;
}

function keyValues(list: unknown, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (kv && typeof kv === 'object' && typeof (kv as Record<string, unknown>).key === 'string') {
      setOwn(out, (kv as { key: string }).key, anyValue((kv as Record<string, unknown>).value, depth));
    }
  }
  return out;
}

function nanosToMicros(v: unknown): number | null {
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) {
    if (v === '0') return null;
    return Number(BigInt(v) / 1000n);
  }
  if (typeof v === 'number' && v > 0) return Math.floor(v / 1000);
  return null;
}

export const otlpFormat: Format = {
  name: 'otlp',
  description: 'OpenTelemetry OTLP/JSON logs (resourceLogs[].scopeLogs[].logRecords[]); node = service.name, else host.name',
  priority: 60,
  score(head) {
    return firstChar(head) === '{' && head.text.includes('"resourceLogs"') ? 1 : 0;
  },
  async decodeDocument(input: Readable, ctx: DecodeContext): Promise<DocumentStats> {
    let records = 0;
    await forEachValue(ctx, input, false, (value) => {
      const rl = value as Record<string, unknown>;
      let resource: Record<string, unknown>;
      let resourceProblem: string | null = null;
      try {
        resource = keyValues((rl?.resource as Record<string, unknown> | undefined)?.attributes);
      } catch (e) {
        if (!(e instanceof NestingError)) throw e;
        resource = {};
        resourceProblem = `resource attributes: ${e.message}`;
      }
      const node = (resource['service.name'] ?? resource['host.name']) as string | undefined;
      const scopeLogs = Array.isArray(rl?.scopeLogs) ? rl.scopeLogs : [];
      for (const sl of scopeLogs as Record<string, unknown>[]) {
        const scope = (sl?.scope ?? {}) as Record<string, unknown>;
        const recordsOf = Array.isArray(sl?.logRecords) ? (sl.logRecords as unknown[]) : [];
        for (const rec of recordsOf) {
          const line = ++records;
          if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
            ctx.sink.reject(line, 'not a JSON object', jsonPreview(rec));
            continue;
          }
          if (resourceProblem !== null) {
            ctx.sink.reject(line, resourceProblem, jsonPreview(rec));
            continue;
          }
          let ev: EventRow;
          try {
            ev = otlpEvent(rec as Record<string, unknown>, line, node, scope, resource, ctx);
          } catch (e) {
            if (!(e instanceof NestingError)) throw e;
            ctx.sink.reject(line, e.message, jsonPreview(rec));
            continue;
          }
          ctx.sink.event(ev);
        }
      }
    }, /^resourceLogs\.\d+$/);
    return { records };
  },
};

function otlpEvent(
  r: Record<string, unknown>, line: number, node: string | undefined,
  scope: Record<string, unknown>, resource: Record<string, unknown>, ctx: DecodeContext,
): EventRow {
  const ev = emptyEvent(line);
  const attrs: Record<string, unknown> = {};
  ev.tsUs = nanosToMicros(r.timeUnixNano) ?? nanosToMicros(r.observedTimeUnixNano);
  ev.level = normalizeLevel(r.severityText) ?? normalizeLevel(r.severityNumber);
  if (r.severityText !== undefined && ev.level === null) attrs.severityText = r.severityText;
  const body = anyValue(r.body);
  if (body !== undefined && body !== null) ev.message = typeof body === 'string' ? body : JSON.stringify(body);
  if (typeof r.traceId === 'string' && r.traceId !== '') ev.causalId = r.traceId;
  if (typeof r.spanId === 'string' && r.spanId !== '') attrs.span_id = r.spanId;
  if (typeof r.eventName === 'string') attrs.event_name = r.eventName;
  if (typeof scope.name === 'string' && scope.name !== '') ev.component = scope.name;
  if (Object.keys(resource).length > 0) attrs.resource = resource;
  ev.attrs = attrs;
  ctx.fields.assignObject(ev, keyValues(r.attributes));
  if (ev.message !== null) assignMessagePairs(ev, ev.message, ctx.fields);
  if (Object.keys(ev.attrs!).length === 0) ev.attrs = null;
  ev.node = ev.node ?? node ?? ctx.defaultNode;
  return ev;
}
