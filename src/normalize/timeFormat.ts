/**
 * Compiled timestamp parsers for format definitions (contract §4 `timestamp.format`).
 *
 * A Luxon token pattern (`yyyy-MM-dd HH:mm:ss,SSS`, `MMM d HH:mm:ss`, `yyMMdd HHmmss` …)
 * is compiled once into a reader that needs no Luxon per line: patterns made only of
 * fixed-width numbers and literals are read with charCodeAt at known positions; any other
 * pattern becomes one anchored, case-insensitive RegExp with one group per field, then
 * plain arithmetic. The named formats `iso`, `epoch_s`, `epoch_ms`, `epoch_us` and
 * `epoch_ns` are read without a pattern.
 *
 * Semantics follow Luxon's `DateTime.fromFormat` (the tests use it as the oracle), with
 * these differences: `u` keeps microseconds (Luxon keeps milliseconds); a space in the
 * pattern also matches a run of spaces (syslog pads `Jun  4`); the offset tokens also read
 * `Z`; the weekday is read but not checked against the date; a pattern without a year
 * takes the file's year (see YearClock).
 */
import { fractionToMicros, parseTimestampText, TimeZone } from './timestamp.js';

/** Thrown for a pattern orderline cannot compile; the message says why. */
export class TimeFormatError extends Error {}

/** What a compiled parser needs from the file it reads. */
export interface TimeParserOptions {
  /** Zone of timestamps that carry no offset: the definition's zone, else `--tz`. */
  zone: TimeZone;
  /** Year of the first year-less timestamp (`--year`, else the file's modification year). */
  year: number;
  /** The file's modification time (UTC ms) when `year` came from it: no line is later. */
  notAfterMs?: number;
}

/** Text → UTC microseconds since the epoch, or null when it does not parse. */
export type TimeParser = (text: string) => number | null;

export interface CompiledTimeFormat {
  readonly spec: string;
  /** False for patterns without a year (syslog, klog): those follow the file's year. */
  readonly hasYear: boolean;
  /** A parser with its own year state: make one per file. */
  parser(opts: TimeParserOptions): TimeParser;
}

export const NAMED_TIME_FORMATS = ['iso', 'epoch_s', 'epoch_ms', 'epoch_us', 'epoch_ns'] as const;

export function compileTimeFormat(spec: string): CompiledTimeFormat {
  switch (spec) {
    case 'iso': return named(spec, (zone) => (text) => parseTimestampText(text, zone));
    case 'epoch_s': return named(spec, () => (text) => epochDigits(text, 6));
    case 'epoch_ms': return named(spec, () => (text) => epochDigits(text, 3));
    case 'epoch_us': return named(spec, () => (text) => epochDigits(text, 0));
    case 'epoch_ns': return named(spec, () => (text) => epochDigits(text, -3));
  }
  return new TokenFormat(spec);
}

function named(spec: string, make: (zone: TimeZone) => TimeParser): CompiledTimeFormat {
  return { spec, hasYear: true, parser: (opts) => make(opts.zone) };
}

/**
 * An epoch number (digits, optionally `.fraction`) scaled to microseconds by 10^shift
 * (negative: divided). Read digit by digit: nanosecond epochs exceed 2^53.
 */
function epochDigits(text: string, shift: number): number | null {
  const n = text.length;
  let i = 0;
  let intEnd = n;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) { intEnd = i; break; }
    if (c < 48 || c > 57) return null;
  }
  if (intEnd === 0) return null;
  let frac = '';
  if (intEnd < n) {
    frac = text.slice(intEnd + 1);
    if (frac.length === 0 || !/^\d+$/.test(frac)) return null;
  }
  if (shift < 0) {
    // drop the last -shift digits of the integer part (ns → µs)
    const keep = intEnd + shift;
    return keep <= 0 ? 0 : Number(text.slice(0, keep));
  }
  const whole = Number(intEnd === n ? text : text.slice(0, intEnd)) * 10 ** shift;
  if (frac === '' || shift === 0) return whole;
  return whole + Number(frac.slice(0, shift).padEnd(shift, '0'));
}

// ---------------------------------------------------------------------------------------
// Token patterns

const enum F {
  Year, Year2, Month, MonthName, Day, Ordinal, Hour, Hour12, Minute, Second, Millis, Fraction,
  Meridiem, Weekday, Offset, OffsetCompact, ZoneName,
}

