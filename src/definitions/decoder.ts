/**
 * Decodes a file with a compiled definition, line by line. Each physical line is, in
 * this order of tests:
 *  1. an attached line (`attach`): its groups merge into the event on the line before it
 *     (`to: previous`) or the line after it (`to: next`); the two must be adjacent;
 *  2. an event line (`line`);
 *  3. a continuation line (`continuation`, when an event is open): joined to its message;
 *  4. unmatched: per `unmatched` — `join` (default) joins it to the open event, or makes a
 *     plain text event when none is open; `event` makes a plain text event; `reject` puts
 *     it in rejects. An attached line with no event next to it counts as unmatched.
 * On an event line: the groups of `line`, then the message's `name=value` pairs, then the
 * rules (which have the last say); the node falls back to the file's default node when
 * the event is complete (an attached line may name it).
 */
import { emptyEvent, type EventRow } from '../event.js';
import { assignMessagePairs } from '../normalize/messagePairs.js';
import type { TimeParser } from '../normalize/timeFormat.js';
import { isText } from '../decode/eventAssembler.js';
import { textEvent } from '../decode/plainText.js';
import type { DecodeContext, LineDecoder } from '../decode/types.js';
import { applyGroups, applyRules, type CompiledDefinition } from './compile.js';

interface Pending {
  m: RegExpExecArray;
  text: string;
  lineNo: number;
}

export class DefinitionDecoder implements LineDecoder {
  private open: EventRow | null = null;
  /** Physical line number of the open event's last line. */
  private openLast = 0;
  /** An attached line (`to: next`) waiting for its event line. */
  private pending: Pending | null = null;
  private readonly parseTs: TimeParser;

  constructor(private readonly def: CompiledDefinition, private readonly ctx: DecodeContext) {
    this.parseTs = def.timeParser(ctx.zone, ctx.year, ctx.fileTimeMs);
  }

  line(text: string, lineNo: number): void {
    const def = this.def;
    const attach = def.attach;
    if (attach !== null) {
      const am = attach.re.exec(text);
      if (am !== null) {
        this.attachLine(am, text, lineNo);
        return;
      }
    }
    if (this.pending !== null && this.pending.lineNo !== lineNo - 1) this.orphan();
    const m = def.line.re.exec(text);
    if (m !== null) {
      this.startEvent(m, text, lineNo);
      return;
    }
    if (this.pending !== null) this.orphan();
    if (def.continuation !== null && this.open !== null && def.continuation.test(text)) {
      this.join(text, lineNo);
      return;
    }
    this.unmatched(text, lineNo, null);
  }

  end(): void {
    if (this.pending !== null) this.orphan();
    this.emit();
  }

  private startEvent(m: RegExpExecArray, text: string, lineNo: number): void {
    const def = this.def;
    const fields = this.ctx.fields;
    const ev = emptyEvent(lineNo);
    applyGroups(ev, m, def.lineActions, fields, this.parseTs, false);
    if (def.lineIsMessage) ev.message = text;
    if (ev.message !== null) assignMessagePairs(ev, ev.message, fields);
    if (def.rules.length > 0) applyRules(ev, m, def.rules, fields, this.parseTs);
    const p = this.pending;
    if (p !== null) {
      // adjacency was checked in line(): p is on the line just before
      this.pending = null;
      ev.line = p.lineNo;
      applyGroups(ev, p.m, def.attach!.actions, fields, this.parseTs, false);
      this.ctx.sink.continuation();
    }
    this.emit();
    this.open = ev;
    this.openLast = lineNo;
  }

  private attachLine(am: RegExpExecArray, text: string, lineNo: number): void {
    if (this.def.attach!.to === 'next') {
      if (this.pending !== null) this.orphan();
      this.pending = { m: am, text, lineNo };
      return;
    }
    if (this.pending !== null) this.orphan();
    const ev = this.open;
    if (ev !== null && this.openLast === lineNo - 1) {
      applyGroups(ev, am, this.def.attach!.actions, this.ctx.fields, this.parseTs, false);
      this.ctx.sink.continuation();
      this.openLast = lineNo;
      return;
    }
    this.unmatched(text, lineNo, 'attached line with no event line next to it');
  }

  /** The pending attached line has no event line after it. */
  private orphan(): void {
    const p = this.pending!;
    this.pending = null;
    this.unmatched(p.text, p.lineNo, 'attached line with no event line next to it');
  }

  private join(text: string, lineNo: number): void {
    const ev = this.open!;
    ev.message = ev.message === null ? text : `${ev.message}\n${text}`;
    this.openLast = lineNo;
    this.ctx.sink.continuation();
  }

  private unmatched(text: string, lineNo: number, why: string | null): void {
    if (!isText(text)) {
      this.ctx.sink.reject(lineNo, 'binary data (control characters)', text);
      return;
    }
    const policy = this.def.unmatched;
    if (policy === 'join' && this.open !== null) {
      this.join(text, lineNo);
      return;
    }
    if (policy === 'reject') {
      this.ctx.sink.reject(lineNo, why ?? `matches no pattern of format ${this.def.name}`, text);
      return;
    }
    this.emit();
    this.open = textEvent(text, lineNo, this.ctx);
    this.openLast = lineNo;
  }

  private emit(): void {
    const ev = this.open;
    if (ev === null) return;
    this.open = null;
    ev.node ??= this.ctx.defaultNode;
    this.ctx.sink.event(ev);
  }
}
