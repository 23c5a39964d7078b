/**
 * Bytes → lines, with the guarantees ingest's accounting needs:
 * every line is either handed on, counted blank, or rejected with a reason.
 *
 * - A UTF-8 BOM at the start is dropped; `\r\n` and `\n` both end a line.
 * - A line longer than `maxLineBytes` is rejected without ever being held whole
 *   (memory stays flat for a 5 MB or 5 GB line).
 * - A line that is not valid UTF-8 is rejected ("invalid UTF-8").
 * - Whole chunks that are valid UTF-8 (the common case) are decoded once and split in
 *   string space; only chunks with invalid bytes are checked line by line.
 */
import { isUtf8 } from 'node:buffer';

export interface LineSink {
  line(text: string, lineNo: number): void;
  reject(lineNo: number, reason: string, raw: string): void;
}

const NL = 10;
const RAW_KEEP = 1024; // bytes of an overlong line kept in rejects.raw

export class LineSplitter {
  /** Physical lines seen so far (the last line counts even without a final newline). */
  lines = 0;
  blank = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overlong = false;
  private started = false;

  constructor(private readonly sink: LineSink, private readonly maxLineBytes: number) {}

  push(chunk: Buffer): void {
    let start = 0;
    if (!this.started) {
      this.started = true;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) start = 3;
    }
    let nl = chunk.indexOf(NL, start);
    if (nl < 0) {
      this.addPending(chunk.subarray(start));
      return;
    }
    // First line: completes what earlier chunks left pending.
    if (this.pendingBytes > 0 || this.overlong) {
      this.addPending(chunk.subarray(start, nl));
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
    if (this.pendingBytes > 0 || this.overlong) this.finishPending();
  }

  private splitText(text: string): void {
    let pos = 0;
    const n = text.length;
    while (pos <= n) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = n;
      this.emit(text, pos, nl);
      pos = nl + 1;
    }
  }

  private emit(text: string, from: number, to: number): void {
    const lineNo = ++this.lines;
    if (to > from && text.charCodeAt(to - 1) === 13) to--;
    if (to - from > this.maxLineBytes / 3 && Buffer.byteLength(text.slice(from, to)) > this.maxLineBytes) {
      this.sink.reject(lineNo, `line longer than ${this.maxLineBytes} bytes`, text.slice(from, from + RAW_KEEP));
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

  private emitBytes(bytes: Buffer): void {
    if (isUtf8(bytes)) {
      const text = bytes.toString('utf8');
      this.emit(text, 0, text.length);
      return;
    }
    const lineNo = ++this.lines;
    this.sink.reject(lineNo, 'invalid UTF-8', bytes.subarray(0, RAW_KEEP).toString('utf8'));
  }

  private addPending(part: Buffer): void {
    if (part.length === 0) return;
    if (this.overlong) return;
    if (this.pendingBytes + part.length > this.maxLineBytes + 1) {
      // Keep only the head for the reject row; drop the rest until the next newline.
      const head = Buffer.concat([...this.pending, part]).subarray(0, RAW_KEEP);
      this.pending = [head];
      this.pendingBytes = head.length;
      this.overlong = true;
      return;
    }
    this.pending.push(part);
    this.pendingBytes += part.length;
  }

  private finishPending(): void {
    const bytes = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    const overlong = this.overlong;
    this.pending = [];
    this.pendingBytes = 0;
    this.overlong = false;
    if (overlong) {
      const lineNo = ++this.lines;
      this.sink.reject(lineNo, `line longer than ${this.maxLineBytes} bytes`, bytes.toString('utf8'));
      return;
    }
    this.emitBytes(bytes);
  }
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 12 && c !== 11) return false;
  }
  return true;
}
