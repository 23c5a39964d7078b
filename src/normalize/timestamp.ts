/**
 * Timestamps → UTC microseconds since the epoch (a JS number: exact to the microsecond
 * until the year 2255).
 *
 * The hot path is a single regex for ISO-8601-like text (`T` or space, `.` or `,`
 * before the fraction, up to nanoseconds, `Z`/`±hh:mm`/`±hhmm`) and arithmetic with
 * Date.UTC. Text without a zone is read in the given zone; the offset of that zone
 * is looked up once per local hour and cached. Epoch numbers are told apart by
 * magnitude: seconds, milliseconds, microseconds, nanoseconds.
 */
import { DateTime, FixedOffsetZone, IANAZone, type Zone } from 'luxon';

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,](\d{1,9}))?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;
const EPOCH_TEXT = /^\d{9,19}(?:\.\d+)?$/;
const LOOSE_MONTH = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/i;
const LOOSE_YEAR = /\b\d{4}\b/;
const LOOSE_YMD = /\b\d{4}\/\d{1,2}\/\d{1,2}\b/;
const LOOSE_CLOCK = /\b\d{1,2}:\d{2}\b/;

/** A resolved time zone: UTC is the fast path. */
export class TimeZone {
  readonly isUtc: boolean;
  private readonly zone: Zone;
  private readonly cache = new Map<number, number>();

  private constructor(zone: Zone) {
    this.zone = zone;
    this.isUtc = zone.isUniversal && zone.offset(0) === 0;
  }

  /** `UTC`, an IANA name (`Europe/Berlin`) or a fixed offset (`+02:00`, `UTC+2`); null if unknown. */
  static parse(name: string): TimeZone | null {
    const n = name.trim();
    if (/^(utc|z|gmt)$/i.test(n)) return UTC;
    const fixed = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(n);
    if (fixed) {
      // Real offsets lie within ±18:00 (ISO 8601, java.time); minutes below 60.
      if (Number(fixed[3] ?? 0) > 59) return null;
      const minutes = (Number(fixed[2]) * 60 + Number(fixed[3] ?? 0)) * (fixed[1] === '-' ? -1 : 1);
      if (Math.abs(minutes) > 18 * 60) return null;
      return new TimeZone(FixedOffsetZone.instance(minutes));
    }
    return IANAZone.isValidZone(n) ? new TimeZone(IANAZone.create(n)) : null;
  }

  static utc(): TimeZone {
    return UTC;
  }

  /** A name TimeZone.parse reads back to this zone (`UTC`, `Europe/Berlin`, `UTC+5:30`). */
  get name(): string {
    return this.isUtc ? 'UTC' : this.zone.name;
  }

  /** Converts a wall-clock time in this zone (given as if it were UTC, in ms) to true UTC ms. */
  localToUtcMs(localMs: number): number {
    if (this.isUtc) return localMs;
    const hour = Math.floor(localMs / 3_600_000);
    let offset = this.cache.get(hour);
    if (offset === undefined) {
      const dt = DateTime.fromMillis(localMs, { zone: 'UTC' }).setZone(this.zone, { keepLocalTime: true });
      offset = dt.offset;
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(hour, offset);
    }
    return localMs - offset * 60_000;
  }
}

const UTC = TimeZone.parse('+00:00')!;

/** Epoch number of unknown unit → microseconds. */
export function epochToMicros(n: number): number | null {
  if (!Number.isFinite(n) || n < 0) return null;
  if (n < 1e11) return Math.round(n * 1e6); // seconds (fractions allowed)
  if (n < 1e14) return Math.round(n * 1e3); // milliseconds
  if (n < 1e17) return Math.round(n); // microseconds
  return Math.floor(n / 1e3); // nanoseconds
}

/** Fraction digits (1-9) → microseconds. */
export function fractionToMicros(frac: string | undefined): number {
  if (!frac) return 0;
  if (frac.length >= 6) return Number(frac.slice(0, 6));
  return Number(frac) * 10 ** (6 - frac.length);
}

/** Checks calendar fields and returns local milliseconds (as if UTC), or null. */
export function wallClockMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return null;
  if (h === 24 && (mi !== 0 || s !== 0)) return null; // 24:00:00 is the end of the day; 24:30 is no time
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return y >= 100 ? ms : new Date(ms).setUTCFullYear(y); // Date.UTC reads years 0-99 as 1900-1999
}

/** Offset text (`Z`, `+01:00`, `-0530`, `+01`) → minutes east of UTC. */
export function offsetMinutes(tz: string): number {
  const c = tz.charCodeAt(0);
  if (c !== 43 && c !== 45) return 0; // Z, UTC, GMT
  const digits = tz.replace(':', '');
  const m = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || 0);
  return c === 45 ? -m : m;
}

/** Years 0001 to 9999, in microseconds: what a log can mean, and what fits DuckDB's TIMESTAMP. */
const MIN_US = -62_135_596_800_000_000; // 0001-01-01T00:00:00Z
const MAX_US = 253_402_300_799_999_999; // 9999-12-31T23:59:59.999999Z

/** Parses any timestamp value a structured log carries; null when it is no time or out of range. */
export function parseTimestamp(raw: unknown, zone: TimeZone): number | null {
  const us = parseTimestampValue(raw, zone);
  return us !== null && us >= MIN_US && us <= MAX_US ? us : null;
}

