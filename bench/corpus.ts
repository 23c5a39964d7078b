/**
 * The benchmark corpus: the shared seeded generator's files (one event stream rendered as
 * NDJSON, logfmt and log4j text), generated once per size and reused while their sizes
 * are right. The generator stops each file at the first line that reaches BYTES, so a
 * complete file is at least BYTES and less than BYTES plus one line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Files the generator writes into its folder. */
export const CORPUS_FILES = ['logs.ndjson', 'logs.logfmt', 'logs.log4j.log'] as const;
/** Longer than any line the generator writes (its lines are under 400 bytes). */
const MAX_LINE_BYTES = 4096;

export class CorpusError extends Error {}

/** The folder name for a size: bench-100m, bench-1g, else bench-<bytes>b. */
export function corpusDirName(bytes: number): string {
  if (bytes === 1e8) return 'bench-100m';
  if (bytes === 1e9) return 'bench-1g';
  return `bench-${bytes}b`;
}

/** True when the file exists with the size a complete generator run leaves. */
export function hasRightSize(file: string, bytes: number): boolean {
  if (!existsSync(file)) return false;
  const size = statSync(file).size;
  return size >= bytes && size < bytes + MAX_LINE_BYTES;
}

/**
 * Makes sure DIR holds the corpus files of BYTES each, running the generator when one is
 * missing or has the wrong size. `say` reports what happens (stderr in the CLI). `keep`: only
 * these files are wanted (the generator writes all three; the others are removed at once, which
 * at 10 GB per file saves 20 GB of disk).
 */
export function ensureCorpus(dir: string, bytes: number, generator: string, say: (m: string) => void, keep: readonly string[] = CORPUS_FILES): void {
  if (keep.every((f) => hasRightSize(join(dir, f), bytes))) {
    say(`corpus: reusing ${dir} (${fmtMb(bytes)} MB per file)`);
    return;
  }
  if (!existsSync(generator)) {
    throw new CorpusError(`corpus generator not found at ${generator} (expected the shared bench/gen.js beside the repository; --generator PATH names another)`);
  }
  const slow = bytes >= 5e8 ? `; this takes about ${Math.max(1, Math.round(bytes / 1e9))} minute(s) here` : '';
  say(`corpus: generating ${keep.length} file${keep.length === 1 ? '' : 's'} of ${fmtMb(bytes)} MB into ${dir} with ${generator}${slow}`);
  const r = spawnSync(process.execPath, [generator, dir, String(bytes)], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) throw new CorpusError(`corpus generator failed (exit ${r.status ?? r.signal})`);
  for (const f of CORPUS_FILES) if (!keep.includes(f)) rmSync(join(dir, f), { force: true });
  for (const f of keep) {
    if (!hasRightSize(join(dir, f), bytes)) throw new CorpusError(`corpus generator left ${join(dir, f)} without the expected size (${bytes} bytes)`);
  }
}

export function fmtMb(bytes: number): string {
  return (bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 0);
}
