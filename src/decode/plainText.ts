/**
 * The fallback for lines with no known structure: one event per line, message = the
 * line, `ts` from the first ISO-like timestamp in its first 100 characters, `level`
 * from a level word there. Also used for text lines inside JSON-lines and logfmt files
 * (a Go panic between zap lines, say).
 */
import { emptyEvent, type EventRow } from '../event.js';
import { normalizeLevel } from '../normalize/level.js';
import { assignMessagePairs } from '../normalize/messagePairs.js';
import { fractionToMicros, offsetMinutes, wallClockMs } from '../normalize/timestamp.js';
import { EventAssembler, isText, startsWithSpace } from './eventAssembler.js';
import type { DecodeContext, Format, HeadSample, LineDecoder } from './types.js';

const TS = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s?(Z|[+-]\d{2}:?\d{2})?/;
/** A level word; not a method or class name (`zap.(*Logger).Panic(`, `log.Error(`). */
const LEVEL = /(?<![.$])\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|SEVERE|FATAL|CRITICAL|PANIC)\b(?!\()/i;
/** logrus text lines: `INFO[0009] …`, `FATA[0395] …` (the number is elapsed seconds, not a time). */
const LOGRUS_LEVEL = /^(TRAC|DEBU|INFO|WARN|ERRO|FATA|PANI)\[\d+\]/;

export function textEvent(text: string, lineNo: number, ctx: DecodeContext): EventRow {
  const ev = emptyEvent(lineNo);
  ev.message = text;
  const head = text.length > 100 ? text.slice(0, 100) : text;
  const m = TS.exec(head);
  if (m !== null) {
    const local = wallClockMs(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]);
    if (local !== null) {
      const utc = m[8] !== undefined ? local - offsetMinutes(m[8]) * 60_000 : ctx.zone.localToUtcMs(local);
      ev.tsUs = utc * 1000 + fractionToMicros(m[7]);
    }
  }
  const lv = LOGRUS_LEVEL.exec(head) ?? LEVEL.exec(head);
  if (lv !== null) ev.level = normalizeLevel(lv[1]);
  assignMessagePairs(ev, text, ctx.fields);
  ev.node ??= ctx.defaultNode;
  return ev;
}

class PlainTextDecoder implements LineDecoder {
  private readonly asm: EventAssembler;
  constructor(private readonly ctx: DecodeContext) {
    this.asm = new EventAssembler(ctx.sink);
  }
  line(text: string, lineNo: number): void {
    if (startsWithSpace(text) && this.asm.continueWith(text)) return;
    if (!isText(text)) {
      this.ctx.sink.reject(lineNo, 'binary data (control characters)', text);
      return;
    }
    this.asm.start(textEvent(text, lineNo, this.ctx));
  }
  end(): void {
    this.asm.end();
  }
}

export const plainTextFormat: Format = {
  name: 'text',
  description: 'Plain text: one event per line (indented lines continue it), ts from any ISO-like timestamp',
  priority: 0,
  score: (head: HeadSample) => (head.lines.length === 0 ? 0.01 : 0.05),
  lineDecoder: (ctx) => new PlainTextDecoder(ctx),
};