function parseTimestampValue(raw: unknown, zone: TimeZone): number | null {
  if (typeof raw === 'string') return parseTimestampText(raw, zone);
  if (typeof raw === 'number') return epochToMicros(raw);
  if (raw !== null && typeof raw === 'object') {
    // MongoDB extended JSON: {"$date": "…"} or {"$date": {"$numberLong": "…"}}
    const date = (raw as Record<string, unknown>).$date;
    if (date !== undefined) {
      if (date !== null && typeof date === 'object') return parseTimestamp((date as Record<string, unknown>).$numberLong, zone);
      return typeof date === 'number' ? Math.round(date * 1e3) : parseTimestamp(date, zone);
    }
  }
  return null;
}

/** Digit value at i, or -1. */
function dg(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/**
 * The common shape `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH:MM]` read with charCodeAt,
 * no regex and no substrings; anything else returns undefined for the general path.
 */
function fastIso(s: string, zone: TimeZone): number | null | undefined {
  const n = s.length;
  if (n < 19 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const t = s.charCodeAt(10);
  if (t !== 84 && t !== 32) return undefined;
  const y = dg(s, 0) * 1000 + dg(s, 1) * 100 + dg(s, 2) * 10 + dg(s, 3);
  const mo = dg(s, 5) * 10 + dg(s, 6);
  const d = dg(s, 8) * 10 + dg(s, 9);
  const h = dg(s, 11) * 10 + dg(s, 12);
  const mi = dg(s, 14) * 10 + dg(s, 15);
  const sec = dg(s, 17) * 10 + dg(s, 18);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return undefined;
  let i = 19;
  let micros = 0;
  const sep = s.charCodeAt(i);
  if (sep === 46 || sep === 44) {
    i++;
    let digits = 0;
    for (; i < n; i++) {
      const v = dg(s, i);
      if (v < 0) break;
      if (digits < 6) micros = micros * 10 + v;
      digits++;
    }
    if (digits === 0 || digits > 9) return undefined;
    for (let k = digits; k < 6; k++) micros *= 10;
  }
  const local = wallClockMs(y, mo, d, h, mi, sec);
  if (local === null) return null;
  if (i === n) return zone.localToUtcMs(local) * 1000 + micros;
  const z = s.charCodeAt(i);
  if ((z === 90 || z === 122) && i + 1 === n) return local * 1000 + micros;
  if ((z === 43 || z === 45) && (n - i === 6 || n - i === 5 || n - i === 3)) {
    const oh = dg(s, i + 1) * 10 + dg(s, i + 2);
    const om = n - i === 3 ? 0 : n - i === 6 ? dg(s, i + 4) * 10 + dg(s, i + 5) : dg(s, i + 3) * 10 + dg(s, i + 4);
    if (oh < 0 || om < 0 || (n - i === 6 && s.charCodeAt(i + 3) !== 58)) return undefined;
    const off = (oh * 60 + om) * (z === 45 ? -1 : 1);
    return (local - off * 60_000) * 1000 + micros;
  }
  return undefined;
}

export function parseTimestampText(text: string, zone: TimeZone): number | null {
  const fast = fastIso(text, zone);
  if (fast !== undefined) return fast;
  const m = ISO.exec(text);
  if (m !== null) {
    const local = wallClockMs(+m[1], +m[2], +m[3], +m[4], +m[5], m[6] ? +m[6] : 0);
    if (local === null) return null;
    const utcMs = m[8] !== undefined ? local - offsetMinutes(m[8]) * 60_000 : zone.localToUtcMs(local);
    return utcMs * 1000 + fractionToMicros(m[7]);
  }
  const t = text.trim();
  if (EPOCH_TEXT.test(t)) {
    // Nanoseconds as text are exact past 2^53 only as a BigInt.
    if (t.length >= 18 && t.indexOf('.') < 0) return Number(BigInt(t) / 1000n);
    return epochToMicros(Number(t));
  }
  if (t.length < 8 || !/\d/.test(t)) return null;
  // Last resort for RFC 2822 and similar (`Tue, 22 Jan 2019 08:55:08 +0100`, `2019/01/22 08:55:08`).
  // Date.parse accepts nearly anything ("abc 12" is 2001-12-01), so only text with a date
  // (month name and four-digit year, or yyyy/mm/dd) and a clock time gets there.
  if (!LOOSE_CLOCK.test(t) || !(LOOSE_YMD.test(t) || (LOOSE_MONTH.test(t) && LOOSE_YEAR.test(t)))) return null;
  const ms = Date.parse(/(?:[+-]\d{4}|GMT|UTC|Z)\b/.test(t) ? t : `${t} UTC`);
  if (Number.isNaN(ms)) return null;
  return zone.isUtc || /(?:[+-]\d{4}|GMT|UTC|Z)\b/.test(t) ? ms * 1000 : zone.localToUtcMs(ms) * 1000;
}

/** Microseconds → ISO-8601 UTC text with microseconds. */
export function microsToIso(us: number | bigint): string {
  const n = typeof us === 'bigint' ? us : BigInt(Math.trunc(us));
  const ms = n / 1000n;
  const rest = Number(((n % 1000n) + 1000n) % 1000n);
  const floorMs = n < 0n && rest !== 0 ? ms - 1n : ms;
  const iso = new Date(Number(floorMs)).toISOString();
  return `${iso.slice(0, 23)}${String(rest).padStart(3, '0')}Z`;
}
