/**
 * Runs the built CLI (dist/, built by `npm test`'s pretest step) as a user would,
 * and gives tests a fresh temporary folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'src', 'cli.js');
/** The shared real-log corpus, when this checkout sits beside it. */
export const CORPUS = resolve(ROOT, '..', 'shared', 'corpus');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function orderline(args: string[], opts: { input?: string | Buffer; cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input: opts.input,
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI with --json and parses stdout (fails the test with stderr if it is not JSON). */
export function orderlineJson<T = any>(args: string[], opts: Parameters<typeof orderline>[1] = {}): { status: number; doc: T; stderr: string } {
  const r = orderline([...args, '--json'], opts);
  try {
    return { status: r.status, doc: JSON.parse(r.stdout) as T, stderr: r.stderr };
  } catch {
    throw new Error(`not JSON on stdout (exit ${r.status}):\n${r.stdout}\n--- stderr:\n${r.stderr}`);
  }
}

export function tempDir(prefix = 'orderline-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs SQL through the CLI and returns the rows (`extra`: more options, such as --no-infer). */
export function sqlRows<T = Record<string, unknown>>(db: string, sql: string, extra: string[] = []): T[] {
  const r = orderline(['sql', sql, '--db', db, '--format', 'json', ...extra]);
  if (r.status !== 0) throw new Error(`sql failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T[];
}

/** Fresh numbered folders under one temporary folder, one per test, each with a database path. */
export function workspaces(root: string): () => { dir: string; db: string } {
  let n = 0;
  return () => {
    const dir = join(root, `t${++n}`);
    mkdirSync(dir, { recursive: true });
    return { dir, db: join(dir, 'test.duckdb') };
  };
}

/** Writes a file, making its folders; returns its path. */
export function write(path: string, content: string | Buffer): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}
