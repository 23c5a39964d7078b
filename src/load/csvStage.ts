/**
 * Events and rejects staged as CSV text in memory, written to a file per chunk that
 * DuckDB's own CSV reader loads (faster than appending 20-plus columns row by row
 * from JavaScript, and the load runs on DuckDB's threads while the next chunk is parsed).
 *
 * Strings are always quoted (`""` escapes a quote) so that an unquoted empty field
 * means NULL and `""` means the empty string. NUL characters, which DuckDB's reader
 * refuses, are replaced by U+FFFD when a chunk is taken.
 */
import type { EventRow } from '../event.js';

export class CsvStage {
  private parts: string[] = [];
  private chars = 0;
  rows = 0;

  addEvent(eventId: number, sourceId: number, ev: EventRow): void {
    const line =
      `${eventId},${sourceId},${ev.line},${q(ev.node)},${num(ev.tsUs)},${q(ev.level)},${q(ev.component)},` +
      `${q(ev.thread)},${q(ev.message)},${q(ev.key)},${q(ev.op)},${q(ev.phase)},${q(ev.causalId)},` +
      `${ev.seq ?? ''},${ev.count ?? ''},${q(ev.countUnit)},${q(ev.peer)},${ev.peerDirection ?? ''},` +
      `${ev.version ?? ''},${q(ev.vclock)},${ev.attrs === null ? '' : q(JSON.stringify(ev.attrs))}\n`;
    this.parts.push(line);
    this.chars += line.length;
    this.rows++;
  }

  addReject(sourceId: number, lineNo: number, reason: string, raw: string): void {
    const line = `${sourceId},${lineNo},${q(reason)},${q(raw)}\n`;
    this.parts.push(line);
    this.chars += line.length;
    this.rows++;
  }

  get size(): number {
    return this.chars;
  }

  /** The staged text, emptying the stage. */
  take(): string {
    let text = this.parts.join('');
    this.parts = [];
    this.chars = 0;
    this.rows = 0;
    if (text.indexOf('\0') >= 0) text = text.replaceAll('\0', '\uFFFD');
    return text;
  }
}

function q(s: string | null): string {
  if (s === null) return '';
  return s.indexOf('"') < 0 ? `"${s}"` : `"${s.replaceAll('"', '""')}"`;
}

function num(n: number | null): string {
  return n === null ? '' : String(n);
}

/** Column list for read_csv, in the order addEvent writes them. */
export const EVENT_CSV_COLUMNS = `{
  'event_id': 'BIGINT', 'source_id': 'INTEGER', 'line': 'INTEGER', 'node': 'VARCHAR', 'ts_us': 'BIGINT',
  'level': 'VARCHAR', 'component': 'VARCHAR', 'thread': 'VARCHAR', 'message': 'VARCHAR', 'key': 'VARCHAR',
  'op': 'VARCHAR', 'phase': 'VARCHAR', 'causal_id': 'VARCHAR', 'seq': 'BIGINT', 'count': 'BIGINT',
  'count_unit': 'VARCHAR', 'peer': 'VARCHAR', 'peer_direction': 'VARCHAR', 'version': 'BIGINT',
  'vclock': 'VARCHAR', 'attrs': 'VARCHAR'}`;

export const REJECT_CSV_COLUMNS = `{'source_id': 'INTEGER', 'line': 'INTEGER', 'reason': 'VARCHAR', 'raw': 'VARCHAR'}`;