interface Unit {
  field: F;
  /** Regex source of the value (one group is added around it, two for offsets). */
  re: string;
  /** Digit count when the token is fixed-width numeric, else 0. */
  width: number;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTHS_LONG = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAYS_LONG = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

const num = (field: F, min: number, max: number): Unit => ({ field, re: `\\d{${min},${max}}`, width: min === max ? min : 0 });

/** The tokens orderline reads, as Luxon defines them. */
const TOKENS: Record<string, Unit> = {
  y: num(F.Year, 1, 6), yy: { field: F.Year2, re: '\\d{2,4}', width: 2 }, yyyy: num(F.Year, 4, 4),
  yyyyy: num(F.Year, 4, 6), yyyyyy: num(F.Year, 6, 6),
  M: num(F.Month, 1, 2), MM: num(F.Month, 2, 2), L: num(F.Month, 1, 2), LL: num(F.Month, 2, 2),
  MMM: { field: F.MonthName, re: MONTHS.join('|'), width: 0 }, LLL: { field: F.MonthName, re: MONTHS.join('|'), width: 0 },
  MMMM: { field: F.MonthName, re: MONTHS_LONG.join('|'), width: 0 }, LLLL: { field: F.MonthName, re: MONTHS_LONG.join('|'), width: 0 },
  d: num(F.Day, 1, 2), dd: num(F.Day, 2, 2), o: num(F.Ordinal, 1, 3), ooo: num(F.Ordinal, 3, 3),
  H: num(F.Hour, 1, 2), HH: num(F.Hour, 2, 2), h: num(F.Hour12, 1, 2), hh: num(F.Hour12, 2, 2),
  m: num(F.Minute, 1, 2), mm: num(F.Minute, 2, 2), s: num(F.Second, 1, 2), ss: num(F.Second, 2, 2),
  S: num(F.Millis, 1, 3), SSS: num(F.Millis, 3, 3),
  u: { field: F.Fraction, re: '\\d{1,9}', width: 0 }, uu: { field: F.Fraction, re: '\\d{1,2}', width: 0 }, uuu: { field: F.Fraction, re: '\\d', width: 0 },
  a: { field: F.Meridiem, re: 'am|pm', width: 0 },
  E: num(F.Weekday, 1, 1), c: num(F.Weekday, 1, 1),
  EEE: { field: F.Weekday, re: DAYS.join('|'), width: 0 }, ccc: { field: F.Weekday, re: DAYS.join('|'), width: 0 },
  EEEE: { field: F.Weekday, re: DAYS_LONG.join('|'), width: 0 }, cccc: { field: F.Weekday, re: DAYS_LONG.join('|'), width: 0 },
  Z: { field: F.Offset, re: '', width: 0 }, ZZ: { field: F.Offset, re: '', width: 0 }, ZZZ: { field: F.OffsetCompact, re: '', width: 0 },
  z: { field: F.ZoneName, re: '[a-z_+\\-/]{1,256}?', width: 0 },
};

type Part = { literal: string } | { token: string; unit: Unit };

/** Splits a pattern like Luxon's Formatter.parseFormat: runs of one letter, `'quoted'` literals. */
function tokenize(spec: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  let literal = '';
  const flush = () => { if (literal) parts.push({ literal }); literal = ''; };
  while (i < spec.length) {
    const c = spec[i];
    if (c === "'") {
      const end = spec.indexOf("'", i + 1);
      if (end < 0) throw new TimeFormatError(`unclosed quote at position ${i + 1}`);
      literal += end === i + 1 ? "'" : spec.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (j < spec.length && spec[j] === c) j++;
      const token = spec.slice(i, j);
      const unit = TOKENS[token];
      if (!unit) {
        throw new TimeFormatError(`unsupported token "${token}" at position ${i + 1} (quote literal letters: 'T')`);
      }
      flush();
      parts.push({ token, unit });
      i = j;
      continue;
    }
    literal += c;
    i++;
  }
  flush();
  return parts;
}

const escapeRe = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** Field slots of one parse, reused across lines. */
interface Fields {
  year: number; month: number; day: number; ordinal: number; hour: number; hour12: number; meridiem: number;
  minute: number; second: number; micros: number; offset: number; zone: string | null;
}

function resetFields(f: Fields): void {
  f.year = -1; f.month = -1; f.day = -1; f.ordinal = -1; f.hour = -1; f.hour12 = -1; f.meridiem = -1;
  f.minute = 0; f.second = 0; f.micros = 0; f.offset = NaN; f.zone = null;
}

const dg = (s: string, i: number) => s.charCodeAt(i) - 48;

class TokenFormat implements CompiledTimeFormat {
  readonly hasYear: boolean;
  private readonly re: RegExp;
  /** Per regex group (1-based, index 0 unused): the field it fills, or -1 for offset minutes. */
  private readonly groups: F[] = [F.Year];
  /** Fixed-width reader: [position, width, field] triples and literal checks, or null. */
  private readonly fixed: { len: number; fields: [number, number, F][]; literals: [number, number][]; tailFraction: boolean } | null;

