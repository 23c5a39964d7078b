/**
 * JSON lines: one JSON object per line (zap/etcd, Elasticsearch 7/8, MongoDB 4.4,
 * bunyan, pino, Docker json-file …). Fields map by name (normalize/synonyms.ts).
 * A line that starts with `{` but does not parse is rejected, and so is JSON that is no
 * object; a text line between JSON lines becomes a text event, and an indented one
 * continues the event before it.
 */
import { emptyEvent } from '../event.js';
import { assignMessagePairs } from '../normalize/messagePairs.js';
import { NestingError } from '../normalize/nesting.js';
import { EventAssembler, isText, startsWithSpace } from './eventAssembler.js';
import { textEvent } from './plainText.js';
import type { DecodeContext, Format, HeadSample, LineDecoder } from './types.js';

class JsonLinesDecoder implements LineDecoder {
  private readonly asm: EventAssembler;
  constructor(private readonly ctx: DecodeContext) {
    this.asm = new EventAssembler(ctx.sink);
  }

  line(text: string, lineNo: number): void {
    const first = firstNonSpace(text);
    if (first === 123 /* { */) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        this.ctx.sink.reject(lineNo, `invalid JSON: ${(e as Error).message}`, text);
        return;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        this.ctx.sink.reject(lineNo, 'not a JSON object', text);
        return;
      }
      const ev = emptyEvent(lineNo);
      try {
        this.ctx.fields.assignObject(ev, value as Record<string, unknown>);
      } catch (e) {
        if (!(e instanceof NestingError)) throw e;
        this.ctx.sink.reject(lineNo, e.message, text);
        return;
      }
      if (ev.message !== null) assignMessagePairs(ev, ev.message, this.ctx.fields);
      ev.node ??= this.ctx.defaultNode;
      this.asm.start(ev);
      return;
    }
    if (startsWithSpace(text) && this.asm.continueWith(text)) return;
    if (!isText(text)) {
      this.ctx.sink.reject(lineNo, 'not JSON: binary data', text);
      return;
    }
    // `[1,2]` is JSON but no event; `[2019-01-18T08:55:08,159][INFO ]…` is a text line.
    if (first === 91 /* [ */ && isJson(text)) {
      this.ctx.sink.reject(lineNo, 'not a JSON object', text);
      return;
    }
    this.asm.start(textEvent(text, lineNo, this.ctx));
  }

  end(): void {
    this.asm.end();
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return c;
  }
  return -1;
}

/** Share of head lines that are JSON objects on their own; indented lines (continuations) do not count. */
function score(head: HeadSample): number {
  let ok = 0;
  let counted = 0;
  for (const l of head.lines) {
    if (startsWithSpace(l)) continue;
    counted++;
    if (firstNonSpace(l) !== 123) continue;
    try {
      const v = JSON.parse(l);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) ok++;
    } catch {
      /* not a whole object on one line */
    }
  }
  return counted === 0 ? 0 : ok / counted;
}

export const jsonLinesFormat: Format = {
  name: 'jsonl',
  description: 'JSON lines: one object per line (zap/etcd, Elasticsearch, MongoDB 4.4, bunyan, pino …)',
  priority: 50,
  score,
  lineDecoder: (ctx) => new JsonLinesDecoder(ctx),
};
