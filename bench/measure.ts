/**
 * Runs one measured child process: wall time from spawn to exit, and its peak RSS as
 * written by the preloaded peakRss hook. Every measured tool (orderline, the DuckDB
 * baseline, follow-up commands) goes through here, so all pay and report the same.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIST } from './paths.js';

export interface ChildRun {
  /** Wall seconds from spawn to exit. */
  seconds: number;
  /** Peak resident set size in bytes, null when the child died before writing it. */
  peakRssBytes: number | null;
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const HOOK = pathToFileURL(join(BENCH_DIST, 'peakRss.js')).href;
let runNo = 0;

/**
 * The Node options a script's shebang line asks for (`#!/usr/bin/env -S node --flag`), so a
 * measured run starts Node the way `npx orderline` does.
 */
export function shebangOptions(script: string): string[] {
  const first = readFileSync(script, 'utf8').split('\n', 1)[0];
  const m = /^#!\S*env(?:\s+-S)?\s+node((?:\s+--\S+)*)\s*$/.exec(first);
  return m ? m[1].trim().split(/\s+/).filter((x) => x !== '') : [];
}

/**
 * Runs `node [shebang options] --import peakRss.js SCRIPT ARGS…`. stdout is kept only when
 * `keepStdout` (follow-up commands may print a lot; they write to /dev/null instead).
 */
export function measureNode(script: string, args: readonly string[], opts: { scratch: string; keepStdout?: boolean }): Promise<ChildRun> {
  const rssFile = join(opts.scratch, `rss-${process.pid}-${runNo++}`);
  rmSync(rssFile, { force: true });
  return new Promise((resolvePromise, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [...shebangOptions(script), '--import', HOOK, script, ...args], {
      env: { ...process.env, ORDERLINE_BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', opts.keepStdout ? 'pipe' : 'ignore', 'pipe'],
    });
    let seconds = 0;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('exit', () => {
      seconds = (performance.now() - start) / 1000;
    });
    child.on('close', (status, signal) => {
      let peakRssBytes: number | null = null;
      try {
        peakRssBytes = Number(readFileSync(rssFile, 'utf8'));
        rmSync(rssFile, { force: true });
      } catch {
        peakRssBytes = null;
      }
      resolvePromise({
        seconds, peakRssBytes, status, signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** The first line of a child's stderr, for one-line failure messages. */
export function firstLineOf(text: string): string {
  const t = text.trim();
  const i = t.indexOf('\n');
  return i < 0 ? t : t.slice(0, i);
}
