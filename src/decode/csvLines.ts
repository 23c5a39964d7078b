/**
 * CSV with a header row (RFC 4180): the header gives the field names, and each record
 * maps like a JSON object through the FieldMapper (so `Timestamp`, `TraceID`, `PodName`
 * … fill canonical columns by their synonyms, the rest goes to `attrs`). Empty cells
 * are absent values. A cell holding JSON object text (a Docker json-file line, say) has
 * its fields mapped too (see FieldMapper.assignObject).
 *
 * Accounting: the header line is a reject ("CSV header"), since it is no event; a
 * record whose quoted field spans physical lines is one event whose later lines count as
 * continuation lines. A blank physical line inside a quoted field is counted blank by
 * the line splitter and does not reach the record (its empty line is lost from the
 * value, never from the accounting). A record with a different number of cells than
 * the header is rejected; so is a quote left open for more than MAX_RECORD_LINES lines
 * or MAX_RECORD_CHARS characters: its first line is rejected and the lines after it are
 * read again as records of their own.
 */
import { emptyEvent } from '../event.js';
import { assignMessagePairs } from '../normalize/messagePairs.js';
import { NestingError } from '../normalize/nesting.js';
import type { DecodeContext, Format, HeadSample, LineDecoder } from './types.js';

const MAX_RECORD_LINES = 1000;
const MAX_RECORD_CHARS = 1 << 20;

/**
 * Splits one CSV record into `cells` (cleared first). Returns false when a quoted field
 * is still open at the end of the text (the record continues on the next line).
 * Lenient where RFC 4180 is strict: a quote inside an unquoted cell is kept as is, and
 * text after a closing quote is appended to the cell.
 */
export function splitCsvRecord(text: string, cells: string[]): boolean {
  cells.length = 0;
  if (text.indexOf('"') < 0) {
    let from = 0;
    for (;;) {
      const comma = text.indexOf(',', from);
      if (comma < 0) {
        cells.push(text.slice(from));
        return true;
      }
      cells.push(text.slice(from, comma));
      from = comma + 1;
    }
  }
  let cell = '';
  let i = 0;
  const n = text.length;
  while (i <= n) {
    if (i < n && text.charCodeAt(i) === 34 /* " */ && cell === '') {
      // Quoted cell: up to the closing quote, `""` is a quote.
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) return false;
        cell += text.slice(i, q);
        if (text.charCodeAt(q + 1) === 34) {
          cell += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
    }
    const comma = text.indexOf(',', i);
    const end = comma < 0 ? n : comma;
    if (end > i) cell += text.slice(i, end);
    cells.push(cell);
    cell = '';
    i = end + 1;
  }
  return true;
}

class CsvLinesDecoder implements LineDecoder {
  private header: string[] | null = null;
  /** Physical lines of a record whose quoted field is still open. */
  private open: { lineNo: number; lines: string[]; chars: number } | null = null;
  private readonly cells: string[] = [];

  constructor(private readonly ctx: DecodeContext) {}

  line(text: string, lineNo: number): void {
    if (this.open === null) {
      if (splitCsvRecord(text, this.cells)) this.record(lineNo, text, 0);
      else this.open = { lineNo, lines: [text], chars: text.length };
      return;
    }
    const rec = this.open;
    rec.lines.push(text);
    rec.chars += text.length + 1;
    const joined = rec.lines.join('\n');
    if (splitCsvRecord(joined, this.cells)) {
      this.open = null;
      this.record(rec.lineNo, joined, rec.lines.length - 1);
    } else if (rec.lines.length > MAX_RECORD_LINES || rec.chars > MAX_RECORD_CHARS) {
      this.abandon(`quoted field not closed within ${MAX_RECORD_LINES} lines / ${MAX_RECORD_CHARS} characters`);
    }
  }

  end(): void {
    while (this.open !== null) this.abandon('quoted field not closed before the end of the file');
  }

  /** Rejects the open record's first line and reads the lines after it again. */
  private abandon(reason: string): void {
    const rec = this.open!;
    this.open = null;
    this.ctx.sink.reject(rec.lineNo, reason, rec.lines[0]);
    for (let i = 1; i < rec.lines.length; i++) this.line(rec.lines[i], rec.lineNo + i);
  }

  /** One complete record: `continued` physical lines after its first. */
  private record(lineNo: number, raw: string, continued: number): void {
    const cells = this.cells;
    if (this.header === null) {
      this.header = cells.map((c) => c.trim());
      this.ctx.sink.reject(lineNo, 'CSV header (column names)', raw);
      for (let i = 0; i < continued; i++) this.ctx.sink.continuation();
      return;
    }
    const header = this.header;
    if (cells.length !== header.length) {
      this.ctx.sink.reject(lineNo, `CSV record has ${cells.length} cells, the header ${header.length}`, raw);
      for (let i = 0; i < continued; i++) this.ctx.sink.continuation();
      return;
    }
    const obj: Record<string, unknown> = {};
    for (let i = 0; i < cells.length; i++) if (cells[i] !== '') obj[header[i]] = cells[i];
    const ev = emptyEvent(lineNo);
    try {
      this.ctx.fields.assignObject(ev, obj);
    } catch (e) {
      if (!(e instanceof NestingError)) throw e;
      this.ctx.sink.reject(lineNo, e.message, raw);
      for (let i = 0; i < continued; i++) this.ctx.sink.continuation();
      return;
    }
    if (ev.message !== null) assignMessagePairs(ev, ev.message, this.ctx.fields);
    ev.node ??= this.ctx.defaultNode;
    for (let i = 0; i < continued; i++) this.ctx.sink.continuation();
    this.ctx.sink.event(ev);
  }
}

/** A column name: starts like an identifier, at most 64 characters, no `=`, `{`, `:`. */
const NAME = /^[A-Za-z_@][\w .@$/#-]{0,63}$/;

/**
 * A header row of at least 3 names, then records with as many cells (quoted newlines
 * allowed). 0.95 when every complete record in the head agrees, else 0.
 */
function score(head: HeadSample): number {
  if (head.lines.length < 2) return 0;
  const cells: string[] = [];
  if (!splitCsvRecord(head.lines[0], cells) || cells.length < 3) return 0;
  if (!cells.every((c) => NAME.test(c.trim()))) return 0;
  const width = cells.length;
  let records = 0;
  let pending: string | null = null;
  for (let i = 1; i < head.lines.length; i++) {
    const text: string = pending === null ? head.lines[i] : `${pending}\n${head.lines[i]}`;
    if (!splitCsvRecord(text, cells)) {
      pending = text;
      continue;
    }
    pending = null;
    if (cells.length !== width) return 0;
    records++;
  }
  return records > 0 ? 0.95 : 0;
}

export const csvFormat: Format = {
  name: 'csv',
  description: 'CSV with a header row (RFC 4180 quoting); columns map by name like JSON fields, JSON-object cells are mapped too',
  priority: 45,
  score,
  lineDecoder: (ctx) => new CsvLinesDecoder(ctx),
};
