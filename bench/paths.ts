/** Where the benchmark finds the built CLI, its own compiled helpers, the generator and its output. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/bench: this file's compiled folder. */
export const BENCH_DIST = dirname(fileURLToPath(import.meta.url));
/** The repository root (dist/bench → ../..). */
export const REPO = resolve(BENCH_DIST, '..', '..');
/** The built CLI, as `npm run bench` leaves it. */
export const CLI = join(REPO, 'dist', 'src', 'cli.js');
/** The DuckDB read_json baseline child. */
export const DUCKDB_BASELINE = join(BENCH_DIST, 'duckdbReadJson.js');
/** The shared seeded corpus generator, beside the repository. */
export const DEFAULT_GENERATOR = resolve(REPO, '..', 'shared', 'bench', 'gen.js');
/** Corpus, scratch databases and results.json. */
export const DEFAULT_OUT = join(REPO, 'bench', 'out');
