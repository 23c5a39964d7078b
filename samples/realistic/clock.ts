/**
 * Timestamp pieces for the envelopes, from microseconds since the epoch (UTC). The second-level
 * parts are cached: consecutive lines mostly share their second.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class Clock {
  private second = Number.NaN;
  /** `2026-11-27` */
  date = '';
  /** `14:30:01` */
  time = '';
  /** `Nov` */
  mon = '';
  /** `07` */
  dd = '';
  /** ` 7` (syslog pads the day with a space) */
  dayPad = '';
  /** `1127` (klog) */
  mmdd = '';
  epochSec = 0;

  set(us: number): this {
    const sec = Math.floor(us / 1e6);
    if (sec === this.second) return this;
    this.second = sec;
    this.epochSec = sec;
    const d = new Date(sec * 1000);
    const iso = d.toISOString();
    this.date = iso.slice(0, 10);
    this.time = iso.slice(11, 19);
    const day = d.getUTCDate();
    this.mon = MONTHS[d.getUTCMonth()];
    this.dd = String(day).padStart(2, '0');
    this.dayPad = String(day).padStart(2, ' ');
    this.mmdd = String(d.getUTCMonth() + 1).padStart(2, '0') + this.dd;
    return this;
  }
}

/** The millisecond digits of a time in µs. */
export const ms3 = (us: number): string => String(Math.floor(us / 1000) % 1000).padStart(3, '0');
/** The microsecond digits of a time in µs. */
export const us6 = (us: number): string => String(us % 1e6).padStart(6, '0');
/** ISO-8601 UTC with milliseconds of a time in ms. */
export const isoMs = (ms: number): string => new Date(ms).toISOString();
