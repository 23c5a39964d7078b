/**
 * Events and rejects staged as CSV bytes, written to a file per chunk that DuckDB's
 * own CSV reader loads (faster than appending 20-plus columns row by row from
 * JavaScript, and the load runs on DuckDB's threads while the next chunk is parsed).
 *
 * Each row is encoded into a Buffer as soon as it is staged, so no per-row string outlives
 * its line: garbage stays young and cheap to collect. The Buffer is small and goes to the
 * chunk's file whenever it fills, so memory does not follow the size of a chunk (a chunk
 * held whole grew its Buffer by doubling to 16-32 MB, and kept it).
 *
 * Strings are always quoted (`""` escapes a quote) so that an unquoted empty field
 * means NULL and `""` means the empty string. NUL characters, which DuckDB's reader
 * refuses, are replaced by U+FFFD.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { EventRow } from '../event.js';

/** Bytes encoded before they go to the file (a longer row gets a Buffer of its own size). */
const FLUSH_BYTES = 1 << 20;

export class CsvStage {
  private buf = Buffer.allocUnsafe(FLUSH_BYTES);
  private len = 0;
  /** The open chunk file, from the first flush on. */
  private fd: number | null = null;
  private file: string | null = null;
  private written = 0;
  rows = 0;
  /** Bytes of the longest row staged since the last finish(): DuckDB's reader must be told. */
  longestRow = 0;

  /** `nextFile` names the file a chunk goes to, once it has bytes to write. */
  constructor(private readonly nextFile: () => string) {}

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
    const most = row.length * 3;
    if (this.len + most > this.buf.length) {
      this.flush();
      if (most > this.buf.length) this.buf = Buffer.allocUnsafe(most);
    }
    const n = this.buf.write(row, this.len, 'utf8');
    this.len += n;
    if (n > this.longestRow) this.longestRow = n;
    this.rows++;
  }

  /** Writes the encoded bytes to the chunk file (opened on the first flush). */
  private flush(): void {
    if (this.len === 0) return;
    if (this.fd === null) {
      this.file = this.nextFile();
      this.fd = openSync(this.file, 'w');
    }
    for (let off = 0; off < this.len;) off += writeSync(this.fd, this.buf, off, this.len - off);
    this.written += this.len;
    this.len = 0;
    // a Buffer grown for one long row is not kept
    if (this.buf.length > FLUSH_BYTES) this.buf = Buffer.allocUnsafe(FLUSH_BYTES);
  }

  /** Bytes staged. */
  get size(): number {
    return this.written + this.len;
  }

  /** Writes what is left, closes the chunk's file and empties the stage; returns the file's name. */
  finish(): string {
    this.flush();
    const file = this.file!;
    this.close();
    this.written = 0;
    this.rows = 0;
    this.longestRow = 0;
    return file;
  }

  /** Closes the chunk file, if one is open (its folder is removed by the stager). */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.file = null;
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
