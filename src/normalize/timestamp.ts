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
      const minutes = (Number(fixed[2]) * 60 + Number(fixed[3] ?? 0)) * (fixed[1] === '-' ? -1 : 1);
      return new TimeZone(FixedOffsetZone.instance(minutes));
    }
    return IANAZone.isValidZone(n) ? new TimeZone(IANAZone.create(n)) : null;
  }

  static utc(): TimeZone {
    return UTC;
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
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** Offset text (`Z`, `+01:00`, `-0530`, `+01`) → minutes east of UTC. */
export function offsetMinutes(tz: string): number {
  const c = tz.charCodeAt(0);
  if (c !== 43 && c !== 45) return 0; // Z, UTC, GMT
  const digits = tz.replace(':', '');
  const m = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || 0);
  return c === 45 ? -m : m;
}

/** Parses any timestamp value a structured log carries. */
export function parseTimestamp(raw: unknown, zone: TimeZone): number | null {
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

export function parseTimestampText(text: string, zone: TimeZone): number | null {
  const m = ISO.exec(text);
  if (m !== null) {
    const local = wallClockMs(+m[1], +m[2], +m[3], +m[4], +m[5], m[6] ? +m[6] : 0);
    if (local === null) return null;
    const utcMs = m[8] !== undefined ? local - offsetMinutes(m[8]) * 60_000 : zone.localToUtcMs(local);
    return utcMs * 1000 + fractionToMicros(m[7]);
  }
  const t = text.trim();
  if (EPOCH_TEXT.test(t)) return epochToMicros(Number(t));
  if (t.length < 8 || !/\d/.test(t)) return null;
  // Last resort for RFC 2822 and similar; only trusted when the text names its zone.
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
