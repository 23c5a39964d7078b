/**
 * `name=value` pairs inside a message (contract §3): canonical names fill empty
 * canonical columns, other names go to attrs unless the line already carried them.
 * Values may be double-quoted with backslash escapes, single-quoted, or bare (up to
 * white space or one of `,;)]}`).
 */
import { setOwn, type EventRow } from '../event.js';
import type { FieldMapper } from './fields.js';

const PAIR = /(?:^|[\s,;(\[{])([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;)\]}]+)/g;

export function assignMessagePairs(ev: EventRow, message: string, fields: FieldMapper): void {
  if (message.indexOf('=') < 0) return;
  PAIR.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PAIR.exec(message)) !== null) {
    const name = m[1];
    const raw = m[2];
    const value = unquote(raw);
    const slot = fields.slotOf(name);
    if (slot === 'message') continue; // the message itself (its bare value is only a first word)
    if (slot !== null && fields.assign(ev, slot, value)) continue;
    const attrs = (ev.attrs ??= {});
    if (!Object.hasOwn(attrs, name)) setOwn(attrs, name, value);
  }
}

function unquote(raw: string): string {
  const q = raw.charCodeAt(0);
  if (q === 34 /* " */) {
    const inner = raw.slice(1, -1);
    return inner.indexOf('\\') < 0 ? inner : inner.replace(/\\(.)/g, '$1');
  }
  if (q === 39 /* ' */) return raw.slice(1, -1);
  return raw;
}
