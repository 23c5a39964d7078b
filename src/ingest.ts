/**
 * `orderline ingest`: files → detected format → decoder → canonical events in DuckDB.
 * Each source loads in its own transaction; a failing source is rolled back, named
 * with its line, and the others still load.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Database } from './db/database.js';
import { openDatabase } from './db/database.js';
import { ANALYSIS_MEMORY_LIMIT, INGEST_MEMORY_LIMIT, memoryLimitBytes, parseMemoryLimit } from './db/memory.js';
import { runInference } from './infer/infer.js';
import { detectFormat, type Detection } from './decode/registry.js';
import type { Format } from './decode/types.js';
import { expandPaths, type InputFile } from './input/expandPaths.js';
import { inShard, type Shard } from './input/shard.js';
import { openInput } from './input/openInput.js';
import { readHead } from './input/readHead.js';
import { ChunkStager, type StagedChunk } from './load/chunkStager.js';
import { SourceLoader } from './load/sourceLoader.js';
import { withTightHeap } from './load/heapGrowth.js';
import { ParsePool, removeStage } from './parallel/parsePool.js';
import type { WorkerParseOptions } from './parallel/messages.js';
import { describe, HEAD_BYTES, headOf, parseSource, SourceError, type ParsedSource, type ParseOptions, type SourceCounts } from './parseSource.js';
import { REPLICA_DUMP_FORMAT } from './replicas/loadDumps.js';

export interface IngestOptions extends ParseOptions {
  /** `--shard K/N`: only the inputs of this share (input/shard.ts). */
  shard?: Shard;
  /**
   * `--jobs N`: threads to keep busy (see parseWorkers): from 3 on, N − 1 worker threads parse
   * files while this thread loads them in order (default 1: everything on this thread). Workers load
   * their formats themselves: the built-in ones and `formatsDir`'s, so `formats` must be what
   * loadFormats(formatsDir) gives.
   */
  jobs?: number;
  /** Where `formats` came from besides the built-in ones (loadFormats(formatsDir)), for parse workers. */
  formatsDir?: string;
  /** Called once the inputs are known: how many files, and their stored bytes (null when one is stdin). */
  onStart?: (p: { files: number; totalBytes: number | null }) => void;
  /** Called with progress as bytes are read (stored bytes, for files of known size). */
  onProgress?: (p: { path: string; bytes: number; events: number }) => void;
  /** Called after each file, loaded or not: its stored size (as stat saw it, else bytes read) and events loaded. */
  onFileDone?: (p: { path: string; size: number; events: number }) => void;
  /** Messages for the user (skips, failures): stderr in the CLI. */
  warn?: (message: string) => void;
  /** DuckDB's memory_limit, when the database was opened with one (see SourceLoader.makeRoom). */
  memoryLimitBytes?: number;
}

export interface SourceResult extends SourceCounts {
  path: string;
  sourceId: number | null;
  /** `duplicate` when a file with the same sha256 was already loaded. */
  skipped?: 'duplicate';
  /** With `skipped`: the `sources.source_id` of the file loaded before. */
  duplicateOf?: number;
  error?: string;
}

export interface IngestResult {
  sources: SourceResult[];
  events: number;
  rejected: number;
  failed: number;
}

/**
 * DuckDB's memory_limit while ingesting into a file database. Loaded row groups are
 * written to the file as they fill, so a small buffer pool only drops clean pages; without
 * a limit DuckDB keeps them all (up to 80% of RAM) and peak RSS grows with the input
 * (about 640 MB for 1 GB of NDJSON). 64 MiB, with DuckDB's allocator returning pages from a
 * background thread and a tight V8 heap (load/heapGrowth.ts), keeps peak RSS near 300 MB at
 * 1 GB (297 MB for NDJSON, 302 MB for five free-text files; 128 MiB gave 383 MB, 40 MiB 265 MB,
 * ingest as fast at each). An earlier 64 MiB, before chunks were streamed to their files and
 * long rows raised the limit, failed now and then with "failed to pin block"; 40 MiB now passes
 * the same inputs. Not for :memory:, where the buffer pool is the database.
 */
export const INGEST_MEMORY_LIMIT_BYTES = parseMemoryLimit(INGEST_MEMORY_LIMIT);

