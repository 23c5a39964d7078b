/**
 * Time rules end to end: year-less syslog takes --year, else the file's modification
 * year (never after the file was written), rolling over at New Year; --tz reads
 * zone-less timestamps; a definition's own timestamp.zone wins over --tz; offsets in the
 * text win over both.
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { orderlineJson, sqlRows, tempDir } from './helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

let n = 0;
function ingestTs(name: string, text: string, args: string[], mtime?: Date): string[] {
  const dir = join(tmp.dir, `c${++n}`);
  mkdirSync(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  if (mtime) utimesSync(path, mtime, mtime);
  const db = join(dir, 'x.duckdb');
  const r = orderlineJson(['ingest', path, '--db', db, ...args]);
  expect(r.status, r.stderr).toBe(0);
  return sqlRows<{ ts: string }>(db, 'SELECT ts FROM events ORDER BY line').map((e) => e.ts);
}

const SYSLOG = 'Dec 31 23:59:58 gw sshd[1]: a\nJan  1 00:00:03 gw sshd[1]: b\nJan  1 00:00:04 gw sshd[1]: c\n';

describe('timestamps without a year', () => {
  it('--year is the year of the first line; December → January rolls over', () => {
    expect(ingestTs('a.log', SYSLOG, ['--year', '2024'])).toEqual([
      '2024-12-31T23:59:58.000Z', '2025-01-01T00:00:03.000Z', '2025-01-01T00:00:04.000Z',
    ]);
  });

  it('without --year, the modification year, stepping back when the first line would be after the file was written', () => {
    expect(ingestTs('b.log', SYSLOG, [], new Date(Date.UTC(2025, 0, 1, 8)))).toEqual([
      '2024-12-31T23:59:58.000Z', '2025-01-01T00:00:03.000Z', '2025-01-01T00:00:04.000Z',
    ]);
    expect(ingestTs('c.log', 'Mar  3 10:00:00 gw app: x\n', [], new Date(Date.UTC(2023, 5, 1)))).toEqual(['2023-03-03T10:00:00.000Z']);
  });
});

describe('zones', () => {
  it('--tz reads zone-less timestamps of a definition (summer and winter offsets)', () => {
    const text = '2025-07-01 12:00:00,000 INFO  [main] summer\n2025-01-15 12:00:00,000 INFO  [main] winter\n';
    expect(ingestTs('d.log', text, ['--tz', 'Europe/Berlin'])).toEqual(['2025-07-01T10:00:00.000Z', '2025-01-15T11:00:00.000Z']);
  });

  it('timestamp.zone of a definition wins over --tz; an offset in the text wins over both', () => {
    const dir = join(tmp.dir, 'zdefs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'tokyo.json'), JSON.stringify({
      name: 'tokyo-app',
      line: '^(?<ts>\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d) (?<message>[a-z].*)$',
      timestamp: { format: 'yyyy/MM/dd HH:mm', zone: 'Asia/Tokyo' },
    }));
    writeFileSync(join(dir, 'tokyo-offset.json'), JSON.stringify({
      name: 'tokyo-offset',
      line: '^(?<ts>\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d [+-]\\d{4}) (?<message>.*)$',
      timestamp: { format: 'yyyy/MM/dd HH:mm ZZZ', zone: 'Asia/Tokyo' },
    }));
    expect(ingestTs('e.log', '2025/03/01 09:00 opened\n', ['--tz', 'America/New_York', '--formats-dir', dir])).toEqual(['2025-03-01T00:00:00.000Z']);
    expect(ingestTs('f.log', '2025/03/01 09:00 +0100 opened\n', ['--tz', 'America/New_York', '--formats-dir', dir])).toEqual(['2025-03-01T08:00:00.000Z']);
  });

  it('two-digit years (Spark yy/MM/dd, HDFS yyMMdd)', () => {
    expect(ingestTs('g.log', '17/06/09 20:10:40 INFO spark.SecurityManager: x\n', [])).toEqual(['2017-06-09T20:10:40.000Z']);
    expect(ingestTs('h.log', '081109 203615 148 INFO dfs.DataNode: x\n', [])).toEqual(['2008-11-09T20:36:15.000Z']);
  });
});

describe('impossible clock times', () => {
  it('24:00:00 is the end of the day; 24:30 and 25:00 are no time at all', async () => {
    const { parseTimestampText, TimeZone } = await import('../src/normalize/timestamp.js');
    const utc = TimeZone.utc();
    expect(parseTimestampText('2026-11-27T24:00:00Z', utc)).toBe(Date.UTC(2026, 10, 28) * 1000);
    expect(parseTimestampText('2026-11-27T24:30:00Z', utc)).toBeNull();
    expect(parseTimestampText('2026-11-27 25:00:00', utc)).toBeNull();
  });
});
