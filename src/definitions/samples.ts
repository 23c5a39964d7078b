/**
 * A definition's samples are its tests (contract §4): each sample's lines go through the
 * same decoder ingest uses (zone UTC, year-less timestamps in the sample's `year`, default
 * 2000; node falls back to `sample`) and the first event must carry every expected value.
 * `count`, `count_unit` and `template` are computed by DuckDB at load time, so samples
 * can expect them only where the definition sets them.
 */
import type { EventRow } from '../event.js';
import { FieldMapper } from '../normalize/fields.js';
import { microsToIso, parseTimestampText, TimeZone } from '../normalize/timestamp.js';
import { Readable } from 'node:stream';
import { headSample } from '../decode/registry.js';
import type { DecodeContext, Format } from '../decode/types.js';
import { definitionFormat } from './definitionFormat.js';
import type { DefinitionFile } from './load.js';
import type { DefinitionSample } from './schema.js';

export interface SampleResult {
  index: number;
  /** The sample's first line. */
  line: string;
  problems: string[];
}

export interface DefinitionCheck {
  name: string;
  file: string;
  samples: number;
  passed: number;
  failures: SampleResult[];
}

export const SAMPLE_NODE = 'sample';
const DEFAULT_SAMPLE_YEAR = 2000;

export async function checkDefinition(df: DefinitionFile): Promise<DefinitionCheck> {
  const format = definitionFormat(df);
  const samples = df.definition.samples ?? [];
  const failures: SampleResult[] = [];
  for (const [index, s] of samples.entries()) {
    const problems = await checkSample(format, s);
    if (problems.length > 0) failures.push({ index, line: (s.lines ?? [s.line!])[0], problems });
  }
  return { name: format.name, file: df.file, samples: samples.length, passed: samples.length - failures.length, failures };
}

/**
 * Decodes a sample's lines with a definition's format, as ingest would; returns the events and
 * rejects. A document base (OTLP) reads the lines as one document.
 */
export async function decodeSample(format: Format, lines: readonly string[], year = DEFAULT_SAMPLE_YEAR) {
  const events: EventRow[] = [];
  const rejects: string[] = [];
  const zone = TimeZone.utc();
  const ctx: DecodeContext = {
    sink: {
      event: (ev) => events.push(ev),
      reject: (lineNo, reason) => rejects.push(`line ${lineNo}: ${reason}`),
      continuation: () => {},
    },
    fields: new FieldMapper(zone),
    zone,
    defaultNode: SAMPLE_NODE,
    year,
    drain: () => null,
  };
  if (format.lineDecoder) {
    const decoder = format.lineDecoder(ctx);
    lines.forEach((l, i) => {
      if (l.trim() !== '') decoder.line(l, i + 1);
    });
    decoder.end();
  } else {
    const text = lines.join('\n');
    await format.decodeDocument!(Readable.from([Buffer.from(text)]), ctx, headSample(text, true));
  }
  return { events, rejects };
}

async function checkSample(format: Format, s: DefinitionSample): Promise<string[]> {
  const { events, rejects } = await decodeSample(format, s.lines ?? [s.line!], s.year);
  const wantRejects = typeof s.expect.rejects === 'number' ? s.expect.rejects : 0;
  const problems = rejects.length === wantRejects ? [] : [`rejects: expected ${wantRejects}, got ${rejects.length}${rejects.length ? ` (${rejects.join('; ')})` : ''}`];
  const wantEvents = typeof s.expect.events === 'number' ? s.expect.events : 1;
  if (events.length !== wantEvents) problems.push(`events: expected ${wantEvents}, got ${events.length}`);
  const ev = events[0];
  if (ev === undefined) return problems;
  for (const [key, want] of Object.entries(s.expect)) {
    if (key === 'events' || key === 'rejects') continue;
    const problem = compare(ev, key, want);
    if (problem !== null) problems.push(problem);
  }
  return problems;
}

const FIELD: Record<string, keyof EventRow> = {
  node: 'node', level: 'level', component: 'component', thread: 'thread', message: 'message', key: 'key',
  op: 'op', phase: 'phase', causal_id: 'causalId', seq: 'seq', count: 'count', count_unit: 'countUnit',
  peer: 'peer', peer_direction: 'peerDirection', version: 'version', line: 'line',
};

function compare(ev: EventRow, key: string, want: unknown): string | null {
  const show = (v: unknown) => JSON.stringify(v);
  switch (key) {
    case 'ts': {
      const got = ev.tsUs === null ? null : microsToIso(ev.tsUs);
      if (want === null) return got === null ? null : `ts: expected null, got ${got}`;
      const us = typeof want === 'string' ? parseTimestampText(want, TimeZone.utc()) : null;
      if (us === null) return `ts: expected value ${show(want)} is not an ISO-8601 timestamp`;
      return us === ev.tsUs ? null : `ts: expected ${microsToIso(us)}, got ${got ?? 'null'}`;
    }
    case 'vclock': {
      const got = ev.vclock === null ? null : canonical(JSON.parse(ev.vclock));
      const exp = want === null ? null : canonical(typeof want === 'string' ? JSON.parse(want) : want);
      return got === exp ? null : `vclock: expected ${exp}, got ${got}`;
    }
    case 'attrs': {
      const problems: string[] = [];
      for (const [k, v] of Object.entries((want ?? {}) as Record<string, unknown>)) {
        const got = ev.attrs?.[k];
        if (canonical(got ?? null) !== canonical(v)) problems.push(`attrs.${k}: expected ${show(v)}, got ${show(got ?? null)}`);
      }
      return problems.length ? problems.join('; ') : null;
    }
    case 'peer_in': case 'peer_out': {
      const dir = key === 'peer_in' ? 'in' : 'out';
      return ev.peer === want && ev.peerDirection === dir ? null : `${key}: expected ${show(want)}, got peer ${show(ev.peer)} (${ev.peerDirection})`;
    }
  }
  const got = ev[FIELD[key]];
  if (want === null) return got === null ? null : `${key}: expected null, got ${show(got)}`;
  return got !== null && String(got) === String(want) ? null : `${key}: expected ${show(want)}, got ${show(got)}`;
}

/** JSON text with object keys sorted, for order-insensitive comparison. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
}
