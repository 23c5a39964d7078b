/**
 * DuckDB's memory limit, as a user gives it (`--memory-limit 2GB`, `512MiB`, `25%` of RAM)
 * and as orderline sets it: ingest keeps a small buffer pool (row groups go to the file as
 * they fill); the analyses get a ceiling and a spill folder, so that a large archive makes
 * DuckDB write temporary files rather than grow without bound. When memory truly runs out,
 * the error says which limit was hit and how to raise it.
 */
import { totalmem } from 'node:os';
import { UsageError } from '../errors.js';

/** Ingest (see ingest.ts for why 64 MiB). */
export const INGEST_MEMORY_LIMIT = '64MiB';
/** The analyses and investigate's reports: DuckDB spills to temp files above it. */
export const ANALYSIS_MEMORY_LIMIT = '1GiB';
/** Overrides both defaults, as --memory-limit does for one command. */
export const MEMORY_LIMIT_ENV = 'ORDERLINE_MEMORY_LIMIT';

/** Size units, decimal and binary, lower case (the bench's --scale reads sizes with them too). */
export const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
};

/** Bytes of a size text: `2GB`, `1.5GiB`, `512 MB`, `300000000`, `25%` (of this machine's RAM). */
export function parseMemoryLimit(text: string, what = '--memory-limit'): number {
  const t = text.trim().toLowerCase();
  const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(t);
  let bytes: number | null = null;
  if (pct) {
    const p = Number(pct[1]);
    if (p > 0 && p <= 100) bytes = Math.floor((totalmem() * p) / 100);
  } else {
    const m = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?$/.exec(t);
    if (m) bytes = Math.floor(Number(m[1]) * SIZE_UNITS[m[2] ?? 'b']);
  }
  if (bytes === null || !Number.isFinite(bytes) || bytes < 16e6) {
    throw new UsageError(`${what} takes a size of at least 16MB, such as 512MB, 2GB, 1.5GiB or 25% (of RAM), not "${text}"`);
  }
  return bytes;
}

/** The limit to use: the option, else $ORDERLINE_MEMORY_LIMIT, else the default, in bytes. */
export function memoryLimitBytes(option: string | undefined, fallback: string): number {
  if (option !== undefined) return parseMemoryLimit(option);
  const env = process.env[MEMORY_LIMIT_ENV];
  if (env !== undefined && env.trim() !== '') return parseMemoryLimit(env, `$${MEMORY_LIMIT_ENV}`);
  return parseMemoryLimit(fallback);
}

/** `1.0 GiB`, `128 MiB`. */
export function formatMemory(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

const OOM = /out of memory/i;

export function isOutOfMemory(message: string): boolean {
  return OOM.test(message);
}

/**
 * A DuckDB out-of-memory message as one line with what to do about it; other messages unchanged.
 * DuckDB's own "Possible solutions" (SET threads, SET memory_limit, a link) are dropped: a CLI user
 * sets neither, and the error must stay one line.
 */
export function withMemoryHint(message: string): string {
  if (!isOutOfMemory(message) || message.includes('--memory-limit')) return message;
  const first = message.trim().split('\n', 1)[0].trim();
  return `${first} — DuckDB reached orderline's memory limit: raise it with --memory-limit ` +
    `(e.g. --memory-limit 4GB) or $${MEMORY_LIMIT_ENV}`;
}
