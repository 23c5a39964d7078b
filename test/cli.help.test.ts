/**
 * Help that teaches: every example in every `--help` runs as printed (from a copy of the
 * clone's samples, in the order a newcomer would run them), an unknown command is an error
 * however it is asked for, and values no log can mean are refused.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, orderline, ROOT, tempDir } from './helpers/cli.js';

const tmp = tempDir('orderline-help-');
afterAll(() => tmp.cleanup());

/** The commands in the order their examples build on each other (ingest and replicas first). */
const ORDER = ['ingest', 'infer', 'replicas', 'sql', 'formats', 'detect', 'query', 'diverge', 'anomalies', 'propagation', 'affected', 'timeline', 'skew', 'export', 'investigate'];

function commands(): string[] {
  const help = orderline(['--help']).stdout;
  const block = help.slice(help.indexOf('Commands:'), help.indexOf('Start here:'));
  return [...block.matchAll(/^ {2}(\w+)\b/gm)].map((m) => m[1]).filter((c) => c !== 'help');
}

/** The example lines of a help text: indented lines under "Examples" / "Start here" that run orderline. */
function examples(help: string): string[] {
  const at = help.search(/^(Examples[^\n]*|Start here):$/m);
  if (at < 0) return [];
  return help.slice(at).split('\n').slice(1).filter((l) => /^ {2}\S/.test(l) && /\borderline\b/.test(l)).map((l) => l.trim());
}

describe('--help', () => {
  const all = commands();

  it('lists every command, and every command has examples', () => {
    expect([...all].sort()).toEqual([...ORDER].sort());
    for (const c of all) expect(examples(orderline([c, '--help']).stdout), c).not.toEqual([]);
  });

  it('every example of every command runs as printed (exit 0), from the clone\'s sample files', () => {
    const work = join(tmp.dir, 'clone');
    for (const s of ['incident', 'structured']) cpSync(join(ROOT, 'samples', s), join(work, 'samples', s), { recursive: true });
    cpSync(join(ROOT, 'parsers'), join(work, 'parsers'), { recursive: true });
    const bin = join(tmp.dir, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'orderline'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(join(bin, 'orderline'), 0o755);
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const ran: string[] = [];
    for (const c of [...ORDER, '']) {
      const help = c ? orderline([c, '--help']).stdout : orderline(['--help']).stdout;
      for (const example of examples(help)) {
        const r = spawnSync('bash', ['-c', example], { cwd: work, env, encoding: 'utf8' });
        expect(r.status, `${example}\n${r.stderr}`).toBe(0);
        expect(r.stderr, example).not.toMatch(/^orderline: (?!.*already ingested)/m);
        ran.push(example);
      }
    }
    expect(ran.length).toBeGreaterThanOrEqual(30);
    expect(existsSync(join(work, 'incident.duckdb'))).toBe(true);
    expect(existsSync(join(work, 'orderline-report', 'report.html'))).toBe(true);
  }, 240_000);
});

describe('unknown commands are errors everywhere', () => {
  it.each([
    [['nosuch']], [['nosuch', '--help']], [['help', 'nosuch']], [['--debug', 'nosuch']], [['inestigate', 'logs']],
  ])('orderline %j: one line, exit 2, no help on stdout', (args) => {
    const r = orderline(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^orderline: unknown command '\w+'.*orderline --help lists the commands\n$/);
  });

  it('suggests the command meant', () => {
    expect(orderline(['inestigate']).stderr).toContain('did you mean investigate?');
  });

  it('help COMMAND still prints that command\'s help', () => {
    const r = orderline(['help', 'diverge']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: orderline diverge');
  });
});

describe('values no log can mean are refused (exit 2, one line)', () => {
  it.each([
    [['--tz', '+25:00'], /--tz: "\+25:00" is no time zone/],
    [['--tz', '-18:30'], /--tz: "-18:30" is no time zone/],
    [['--tz', '+05:75'], /--tz: "\+05:75" is no time zone/],
    [['--tz', 'Mars/Olympus'], /--tz: "Mars\/Olympus" is no time zone/],
    [['--year', '99999'], /--year takes a year from 1970 to 2199, not "99999"/],
    [['--year', '0'], /--year takes a year/],
    [['--memory-limit', 'lots'], /--memory-limit takes a size/],
  ])('ingest %j', (args, message) => {
    for (const cmd of ['ingest', 'investigate']) {
      if (cmd === 'investigate' && args[0] === '--memory-limit') continue;
      const r = orderline([cmd, join(ROOT, 'samples', 'incident', 'logs'), ...args, ...(cmd === 'ingest' ? ['--db', ':memory:'] : ['--out', join(tmp.dir, 'never')])]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    expect(existsSync(join(tmp.dir, 'never'))).toBe(false);
  });

  it('offsets up to ±18:00 are taken', () => {
    expect(orderline(['ingest', join(ROOT, 'samples', 'incident', 'logs'), '--tz', '-18:00', '--db', ':memory:']).status).toBe(0);
  });
});
