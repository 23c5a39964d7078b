import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatBytes, formatEta, ProgressBar, renderProgress } from '../src/output/progress.js';
import { CLI, orderline, tempDir } from './helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('progress text', () => {
  it('shows the bar, share, bytes of total, bytes/s, events/s, files done and ETA', () => {
    const text = renderProgress({ bytes: 250e6, totalBytes: 1e9, events: 1_000_000, filesDone: 1, filesTotal: 3, elapsedMs: 5000 });
    expect(text).toBe('ingest █████░░░░░░░░░░░░░░░ 25%  250 MB / 1.0 GB  50.0 MB/s  200k events/s  files 1/3  ETA 0:15');
  });

  it('says … for rates and ETA in the first moments', () => {
    expect(renderProgress({ bytes: 0, totalBytes: 2048, events: 0, filesDone: 0, filesTotal: 2, elapsedMs: 10 }))
      .toBe('ingest ░░░░░░░░░░░░░░░░░░░░ 0%  0 B / 2.0 kB  …/s  … events/s  files 0/2  ETA …');
  });

  it('without a known total (stdin): no bar, no share, no ETA', () => {
    expect(renderProgress({ bytes: 12_345_678, totalBytes: null, events: 40_000, filesDone: 0, filesTotal: 1, elapsedMs: 2000 }))
      .toBe('ingest 12.3 MB  6.2 MB/s  20.0k events/s  files 0/1');
  });

  it('drops the bar first when the terminal is narrow, then cuts', () => {
    const p = { bytes: 5e8, totalBytes: 1e9, events: 3_600_000, filesDone: 2, filesTotal: 4, elapsedMs: 60_000 };
    expect(renderProgress(p, 80)).toBe('ingest 50%  500 MB / 1.0 GB  8.3 MB/s  60.0k events/s  files 2/4  ETA 1:00');
    expect(renderProgress(p, 30)).toHaveLength(30);
  });

  it('formats sizes and times', () => {
    expect([formatBytes(999), formatBytes(1000), formatBytes(123_456_789), formatBytes(1.5e12)]).toEqual(['999 B', '1.0 kB', '123 MB', '1.5 TB']);
    expect([formatEta(7), formatEta(754), formatEta(3723)]).toEqual(['0:07', '12:34', '1:02:03']);
  });
});

describe('ProgressBar', () => {
  function fake() {
    let t = 0;
    const writes: string[] = [];
    const bar = new ProgressBar({ write: (s: string) => writes.push(s), columns: 120 }, () => t);
    return { bar, writes, tick: (ms: number) => { t += ms; } };
  }

  it('redraws at most 10 times a second however often it is told', () => {
    const { bar, writes, tick } = fake();
    bar.start(1, 1000 * 1000);
    for (let i = 1; i <= 1000; i++) {
      tick(1);
      bar.update(i * 1000, i * 4);
    }
    // 1 s of updates every millisecond: the start, then one draw per 100 ms.
    expect(writes).toHaveLength(11);
    expect(writes.every((w) => w.startsWith('\r') && w.endsWith('\x1b[K'))).toBe(true);
    expect(writes.at(-1)).toContain('files 0/1');
  });

  it('adds finished files to the totals and clears its line at the end', () => {
    const { bar, writes, tick } = fake();
    bar.start(2, 3000);
    tick(1000);
    bar.fileDone(1000, 10);
    tick(1000);
    bar.update(2000, 20);
    expect(writes.at(-1)).toContain('100%  3.0 kB / 3.0 kB');
    expect(writes.at(-1)).toContain('files 1/2');
    expect(writes.at(-1)).toContain('1.5 kB/s  15 events/s');
    bar.clear();
    expect(writes.at(-1)).toBe('\r\x1b[K');
    const n = writes.length;
    bar.clear();
    expect(writes).toHaveLength(n);
  });
});

describe('progress on the command line', () => {
  const dir = join(tmp.dir, 'node-a');
  mkdirSync(dir);
  const file = join(dir, 'app.jsonl');
  writeFileSync(file, Array.from({ length: 2000 }, (_, i) => JSON.stringify({ ts: 1764253800 + i, msg: `event ${i}`, key: `k${i % 7}` })).join('\n'));

  it('stays silent when stderr is not a terminal', () => {
    const r = orderline(['ingest', file, '--db', join(tmp.dir, 'silent.duckdb')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
  it.skipIf(script.status !== 0)('draws on a terminal (under script(1)) and clears its line; silent there with --json', () => {
    const run = (extra: string) => spawnSync('script', ['-qec', `${process.execPath} ${CLI} ingest ${file} --db ${join(tmp.dir, `tty${extra ? 'j' : ''}.duckdb`)} ${extra}`, '/dev/null'],
      { encoding: 'utf8', env: { ...process.env, COLUMNS: '120' } });
    const tty = run('');
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(/\ringest .*files 0\/1/);
    expect(tty.stdout).toContain('\r\x1b[K');
    const json = run('--json');
    expect(json.status).toBe(0);
    expect(json.stdout).not.toContain('ingest ');
    expect(json.stdout).not.toContain('\x1b[K');
  });
});
