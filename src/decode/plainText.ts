/**
 * The fallback for lines with no known structure: one event per line, message = the
 * line, `ts` from the first timestamp of a common shape in its first 100 characters
 * (normalize/timestampFinder.ts), `level`
 * from a level word there. Also used for text lines inside JSON-lines and logfmt files
 * (a Go panic between zap lines, say).
 */
import { emptyEvent, type EventRow } from '../event.js';
import { normalizeLevel } from '../normalize/level.js';
import { assignMessagePairs } from '../normalize/messagePairs.js';
import { finderFor } from '../normalize/timestampFinder.js';
import { EventAssembler, isText, startsWithSpace } from './eventAssembler.js';
import type { DecodeContext, Format, HeadSample, LineDecoder } from './types.js';

/**
 * A level, three ways, so that prose ("no error found") is no level: a line that opens with
 * a level word and a colon (`panic: …`, `Error: …`), a bracketed one in any case (`[warn]`,
 * `<error>`), or an upper-case level word (not a method or class name: `zap.(*Logger).Panic(`,
 * `log.Error(`).
 */
const LEVEL = /^(trace|debug|info|notice|warn|warning|error|severe|fatal|critical|panic):|[[<(](trace|debug|info|notice|warn|warning|error|err|severe|fatal|critical|crit|panic)[\]>)]|(?<![.$\w])(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|SEVERE|FATAL|CRITICAL|PANIC)(?![\w(])/i;
const LEVEL_ALL = new RegExp(LEVEL.source, 'gi');
const UPPER_LEVEL = /^[A-Z]+$/;
/** logrus text lines: `INFO[0009] …`, `FATA[0395] …` (the number is elapsed seconds, not a time). */
const LOGRUS_LEVEL = /^(TRAC|DEBU|INFO|WARN|ERRO|FATA|PANI)\[\d+\]/;

/** The first level in a line's head, by the rules of LEVEL; group 1 is the word. */
function levelWord(head: string): [string, string] | null {
  LEVEL_ALL.lastIndex = 0;
  for (let m = LEVEL_ALL.exec(head); m !== null; m = LEVEL_ALL.exec(head)) {
    if (m[3] !== undefined && !UPPER_LEVEL.test(m[3])) continue; // a bare word counts only in upper case
    const word = m[1] ?? m[2] ?? m[3];
    return [m[0], word];
  }
  return null;
}

export function textEvent(text: string, lineNo: number, ctx: DecodeContext): EventRow {
  const ev = emptyEvent(lineNo);
  ev.message = text;
  const head = text.length > 100 ? text.slice(0, 100) : text;
  ev.tsUs = finderFor(ctx).find(head);
  const lv = LOGRUS_LEVEL.exec(head) ?? levelWord(head);
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
  description: 'Plain text: one event per line (indented lines continue it), ts from the first timestamp found',
  priority: 0,
  score: (head: HeadSample) => (head.lines.length === 0 ? 0.01 : 0.05),
  lineDecoder: (ctx) => new PlainTextDecoder(ctx),
};