  constructor(readonly spec: string) {
    const parts = tokenize(spec);
    const has = (f: F) => parts.some((p) => 'unit' in p && p.unit.field === f);
    if (!has(F.Ordinal) && !(has(F.Day) && (has(F.Month) || has(F.MonthName)))) {
      throw new TimeFormatError('a timestamp pattern needs a month and a day (M/MM/MMM and d/dd), or a day of the year (o)');
    }
    if (has(F.Meridiem) && has(F.Hour)) throw new TimeFormatError("use h/hh with a (AM/PM), not H/HH");
    this.hasYear = has(F.Year) || has(F.Year2);

    let src = '^';
    for (const p of parts) {
      if ('literal' in p) {
        src += escapeRe(p.literal).replace(/ +/g, ' +');
      } else if (p.unit.field === F.Offset) {
        src += '(?:([+-]\\d{1,2})(?::(\\d{2}))?|(Z))';
        this.groups.push(F.Offset, F.Offset, F.Offset);
      } else if (p.unit.field === F.OffsetCompact) {
        src += '(?:([+-]\\d{1,2})(\\d{2})?|(Z))';
        this.groups.push(F.Offset, F.Offset, F.Offset);
      } else {
        src += `(${p.unit.re})`;
        this.groups.push(p.unit.field);
      }
    }
    this.re = new RegExp(`${src}$`, 'i');
    this.fixed = fixedLayout(parts);
  }

  parser(opts: TimeParserOptions): TimeParser {
    const f = {} as Fields;
    const clock = this.hasYear ? null : new YearClock(opts.year, opts.notAfterMs);
    const zone = opts.zone;
    const zones = new Map<string, TimeZone | null>();
    return (text) => {
      resetFields(f);
      if (!(this.fixed !== null && this.readFixed(text, f)) && !this.readRegex(text, f)) return null;
      return finish(f, clock, zone, zones);
    };
  }

  private readFixed(text: string, f: Fields): boolean {
    const fx = this.fixed!;
    const n = text.length;
    if (fx.tailFraction ? n < fx.len + 2 : n !== fx.len) return false;
    for (const [pos, code] of fx.literals) if (text.charCodeAt(pos) !== code) return false;
    for (const [pos, width, field] of fx.fields) {
      let v = 0;
      for (let i = pos; i < pos + width; i++) {
        const d = dg(text, i);
        if (d < 0 || d > 9) return false;
        v = v * 10 + d;
      }
      setNumber(f, field, v);
    }
    if (fx.tailFraction && n > fx.len) {
      if (text.charCodeAt(fx.len) !== 46 && text.charCodeAt(fx.len) !== 44) return false;
      let micros = 0;
      let digits = 0;
      for (let i = fx.len + 1; i < n; i++) {
        const d = dg(text, i);
        if (d < 0 || d > 9 || ++digits > 9) return false;
        if (digits <= 6) micros = micros * 10 + d;
      }
      for (let k = digits; k < 6; k++) micros *= 10;
      f.micros = micros;
    }
    return true;
  }

