/**
 * Bytes → lines, with the guarantees ingest's accounting needs:
 * every line is either handed on, counted blank, or rejected with a reason.
 *
 * - A UTF-8 BOM at the start is dropped; `\r\n` and `\n` both end a line.
 * - A line longer than `maxLineBytes` is rejected without ever being held whole
 *   (memory stays flat for a 5 MB or 5 GB line); its first KiB is kept as `raw`.
 * - A line that is not valid UTF-8 is rejected ("invalid UTF-8").
 * - Whole chunks that are valid UTF-8 (the common case) are decoded once and split in
 *   string space; only chunks with invalid bytes are checked line by line.
 * - ANSI colour and cursor sequences (`ESC[31m`) are removed: coloured logs are text.
 * - How the bytes are cut into chunks never changes the result.
 */
import { isUtf8 } from 'node:buffer';

export interface LineSink {
  line(text: string, lineNo: number): void;
  reject(lineNo: number, reason: string, raw: string): void;
}

const NL = 10;
const CR = 13;
/** Bytes of a rejected line kept in rejects.raw. */
export const RAW_KEEP = 1024;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export class LineSplitter {
  /** Physical lines seen so far (the last line counts even without a final newline). */
  lines = 0;
  blank = 0;
  /** The line in progress: all of it, or only its head once it is overlong. */
  private pending: Buffer[] = [];
  /** Bytes of the line in progress, counting those of an overlong line not kept. */
  private pendingBytes = 0;
  private overlong = false;
  /** The first bytes, until there are enough to tell whether they start with a BOM. */
  private head: Buffer | null = Buffer.alloc(0);

  constructor(private readonly sink: LineSink, private readonly maxLineBytes: number) {}

  /**
   * Bytes of the unfinished line held in memory: at most maxLineBytes + 1 while it may
   * still fit, RAW_KEEP + 1 (its head) once it cannot.
   */
  get heldBytes(): number {
    let n = 0;
    for (const b of this.pending) n += b.length;
    return n + (this.head?.length ?? 0);
  }

  push(chunk: Buffer): void {
    if (this.head !== null) {
      const b = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk]);
      if (b.length < BOM.length && BOM.subarray(0, b.length).equals(b)) {
        this.head = b;
        return;
      }
      this.head = null;
      chunk = b.subarray(0, BOM.length).equals(BOM) ? b.subarray(BOM.length) : b;
    }
    let start = 0;
    const nl = chunk.indexOf(NL);
    if (nl < 0) {
      this.addPending(chunk);
      return;
    }
    // First line: completes what earlier chunks left pending.
    if (this.pendingBytes > 0) {
      this.addPending(chunk.subarray(0, nl));
      this.finishPending();
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(NL);
    if (last >= start) {
      const body = chunk.subarray(start, last);
      if (isUtf8(body)) this.splitText(body.toString('utf8'));
      else this.splitBytes(body);
      start = last + 1;
    }
    if (start < chunk.length) this.addPending(chunk.subarray(start));
  }

  end(): void {
    if (this.head !== null && this.head.length > 0) this.addPending(this.head); // 1-2 bytes, BOM-like
    this.head = null;
    if (this.pendingBytes > 0) this.finishPending();
  }

  private splitText(chunk: string): void {
    // Colour codes (ANSI escape sequences) never span lines: strip them chunk-wide.
    const text = chunk.indexOf('\x1b') < 0 ? chunk : stripAnsi(chunk);
    let pos = 0;
    const n = text.length;
    while (pos <= n) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = n;
      this.emit(text, pos, nl > pos && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl);
      pos = nl + 1;
    }
  }

  /** One line of text, `\r` already taken off. */
  private emit(text: string, from: number, to: number): void {
    const lineNo = ++this.lines;
    if (to - from > this.maxLineBytes / 3 && Buffer.byteLength(text.slice(from, to)) > this.maxLineBytes) {
      this.rejectOverlong(lineNo, Buffer.from(text.slice(from, Math.min(to, from + RAW_KEEP))));
      return;
    }
    if (isBlank(text, from, to)) {
      this.blank++;
      return;
    }
    this.sink.line(from === 0 && to === text.length ? text : text.slice(from, to), lineNo);
  }

  private splitBytes(body: Buffer): void {
    let pos = 0;
    while (pos <= body.length) {
      let nl = body.indexOf(NL, pos);
      if (nl < 0) nl = body.length;
      this.emitBytes(body.subarray(pos, nl));
      pos = nl + 1;
    }
  }

  /** One whole line as bytes, `\r` still on. */
  private emitBytes(bytes: Buffer): void {
    const line = withoutCr(bytes);
    if (line.length > this.maxLineBytes) {
      this.rejectOverlong(++this.lines, line);
      return;
    }
    if (!isUtf8(line)) {
      this.sink.reject(++this.lines, 'invalid UTF-8', headText(line));
      return;
    }
    let text = line.toString('utf8');
    if (text.indexOf('\x1b') >= 0) text = stripAnsi(text);
    this.emit(text, 0, text.length);
  }

  private rejectOverlong(lineNo: number, head: Buffer): void {
    this.sink.reject(lineNo, `line longer than ${this.maxLineBytes} bytes`, headText(head));
  }

  private addPending(part: Buffer): void {
    if (part.length === 0) return;
    this.pendingBytes += part.length;
    if (!this.overlong && this.pendingBytes <= this.maxLineBytes + 1 /* a `\r` may follow */) {
      this.pending.push(part);
      return;
    }
    // Too long: keep (a copy of) its first RAW_KEEP + 1 bytes for the reject row; count
    // and drop the rest up to the next newline.
    const kept = this.overlong ? this.pending[0].length : this.pendingBytes - part.length;
    this.overlong = true;
    if (this.pending.length === 1 && kept >= RAW_KEEP + 1) return;
    this.pending = [Buffer.concat([...this.pending, part], Math.min(kept + part.length, RAW_KEEP + 1))];
  }

  private finishPending(): void {
    const bytes = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    const whole = bytes.length === this.pendingBytes;
    const overlong = this.overlong;
    this.pending = [];
    this.pendingBytes = 0;
    this.overlong = false;
    if (overlong) this.rejectOverlong(++this.lines, whole ? withoutCr(bytes) : bytes);
    else this.emitBytes(bytes);
  }
}

function withoutCr(b: Buffer): Buffer {
  return b.length > 0 && b[b.length - 1] === CR ? b.subarray(0, b.length - 1) : b;
}

/** The first RAW_KEEP bytes as text, cut before a character, not inside one. */
function headText(b: Buffer): string {
  if (b.length <= RAW_KEEP) return b.toString('utf8');
  let end = RAW_KEEP;
  while (end > RAW_KEEP - 4 && (b[end] & 0xc0) === 0x80) end--;
  return b.toString('utf8', 0, end);
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 12 && c !== 11) return false;
  }
  return true;
}

/** CSI (`ESC [ … letter`) and OSC (`ESC ] … BEL`) sequences, and lone two-byte escapes. */
const ANSI = /\x1b(?:\[[0-?]*[ -\/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
