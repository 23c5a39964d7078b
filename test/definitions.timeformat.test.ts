/**
 * The compiled timestamp parser (src/normalize/timeFormat.ts) against Luxon's
 * DateTime.fromFormat as the oracle: random instants, rendered by Luxon in several token
 * patterns and zones, must read back to the same millisecond. Plus the rules Luxon does
 * not cover: year-less timestamps and the December → January roll-over, microseconds,
 * epochs, and patterns that are refused.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { compileTimeFormat, TimeFormatError, YearClock } from '../src/normalize/timeFormat.js';
import { TimeZone } from '../src/normalize/timestamp.js';

const PATTERNS = [
  'yyyy-MM-dd HH:mm:ss,SSS',
  'yy/MM/dd HH:mm:ss',
  'yyMMdd HHmmss',
  'EEE MMM dd HH:mm:ss yyyy',
  'dd/MMM/yyyy:HH:mm:ss ZZZ',
  "yyyy-MM-dd'T'HH:mm:ss.SSSZZ",
  'M/d/yyyy h:mm:ss a',
  'MMMM d, yyyy HH:mm',
  'yyyy-MM-dd HH:mm:ss.u',
  'yyyy ooo HH:mm:ss',
  'cccc, d LLL yyyy hh:mm a',
  'd.M.y H:m:s.S',
];
const ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata', 'UTC+5:30', 'Europe/Berlin'];

// Instants 1970–2059 (two-digit years stay unambiguous: Luxon and orderline read 00–60 as 20xx).
const instant = fc.integer({ min: 0, max: Date.UTC(2059, 11, 31) });

/**
 * A wall-clock time that a DST change makes ambiguous (it happens twice) or non-existent:
 * Luxon resolves it from today's offset, orderline from the offset of that day; both are
 * readings of the text, one hour apart.
 */
function dstAmbiguity(ms: number, oracle: DateTime, text: string, pattern: string, zone: string): boolean {
  if (Math.abs(ms - oracle.toMillis()) !== 3_600_000) return false;
  const render = (x: number) => DateTime.fromMillis(x, { zone }).toFormat(pattern, { locale: 'en-US' });
  return render(ms) === text || render(oracle.toMillis()) !== text;
}