  private readRegex(text: string, f: Fields): boolean {
    const m = this.re.exec(text);
    if (m === null) return false;
    const groups = this.groups;
    for (let g = 1; g < groups.length; g++) {
      const v = m[g];
      if (v === undefined) continue;
      const field = groups[g];
      switch (field) {
        case F.MonthName: f.month = monthOf(v); break;
        case F.Meridiem: f.meridiem = (v.charCodeAt(0) | 0x20) === 112 /* p */ ? 1 : 0; break;
        case F.Weekday: break;
        case F.Fraction: f.micros = fractionToMicros(v); break;
        case F.ZoneName: f.zone = v; break;
        case F.Offset: {
          // three groups: sign+hours, minutes, literal Z
          if (v === 'Z' || v === 'z') { f.offset = 0; break; }
          const h = Number(v);
          const mins = m[g + 1] !== undefined ? Number(m[g + 1]) : 0;
          f.offset = h < 0 || v.charCodeAt(0) === 45 ? h * 60 - mins : h * 60 + mins;
          g += 2;
          break;
        }
        default: setNumber(f, field, Number(v));
      }
    }
    return true;
  }
}

function setNumber(f: Fields, field: F, v: number): void {
  switch (field) {
    case F.Year: f.year = v; break;
    case F.Year2: f.year = v > 99 ? v : v > 60 ? 1900 + v : 2000 + v; break;
    case F.Month: f.month = v; break;
    case F.Day: f.day = v; break;
    case F.Ordinal: f.ordinal = v; break;
    case F.Hour: f.hour = v; break;
    case F.Hour12: f.hour12 = v; break;
    case F.Minute: f.minute = v; break;
    case F.Second: f.second = v; break;
    case F.Millis: f.micros = v * 1000; break;
  }
}

/** Month from its English name or abbreviation (first three letters, any case); -1 if none. */
function monthOf(name: string): number {
  const key = String.fromCharCode(name.charCodeAt(0) | 0x20, name.charCodeAt(1) | 0x20, name.charCodeAt(2) | 0x20);
  return MONTHS.indexOf(key) + 1 || -1;
}

/** The fixed-width layout of a pattern, when it has one. */
function fixedLayout(parts: Part[]): TokenFormat['fixed'] {
  let pos = 0;
  const fields: [number, number, F][] = [];
  const literals: [number, number][] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if ('literal' in p) {
      for (let k = 0; k < p.literal.length; k++) literals.push([pos + k, p.literal.charCodeAt(k)]);
      pos += p.literal.length;
      continue;
    }
    if (p.unit.field === F.Fraction && p.token === 'u' && i === parts.length - 1) {
      // `….u` at the end: a separator literal before it, digits to the end of the text
      const sep = literals.pop();
      if (sep === undefined || sep[0] !== pos - 1) return null;
      return { len: pos - 1, fields, literals, tailFraction: true };
    }
    if (p.unit.width === 0) return null;
    fields.push([pos, p.unit.width, p.unit.field]);
    pos += p.unit.width;
  }
  return { len: pos, fields, literals, tailFraction: false };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function finish(f: Fields, clock: YearClock | null, zone: TimeZone, zones: Map<string, TimeZone | null>): number | null {
  let { month, day } = f;
  let year = f.year;
  if (f.ordinal >= 0) {
    if (clock !== null && year < 0) year = clock.yearFor(1, f.ordinal);
    const max = isLeap(year) ? 366 : 365;
    if (f.ordinal < 1 || f.ordinal > max) return null;
    const d = new Date(new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(year) + (f.ordinal - 1) * 86_400_000);
    month = d.getUTCMonth() + 1;
    day = d.getUTCDate();
  }
  if (month < 1 || month > 12 || day < 1) return null;
  if (year < 0) year = clock!.yearFor(month, day);
  if (day > (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1])) return null;
  let hour = f.hour;
  if (f.hour12 >= 0) {
    hour = f.hour12;
    if (f.meridiem === 1 && hour < 12) hour += 12;
    else if (f.meridiem === 0 && hour === 12) hour = 0;
  }
  if (hour < 0) hour = 0;
  // 24:00:00 is the end of the day (ISO 8601, and Luxon), nothing later
  if ((hour > 23 && !(hour === 24 && f.minute === 0 && f.second === 0 && f.micros === 0)) || f.minute > 59 || f.second > 59) return null;
  let local = Date.UTC(year, month - 1, day, hour, f.minute, f.second);
  if (year < 100) local = new Date(local).setUTCFullYear(year);
  let utc: number;
  if (!Number.isNaN(f.offset)) {
    utc = local - f.offset * 60_000;
  } else if (f.zone !== null) {
    let z = zones.get(f.zone);
    if (z === undefined) {
      z = TimeZone.parse(f.zone);
      if (zones.size < 100) zones.set(f.zone, z);
    }
    if (z === null) return null;
    utc = z.localToUtcMs(local);
  } else {
    utc = zone.localToUtcMs(local);
  }
  return utc * 1000 + f.micros;
}

/**
 * The year of year-less timestamps as a file goes on: the first one takes the given
 * year (or the year before, when that would put it after the file's modification time),
 * and the year advances each time the month steps back by more than six (December →
 * January), so a syslog file that spans New Year stays in order.
 */
export class YearClock {
  private year: number;
  private lastMonth = 0;

  constructor(year: number, private readonly notAfterMs?: number) {
    this.year = year;
  }

  yearFor(month: number, day: number): number {
    if (this.lastMonth === 0) {
      if (this.notAfterMs !== undefined && Date.UTC(this.year, month - 1, day) > this.notAfterMs + 86_400_000) this.year--;
    } else if (month < this.lastMonth - 6) {
      this.year++;
    }
    this.lastMonth = month;
    return this.year;
  }
}
