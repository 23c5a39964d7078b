/**
 * The canonical event as the decoders hand it to the loader (contract §2).
 *
 * One object per log event. `template`, `ts_corrected` and the message-derived
 * `count` / `count_unit` are filled by DuckDB at load time (see load/loadSql.ts),
 * so the per-line path in JavaScript stays small.
 */
export interface EventRow {
  /** 1-based line of the event's first line (array index + 1 for JSON documents). */
  line: number;
  node: string | null;
  /** Event time in UTC microseconds since the epoch, or null when absent or unparseable. */
  tsUs: number | null;
  level: string | null;
  component: string | null;
  thread: string | null;
  message: string | null;
  key: string | null;
  op: string | null;
  phase: string | null;
  causalId: string | null;
  /** BIGINT columns travel as decimal strings so no precision is lost past 2^53. */
  seq: string | null;
  count: string | null;
  countUnit: string | null;
  peer: string | null;
  peerDirection: 'in' | 'out' | null;
  version: string | null;
  /** A JSON object text, `{"node": counter, ...}`. */
  vclock: string | null;
  /** Every other field the line carried; null when there were none. */
  attrs: Record<string, unknown> | null;
}

/** The canonical columns a decoder may fill by name (groups, fields, rules). */
export const CANONICAL_FIELDS = [
  'ts', 'node', 'level', 'component', 'thread', 'message', 'key', 'op', 'phase',
  'causal_id', 'seq', 'count', 'count_unit', 'peer', 'peer_direction', 'version', 'vclock',
] as const;
export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

export function emptyEvent(line: number): EventRow {
  return {
    line, node: null, tsUs: null, level: null, component: null, thread: null, message: null,
    key: null, op: null, phase: null, causalId: null, seq: null, count: null, countUnit: null,
    peer: null, peerDirection: null, version: null, vclock: null, attrs: null,
  };
}

/** Records that a field could not be used as given; the raw value stays in attrs. */
export function noteProblem(ev: EventRow, field: string, problem: string): void {
  const attrs = (ev.attrs ??= {});
  const prev = attrs._problems; // an array of ours, or a `_problems` field the line carried itself
  const list: unknown[] = Array.isArray(prev) ? prev : prev === undefined ? [] : [prev];
  list.push(`${field}: ${problem}`);
  attrs._problems = list;
}

/**
 * `obj[key] = value` as an own property whatever the key: plain assignment to `__proto__`
 * would set the object's prototype and lose the value.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