/**
 * Opens (or creates) the database as `orderline ingest` does, ingests, closes it:
 * one DuckDB thread (faster on 2 cores, where JavaScript parses on the other) and a small
 * buffer pool (`memoryLimit`, else $ORDERLINE_MEMORY_LIMIT, else 64 MiB; none for :memory:,
 * where the buffer pool is the database). `investigate` ingests through here too.
 */
export async function ingestIntoDatabase(
  dbPath: string, paths: readonly string[], opts: Omit<IngestOptions, 'memoryLimitBytes'>, memoryLimit?: string,
  how: { infer?: boolean } = {},
): Promise<IngestResult> {
  const wanted = memoryLimitBytes(memoryLimit, INGEST_MEMORY_LIMIT); // checked even where unused
  const limit = dbPath === ':memory:' ? undefined : wanted;
  const db = await openDatabase(dbPath, { mode: 'write', threads: 1, memoryLimitBytes: limit });
  let result: IngestResult;
  try {
    result = await withTightHeap(() => ingestPaths(db, paths, { ...opts, memoryLimitBytes: limit }));
  } finally {
    db.close();
  }
  // The inference stage is set work over every event of the database: it runs once the files are
  // in, with every core and the analyses' memory, and its results stay in the database.
  if (how.infer !== false && dbPath !== ':memory:' && result.sources.some((s) => s.sourceId !== null)) {
    const inf = await openDatabase(dbPath, { mode: 'write', memoryLimitBytes: memoryLimitBytes(memoryLimit, ANALYSIS_MEMORY_LIMIT) });
    try {
      await runInference(inf.conn, { store: true });
    } finally {
      inf.close();
    }
  }
  return result;
}

export async function ingestPaths(db: Database, paths: readonly string[], opts: IngestOptions): Promise<IngestResult> {
  // A path that names nothing fails like a file that cannot be read: the others still load.
  // the database being written (and its WAL) is no log, even where a folder walk reaches it
  const own = db.path === ':memory:' ? new Set<string>() : new Set([resolve(db.path), `${resolve(db.path)}.wal`]);
  const all = (await expandPaths(paths, { keepGoing: true })).filter((f) => f.stdin || !own.has(resolve(f.path)));
  const files = opts.shard ? all.filter((f) => inShard(f.path, f.stdin, opts.shard!)) : all;
  const result: IngestResult = { sources: [], events: 0, rejected: 0, failed: 0 };
  const sizes = opts.onStart || opts.onFileDone ? await fileSizes(files) : [];
  if (opts.onStart) {
    opts.onStart({ files: files.length, totalBytes: sizes.includes(null) ? null : sizes.reduce<number>((a, b) => a + (b ?? 0), 0) });
  }
  const workers = parseWorkers(opts.jobs ?? 1, files.filter(ParsePool.inWorker).length);
  const pool = workers > 0 ? new ParsePool(files, workerOptions(opts), workers) : null;
  try {
    for (const [i, file] of files.entries()) {
      pool?.startLoading(i);
      const r = pool && ParsePool.inWorker(file) ? await ingestParsed(db, file, opts, pool, i) : await ingestFile(db, file, opts);
      opts.onFileDone?.({ path: r.path, size: sizes[i] ?? r.bytes, events: r.skipped || r.error ? 0 : r.events });
      result.sources.push(r);
      if (r.error !== undefined) {
        result.failed++;
        opts.warn?.(r.error);
      } else if (r.skipped) {
        opts.warn?.(`${r.path}: already ingested (same sha256 as source ${r.duplicateOf}), nothing loaded`);
      } else {
        result.events += r.events;
        result.rejected += r.rejected;
      }
    }
  } finally {
    await pool?.close();
  }
  return result;
}

/**
 * Parse workers for `--jobs N`, N being the threads ingest keeps busy: DuckDB's loading is one of
 * them. Up to 2, this thread parses while DuckDB loads (no worker: measured fastest on 2 cores,
 * where a worker only adds a thread to share them with); from 3 on, N − 1 workers parse files
 * ahead — no more than there are files to parse, and at least two, or this thread does it.
 */
export function parseWorkers(jobs: number, files: number): number {
  const n = Math.min(jobs - 1, files);
  return jobs >= 3 && n >= 2 ? n : 0;
}

