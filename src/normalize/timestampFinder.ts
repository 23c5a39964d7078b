/**
 * Finds the timestamp in a line of plain text (the `text` fallback): the first match,
 * near the start of the line, of the common shapes — ISO-8601 (`T` or space, `.` or `,`
 * fraction, zone), `EEE MMM d HH:mm:ss yyyy` (ctime, Apache), `dd/MMM/yyyy:HH:mm:ss Z`
 * (access logs), `M/d/yyyy h:mm:ss a`, `yyyy/MM/dd HH:mm:ss`, `yy/MM/dd HH:mm:ss`, syslog
 * `MMM d HH:mm:ss` (year from the file, rolling over at New Year), or an epoch number of
 * 10, 13, 16 or 19 digits opening the line. One finder per file: it keeps the year state.
 */
import type { DecodeContext } from '../decode/types.js';
import { compileTimeFormat, type TimeParser } from './timeFormat.js';
import { epochToMicros, fractionToMicros, offsetMinutes, wallClockMs, type TimeZone } from './timestamp.js';

const ISO = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s?(Z|[+-]\d{2}:?\d{2})?/;
/** Other shapes, tried in order; group 1 is the timestamp text for the pattern. */
const SHAPES: [RegExp, string][] = [
  [/\b([A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4})\b/, 'EEE MMM d HH:mm:ss yyyy'],
  [/\b(\d{1,2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})/, 'd/MMM/yyyy:HH:mm:ss ZZZ'],
  [/\b(\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M)\b/, 'M/d/yyyy h:mm:ss a'],
  [/\b(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2})\b/, 'yyyy/MM/dd HH:mm:ss'],
  [/(?:^|[^\d/])(\d{2}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2})\b/, 'yy/MM/dd HH:mm:ss'],
  [/\b([A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2})\b/, 'MMM d HH:mm:ss'],
];
const EPOCH = /^(\d{10}|\d{13}|\d{16}|\d{19})(?:\.\d+)?\b/;
/** Epoch numbers are only trusted between 2000 and 2100. */
const EPOCH_MIN_US = Date.UTC(2000, 0, 1) * 1000;
const EPOCH_MAX_US = Date.UTC(2100, 0, 1) * 1000;

export class TimestampFinder {
  private readonly parsers: TimeParser[];

  constructor(private readonly zone: TimeZone, year: number, notAfterMs?: number) {
    this.parsers = SHAPES.map(([, pattern]) => compileTimeFormat(pattern).parser({ zone, year, notAfterMs }));
  }

  /** UTC microseconds of the first timestamp in `text`, or null. */
  find(text: string): number | null {
    const m = ISO.exec(text);
    if (m !== null) {
      const local = wallClockMs(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]);
      if (local !== null) {
        const utc = m[8] !== undefined ? local - offsetMinutes(m[8]) * 60_000 : this.zone.localToUtcMs(local);
        return utc * 1000 + fractionToMicros(m[7]);
      }
    }
    for (let i = 0; i < SHAPES.length; i++) {
      const s = SHAPES[i][0].exec(text);
      if (s !== null) {
        const us = this.parsers[i](s[1]);
        if (us !== null) return us;
      }
    }
    const e = EPOCH.exec(text);
    if (e !== null) {
      const us = epochToMicros(Number(e[1]));
      if (us !== null && us >= EPOCH_MIN_US && us < EPOCH_MAX_US) return us;
    }
    return null;
  }
}

const finders = new WeakMap<DecodeContext, TimestampFinder>();

/** The finder of a file (one per decode context, created on first use). */
export function finderFor(ctx: DecodeContext): TimestampFinder {
  let f = finders.get(ctx);
  if (f === undefined) {
    f = new TimestampFinder(ctx.zone, ctx.year, ctx.fileTimeMs);
    finders.set(ctx, f);
  }
  return f;
}