describe('compiled timestamp patterns agree with Luxon DateTime.fromFormat', () => {
  for (const pattern of PATTERNS) {
    it(pattern, () => {
      const compiled = compileTimeFormat(pattern);
      fc.assert(
        fc.property(instant, fc.constantFrom(...ZONES), fc.constantFrom(...ZONES), (ms, writeZone, readZone) => {
          const text = DateTime.fromMillis(ms, { zone: writeZone }).toFormat(pattern, { locale: 'en-US' });
          const oracle = DateTime.fromFormat(text, pattern, { zone: readZone, locale: 'en-US' });
          const parse = compiled.parser({ zone: TimeZone.parse(readZone)!, year: 2000 });
          const us = parse(text);
          if (!oracle.isValid) return us === null;
          if (us === null) return false;
          const ms2 = Math.floor(us / 1000);
          return ms2 === oracle.toMillis() || dstAmbiguity(ms2, oracle, text, pattern, readZone);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('year-less patterns take the given year, like Luxon takes the current one', () => {
    const year = DateTime.utc().year;
    for (const pattern of ['MMM d HH:mm:ss', 'MMdd HH:mm:ss.SSS']) {
      const compiled = compileTimeFormat(pattern);
      expect(compiled.hasYear).toBe(false);
      fc.assert(
        fc.property(fc.integer({ min: Date.UTC(year, 0, 1), max: Date.UTC(year, 11, 31, 23) }), (ms) => {
          const text = DateTime.fromMillis(ms, { zone: 'UTC' }).toFormat(pattern, { locale: 'en-US' });
          const parse = compiled.parser({ zone: TimeZone.utc(), year }); // a fresh year state per text
          return Math.floor(parse(text)! / 1000) === DateTime.fromFormat(text, pattern, { zone: 'UTC' }).toMillis();
        }),
        { numRuns: 200 },
      );
    }
  });

  it('rejects what Luxon rejects: impossible dates and times', () => {
    const p = compileTimeFormat('yyyy-MM-dd HH:mm:ss').parser({ zone: TimeZone.utc(), year: 2000 });
    for (const bad of ['2023-02-29 10:00:00', '2024-04-31 00:00:00', '2024-13-01 00:00:00', '2024-01-01 24:00:01', '2024-01-01 10:60:00', '2024-1-01 10:00:00']) {
      expect(p(bad), bad).toBeNull();
      expect(DateTime.fromFormat(bad, 'yyyy-MM-dd HH:mm:ss').isValid, bad).toBe(false);
    }
    expect(p('2024-02-29 23:59:59')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59) * 1000);
    expect(p('2024-02-29 24:00:00')).toBe(DateTime.fromFormat('2024-02-29 24:00:00', 'yyyy-MM-dd HH:mm:ss', { zone: 'UTC' }).toMillis() * 1000);
  });
});

describe('orderline rules beyond Luxon', () => {
  const utc = TimeZone.utc();

  it('syslog: December → January rolls the year over as the file goes on', () => {
    const p = compileTimeFormat('MMM d HH:mm:ss').parser({ zone: utc, year: 2024 });
    const iso = (t: string) => new Date(p(t)! / 1000).toISOString();
    expect(iso('Dec 30 23:59:58')).toBe('2024-12-30T23:59:58.000Z');
    expect(iso('Dec 31 23:59:59')).toBe('2024-12-31T23:59:59.000Z');
    expect(iso('Jan  1 00:00:01')).toBe('2025-01-01T00:00:01.000Z');
    expect(iso('Dec 31 23:59:59')).toBe('2025-12-31T23:59:59.000Z'); // a small step back is not a new year
    expect(iso('Feb  2 10:00:00')).toBe('2026-02-02T10:00:00.000Z');
  });

  it('a year from the modification time does not put the first line after the file was written', () => {
    const mtime = Date.UTC(2025, 0, 3, 12); // written on 3 January 2025
    const p = compileTimeFormat('MMM d HH:mm:ss').parser({ zone: utc, year: 2025, notAfterMs: mtime });
    expect(new Date(p('Dec 28 08:00:00')! / 1000).toISOString()).toBe('2024-12-28T08:00:00.000Z');
    expect(new Date(p('Jan  2 08:00:00')! / 1000).toISOString()).toBe('2025-01-02T08:00:00.000Z');
    const clock = new YearClock(2025, mtime);
    expect(clock.yearFor(1, 3)).toBe(2025);
  });

  it('u keeps microseconds; a zone in the text wins over the zone given', () => {
    const berlin = TimeZone.parse('Europe/Berlin')!;
    const p = compileTimeFormat('yyMMdd HH:mm:ss.u').parser({ zone: berlin, year: 2000 });
    expect(p('181130 22:14:34.828612')).toBe(Date.UTC(2018, 10, 30, 21, 14, 34) * 1000 + 828612);
    const z = compileTimeFormat('yyyy-MM-dd HH:mm:ss ZZ').parser({ zone: berlin, year: 2000 });
    expect(z('2024-07-01 10:00:00 -03:00')).toBe(Date.UTC(2024, 6, 1, 13) * 1000);
    expect(z('2024-07-01 10:00:00 Z')).toBe(Date.UTC(2024, 6, 1, 10) * 1000);
  });

  it('a space in the pattern matches padded spaces (syslog "Jun  4")', () => {
    const p = compileTimeFormat('MMM d HH:mm:ss').parser({ zone: utc, year: 2005 });
    expect(p('Jun  4 03:02:01')).toBe(Date.UTC(2005, 5, 4, 3, 2, 1) * 1000);
  });

  it('epoch formats, including nanoseconds past 2^53', () => {
    const at = (spec: string, text: string) => compileTimeFormat(spec).parser({ zone: utc, year: 2000 })(text);
    expect(at('epoch_s', '1117838570')).toBe(1117838570_000000);
    expect(at('epoch_s', '1117838570.25')).toBe(1117838570_250000);
    expect(at('epoch_ms', '1661145522908')).toBe(1661145522908_000);
    expect(at('epoch_us', '1661145522908318')).toBe(1661145522908318);
    expect(at('epoch_ns', '1456966522870845696')).toBe(1456966522870845);
    expect(at('epoch_s', '12ab')).toBeNull();
    expect(at('iso', '2024-05-06T07:08:09.123456+02:00')).toBe(Date.UTC(2024, 4, 6, 5, 8, 9) * 1000 + 123456);
  });

  it('refuses patterns it cannot read, saying why', () => {
    expect(() => compileTimeFormat('yyyy-MM-dd HH:mm:ss Q')).toThrow(TimeFormatError);
    expect(() => compileTimeFormat('yyyy-MM-dd HH:mm:ss Q')).toThrow(/unsupported token "Q"/);
    expect(() => compileTimeFormat('HH:mm:ss')).toThrow(/needs a month and a day/);
    expect(() => compileTimeFormat("yyyy-MM-dd'T")).toThrow(/unclosed quote/);
    expect(() => compileTimeFormat('yyyy-MM-dd HH:mm a')).toThrow(/h\/hh with a/);
  });
});