function workerOptions(opts: IngestOptions): WorkerParseOptions {
  return { formatsDir: opts.formatsDir, format: opts.format, node: opts.node, zone: opts.zone.name, year: opts.year, maxLineBytes: opts.maxLineBytes };
}

/** Stored size of each file (null for stdin or a file stat cannot see). */
async function fileSizes(files: readonly InputFile[]): Promise<(number | null)[]> {
  return Promise.all(files.map((f) => (f.stdin ? null : stat(f.path).then((s) => s.size, () => null))));
}

function emptyResult(file: InputFile): SourceResult {
  return { path: file.path, format: '', node: null, lines: 0, events: 0, rejected: 0, blank: 0, continued: 0, bytes: 0, sourceId: null };
}

/** Parses and loads one file on this thread: each chunk loads while the next is parsed. */
export async function ingestFile(db: Database, file: InputFile, opts: IngestOptions): Promise<SourceResult> {
  const res = emptyResult(file);
  if (file.error !== undefined) return { ...res, error: file.error };
  // A file can only repeat one already loaded if one of that size exists: only then hash first.
  const earlier = file.stdin ? null : await alreadyLoaded(db, file.path);
  if (earlier !== null) return duplicate(res, earlier);
  const stager = new ChunkStager();
  let loader: SourceLoader | null = null;
  let parsed: ParsedSource | null = null;
  try {
    loader = await SourceLoader.begin(db.conn, { memoryLimitBytes: opts.memoryLimitBytes });
    const l = loader;
    parsed = await parseSource(file, opts, stager, {
      chunk: (c) => l.push(c),
      progress: (bytes, events) => opts.onProgress?.({ path: file.path, bytes, events }),
    });
    return await commitSource(db, loader, file, parsed, stager.cut(), opts);
  } catch (e) {
    await loader?.rollback();
    return { ...(parsed ? resultOf(file, parsed) : { ...res, format: e instanceof SourceError ? e.format : '' }), error: failure(file, parsed, e) };
  } finally {
    stager.cleanup();
  }
}

/** Loads one file a parse worker is parsing (parallel/parsePool.ts), as ingestFile would have. */
async function ingestParsed(db: Database, file: InputFile, opts: IngestOptions, pool: ParsePool, i: number): Promise<SourceResult> {
  const res = emptyResult(file);
  let dir: string | null = null;
  // what the worker stages is drained whatever happens here, so that it can go on to the next file
  const drainRest = async () => {
    for (;;) {
      const m = await pool.receive(i);
      if (m.type === 'chunk') { pool.ack(i); continue; }
      if (m.type === 'done' || m.type === 'error') return m.dir;
    }
  };
  const earlier = await alreadyLoaded(db, file.path);
  if (earlier !== null) {
    removeStage(await drainRest());
    return duplicate(res, earlier);
  }
  let loader: SourceLoader | null = null;
  let parsed: ParsedSource | null = null;
  try {
    loader = await SourceLoader.begin(db.conn, { memoryLimitBytes: opts.memoryLimitBytes });
    for (;;) {
      const m = await pool.receive(i);
      if (m.type === 'chunk') {
        await loader.push(m.chunk);
        pool.ack(i);
      } else if (m.type === 'progress') {
        opts.onProgress?.({ path: file.path, bytes: m.bytes, events: m.events });
      } else if (m.type === 'error') {
        dir = m.dir;
        await loader.rollback();
        return { ...res, format: m.format, error: m.message };
      } else {
        dir = m.dir;
        parsed = m.parsed;
        opts.onProgress?.({ path: file.path, bytes: parsed.bytes, events: parsed.events });
        return await commitSource(db, loader, file, parsed, m.last, opts);
      }
    }
  } catch (e) {
    await loader?.rollback();
    if (dir === null) dir = await drainRest();
    return { ...(parsed ? resultOf(file, parsed) : res), error: failure(file, parsed, e) };
  } finally {
    removeStage(dir);
  }
}

function resultOf(file: InputFile, p: ParsedSource): SourceResult {
  const { format, node, lines, events, rejected, blank, continued, bytes } = p;
  return { path: file.path, format, node, lines, events, rejected, blank, continued, bytes, sourceId: null };
}

