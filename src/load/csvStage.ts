/**
 * Events and rejects staged as CSV bytes, written to a file per chunk that DuckDB's
 * own CSV reader loads (faster than appending 20-plus columns row by row from
 * JavaScript, and the load runs on DuckDB's threads while the next chunk is parsed).
 *
 * Each row is encoded into one growing Buffer as soon as it is staged, so no per-row
 * string outlives its line: garbage stays young and cheap to collect.
 *
 * Strings are always quoted (`""` escapes a quote) so that an unquoted empty field
 * means NULL and `""` means the empty string. NUL characters, which DuckDB's reader
 * refuses, are replaced by U+FFFD.
 */
import { writeFileSync } from 'node:fs';
import type { EventRow } from '../event.js';

const INITIAL = 1 << 20;

export class CsvStage {
  private buf = Buffer.allocUnsafe(INITIAL);
  private len = 0;
  rows = 0;
  /** Bytes of the longest row staged since the last writeTo(): DuckDB's reader must be told. */
  longestRow = 0;

  addEvent(eventId: number, sourceId: number, ev: EventRow): void {
    this.append(
      `${eventId},${sourceId},${ev.line},${q(ev.node)},${ev.tsUs ?? ''},${q(ev.level)},${q(ev.component)},` +
      `${q(ev.thread)},${q(ev.message)},${q(ev.key)},${q(ev.op)},${q(ev.phase)},${q(ev.causalId)},` +
      `${ev.seq ?? ''},${ev.count ?? ''},${q(ev.countUnit)},${q(ev.peer)},${ev.peerDirection ?? ''},` +
      `${ev.version ?? ''},${q(ev.vclock && jsonText(ev.vclock))},${ev.attrs === null ? '' : q(jsonText(JSON.stringify(ev.attrs)))}\n`,
    );
  }

  addReject(sourceId: number, lineNo: number, reason: string, raw: string): void {
    this.append(`${sourceId},${lineNo},${q(reason)},${q(raw)}\n`);
  }

  private append(row: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    if (this.len + row.length * 3 > this.buf.length) this.grow(row.length * 3);
    const n = this.buf.write(row, this.len, 'utf8');
    this.len += n;
    if (n > this.longestRow) this.longestRow = n;
    this.rows++;
  }

  private grow(need: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + need));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** Bytes staged. */
  get size(): number {
    return this.len;
  }

  /** Writes the staged bytes to a new file (no copy in memory) and empties the stage. */
  writeTo(file: string): void {
    writeFileSync(file, this.buf.subarray(0, this.len));
    this.len = 0;
    this.rows = 0;
    this.longestRow = 0;
  }
}

/**
 * JSON text DuckDB accepts: JSON.stringify writes a lone UTF-16 surrogate (from input like
 * `"\udc00"`) as that escape, which DuckDB's JSON refuses, failing the whole source.
 * Such escapes become U+FFFD, as lone surrogates do everywhere else on the way to UTF-8.
 */
function jsonText(s: string): string {
  if (s.indexOf('\\ud') < 0 && s.indexOf('\\uD') < 0) return s;
  return s.replace(LONE_SURROGATE_ESCAPE, (m) => (m.length === 2 ? m : '\\ufffd'));
}
/** An escaped backslash (kept), or a `\uD800`-`\uDFFF` escape. */
const LONE_SURROGATE_ESCAPE = /\\\\|\\u[dD][89a-fA-F][0-9a-fA-F]{2}/g;

function q(s: string | null): string {
  if (s === null) return '';
  if (s.indexOf('"') >= 0) s = s.replaceAll('"', '""');
  if (s.indexOf('\0') >= 0) s = s.replaceAll('\0', '\uFFFD');
  return `"${s}"`;
}

/** Column list for read_csv, in the order addEvent writes them. */
export const EVENT_CSV_COLUMNS = `{
  'event_id': 'BIGINT', 'source_id': 'INTEGER', 'line': 'INTEGER', 'node': 'VARCHAR', 'ts_us': 'BIGINT',
  'level': 'VARCHAR', 'component': 'VARCHAR', 'thread': 'VARCHAR', 'message': 'VARCHAR', 'key': 'VARCHAR',
  'op': 'VARCHAR', 'phase': 'VARCHAR', 'causal_id': 'VARCHAR', 'seq': 'BIGINT', 'count': 'BIGINT',
  'count_unit': 'VARCHAR', 'peer': 'VARCHAR', 'peer_direction': 'VARCHAR', 'version': 'BIGINT',
  'vclock': 'VARCHAR', 'attrs': 'VARCHAR'}`;

export const REJECT_CSV_COLUMNS = `{'source_id': 'INTEGER', 'line': 'INTEGER', 'reason': 'VARCHAR', 'raw': 'VARCHAR'}`;
