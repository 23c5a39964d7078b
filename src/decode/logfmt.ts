/**
 * logfmt: `key=value key2="quoted \"value\"" flag` (Heroku, Go kit, logrus text, Grafana).
 * Keys map by name like JSON fields; bare keys become `true` in attrs. A line with no
 * pair at all is kept as a text event (indented: it continues the event before it).
 */
import { emptyEvent, setOwn, type EventRow } from '../event.js';
import type { FieldMapper } from '../normalize/fields.js';
import { assignMessagePairs } from '../normalize/messagePairs.js';
import { EventAssembler, isText, startsWithSpace } from './eventAssembler.js';
import { textEvent } from './plainText.js';
import type { DecodeContext, Format, HeadSample, LineDecoder } from './types.js';

/**
 * Scans logfmt pairs, calling `pair` for each; returns the number of `k=v` pairs.
 * Unterminated quotes run to the end of the line.
 */
export function scanLogfmt(line: string, pair: (key: string, value: string | true) => void): number {
  const n = line.length;
  let i = 0;
  let pairs = 0;
  while (i < n) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    const keyStart = i;
    while (i < n) {
      const c = line.charCodeAt(i);
      if (c === 61 /* = */ || isSpace(c) || c === 34) break;
      i++;
    }
    const key = line.slice(keyStart, i);
    if (i < n && line.charCodeAt(i) === 61 && key.length > 0) {
      i++;
      if (i < n && line.charCodeAt(i) === 34 /* " */) {
        i++;
        const start = i;
        let escaped = false;
        while (i < n) {
          const c = line.charCodeAt(i);
          if (c === 92 /* \ */) { escaped = true; i += 2; continue; }
          if (c === 34) break;
          i++;
        }
        const rawValue = line.slice(start, Math.min(i, n));
        pair(key, escaped ? unescape(rawValue) : rawValue);
        i++; // closing quote
      } else {
        const start = i;
        while (i < n && !isSpace(line.charCodeAt(i))) i++;
        pair(key, line.slice(start, i));
      }
      pairs++;
    } else if (key.length > 0) {
      pair(key, true);
    } else {
      i++; // a stray quote or `=`
    }
  }
  return pairs;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
  });
}

class LogfmtDecoder implements LineDecoder {
  private readonly asm: EventAssembler;
  private ev: EventRow | null = null;
  private readonly fields: FieldMapper;
  private readonly onPair = (key: string, value: string | true): void => {
    const ev = this.ev!;
    if (value !== true) {
      const slot = this.fields.slotOf(key);
      if (slot !== null && this.fields.assign(ev, slot, value)) return;
    }
    setOwn((ev.attrs ??= {}), key, value);
  };

  constructor(private readonly ctx: DecodeContext) {
    this.asm = new EventAssembler(ctx.sink);
    this.fields = ctx.fields;
  }

  line(text: string, lineNo: number): void {
    if (startsWithSpace(text) && this.asm.continueWith(text)) return;
    if (!isText(text)) {
      this.ctx.sink.reject(lineNo, 'binary data (control characters)', text);
      return;
    }
    const ev = (this.ev = emptyEvent(lineNo));
    if (scanLogfmt(text, this.onPair) === 0) {
      this.asm.start(textEvent(text, lineNo, this.ctx));
      return;
    }
    if (ev.message !== null) assignMessagePairs(ev, ev.message, this.fields);
    ev.node ??= this.ctx.defaultNode;
    this.asm.start(ev);
  }

  end(): void {
    this.asm.end();
  }
}

const STARTS_WITH_PAIR = /^\s*[A-Za-z_@][\w.@-]*=/;
const noop = (): void => {};

/** Share of head lines that start with a pair and carry at least two. */
function score(head: HeadSample): number {
  if (head.lines.length === 0) return 0;
  let ok = 0;
  for (const l of head.lines) if (STARTS_WITH_PAIR.test(l) && scanLogfmt(l, noop) >= 2) ok++;
  return (ok / head.lines.length) * 0.95;
}

export const logfmtFormat: Format = {
  name: 'logfmt',
  description: 'logfmt: key=value pairs, values optionally double-quoted',
  priority: 40,
  score,
  lineDecoder: (ctx) => new LogfmtDecoder(ctx),
};