/** The error of a source: where parsing stopped (parseSource), or the end it reached when loading failed. */
function failure(file: InputFile, parsed: ParsedSource | null, e: unknown): string {
  if (e instanceof SourceError) return e.message;
  return `${file.path}: ${parsed ? parsed.end : 'start'}: ${describe(e)}`;
}

/** Once a source is parsed: its last chunk loads and its `sources` row commits, unless it repeats a source loaded before. */
async function commitSource(
  db: Database, loader: SourceLoader, file: InputFile, parsed: ParsedSource, last: StagedChunk | null, opts: IngestOptions,
): Promise<SourceResult> {
  const res = resultOf(file, parsed);
  // A chunk that failed to load must be reported as itself, not as the aborted transaction it left.
  await loader.settle();
  const same = await sourceWithSha(db, parsed.sha256, { forget: true, warn: opts.warn });
  if (same !== null) {
    await loader.rollback(); // the last chunk's files go with its stage folder
    return duplicate({ ...res, lines: 0, events: 0, rejected: 0, blank: 0, continued: 0 }, same);
  }
  res.sourceId = await loader.commit({
    path: file.path, sha256: parsed.sha256, format: res.format, node: res.node, bytes: res.bytes, lines: res.lines,
    events: res.events, rejected: res.rejected, blank: res.blank, continued: res.continued, compressed: parsed.compressed,
  }, last);
  return res;
}

/** Detects the format of one file (for `orderline detect`). */
export async function detectFile(file: InputFile, formats: readonly Format[]): Promise<Detection & { compressed: boolean }> {
  const input = await openInput(file);
  try {
    const h = await readHead(input.chunks, HEAD_BYTES);
    return { ...detectFormat(headOf(h), formats), compressed: input.compressed };
  } finally {
    input.close();
  }
}

interface EarlierSource {
  sourceId: number;
  format: string;
  node: string | null;
}

function duplicate(res: SourceResult, earlier: EarlierSource): SourceResult {
  return { ...res, format: earlier.format, node: earlier.node, skipped: 'duplicate', duplicateOf: earlier.sourceId };
}

/**
 * The source already loaded with this sha256, if any. A `sources` row whose events are no
 * longer all in `events` (a table dropped or rows deleted by hand) does not count: the file is
 * loaded again, and with `forget` that stale row (and what is left of its rows) is removed.
 */
async function sourceWithSha(db: Database, sha: string, opts: { forget?: boolean; warn?: (m: string) => void } = {}): Promise<EarlierSource | null> {
  const r = await db.conn.runAndReadAll(`SELECT s.source_id, s.format, s.node, s.path, s.events,
      (SELECT count(*) FROM events e WHERE e.source_id = s.source_id) AS present
    FROM sources s WHERE s.sha256 = '${sha}' AND s.format <> '${REPLICA_DUMP_FORMAT}' ORDER BY s.source_id`);
  for (const row of r.getRows()) {
    const id = Number(row[0]);
    if (Number(row[5]) >= Number(row[4])) return { sourceId: id, format: String(row[1] ?? ''), node: row[2] === null ? null : String(row[2]) };
    if (opts.forget) {
      opts.warn?.(`${String(row[3])}: source ${id} was loaded before, but ${Number(row[4]) - Number(row[5])} of its ${Number(row[4])} events are gone from events: loading it again`);
      for (const t of ['events', 'rejects', 'sources']) await db.conn.run(`DELETE FROM ${t} WHERE source_id = ${id}`);
    }
  }
  return null;
}

/** The source this file repeats; hashes the file first only when a source of the same size exists. */
async function alreadyLoaded(db: Database, path: string): Promise<EarlierSource | null> {
  const info = await stat(path);
  const r = await db.conn.runAndReadAll(`SELECT count(*) FROM sources WHERE bytes = ${info.size}`);
  if (Number(r.getRows()[0][0]) === 0) return null;
  const { createHash } = await import('node:crypto');
  const { createReadStream } = await import('node:fs');
  const hash = createHash('sha256');
  for await (const b of createReadStream(path)) hash.update(b as Buffer);
  return sourceWithSha(db, hash.digest('hex'));
}
