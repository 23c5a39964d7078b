/**
 * `orderline ingest`: files → detected format → decoder → canonical events in DuckDB.
 * Each source loads in its own transaction; a failing source is rolled back, named
 * with its line, and the others still load.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { Database } from './db/database.js';
import { firstLine, openDatabase } from './db/database.js';
import { ANALYSIS_MEMORY_LIMIT, INGEST_MEMORY_LIMIT, memoryLimitBytes, parseMemoryLimit, withMemoryHint } from './db/memory.js';
import { runInference } from './infer/infer.js';
import { detectFormat, findFormat, headSample, type Detection } from './decode/registry.js';
import type { DecodeContext, EventSink, Format, HeadSample } from './decode/types.js';
import type { EventRow } from './event.js';
import { expandPaths, type InputFile } from './input/expandPaths.js';
import { inShard, type Shard } from './input/shard.js';
import { LineSplitter } from './input/lineSplitter.js';
import { openInput, type OpenedInput } from './input/openInput.js';
import { readHead, type Head } from './input/readHead.js';
import { SourceLoader } from './load/sourceLoader.js';
import { REPLICA_DUMP_FORMAT } from './replicas/loadDumps.js';
import { FieldMapper } from './normalize/fields.js';
import type { TimeZone } from './normalize/timestamp.js';

export interface IngestOptions {
  formats: readonly Format[];
  /** `--shard K/N`: only the inputs of this share (input/shard.ts). */
  shard?: Shard;
  /** Force this format for every file. */
  format?: string;
  node?: string;
  zone: TimeZone;
  year?: number;
  maxLineBytes: number;
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

export interface SourceResult {
  path: string;
  format: string;
  node: string | null;
  lines: number;
  events: number;
  rejected: number;
  blank: number;
  continued: number;
  bytes: number;
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
 * (about 640 MB for 1 GB of NDJSON). At 128 MiB peak RSS stays flat (about 405 MB at 1 GB,
 * node included) and ingest is no slower; 64 MiB gave about 355 MB but failed now and then
 * with "Out of Memory: failed to pin block" on 1 GB inputs (the open transaction's blocks stay
 * pinned); at 32 MiB the open row group spills to a temp file and ingest gets slower.
 * Not for :memory:, where the buffer pool is the database.
 */
export const INGEST_MEMORY_LIMIT_BYTES = parseMemoryLimit(INGEST_MEMORY_LIMIT);

/**
 * Opens (or creates) the database as `orderline ingest` does, ingests, closes it:
 * one DuckDB thread (faster on 2 cores, where JavaScript parses on the other) and a small
 * buffer pool (`memoryLimit`, else $ORDERLINE_MEMORY_LIMIT, else 128 MiB; none for :memory:,
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
    result = await ingestPaths(db, paths, { ...opts, memoryLimitBytes: limit });
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

const HEAD_BYTES = 64 * 1024;

export async function ingestPaths(db: Database, paths: readonly string[], opts: IngestOptions): Promise<IngestResult> {
  // A path that names nothing fails like a file that cannot be read: the others still load.
  const all = await expandPaths(paths, { keepGoing: true });
  const files = opts.shard ? all.filter((f) => inShard(f.path, f.stdin, opts.shard!)) : all;
  const result: IngestResult = { sources: [], events: 0, rejected: 0, failed: 0 };
  const sizes = opts.onStart || opts.onFileDone ? await fileSizes(files) : [];
  if (opts.onStart) {
    opts.onStart({ files: files.length, totalBytes: sizes.includes(null) ? null : sizes.reduce<number>((a, b) => a + (b ?? 0), 0) });
  }
  for (const [i, file] of files.entries()) {
    const r = await ingestFile(db, file, opts);
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
  return result;
}

/** Stored size of each file (null for stdin or a file stat cannot see). */
async function fileSizes(files: readonly InputFile[]): Promise<(number | null)[]> {
  return Promise.all(files.map((f) => (f.stdin ? null : stat(f.path).then((s) => s.size, () => null))));
}

/** The node for lines that name none: `--node`, else the file's parent directory. */
function defaultNode(file: InputFile, opts: IngestOptions): string {
  if (opts.node) return opts.node;
  if (file.stdin) return 'stdin';
  return basename(dirname(resolve(file.path))) || 'unknown';
}

export async function ingestFile(db: Database, file: InputFile, opts: IngestOptions): Promise<SourceResult> {
  const res: SourceResult = {
    path: file.path, format: '', node: null, lines: 0, events: 0, rejected: 0, blank: 0, continued: 0, bytes: 0, sourceId: null,
  };
  if (file.error !== undefined) {
    res.error = file.error;
    return res;
  }
  let year = opts.year;
  let fileTimeMs: number | undefined;
  if (year === undefined) {
    const info = file.stdin ? null : await stat(file.path).catch(() => null);
    year = (info ? info.mtime : new Date()).getUTCFullYear();
    fileTimeMs = info ? info.mtimeMs : undefined;
  }
  // A file can only repeat one already loaded if one of that size exists: only then hash first.
  const earlier = file.stdin ? null : await alreadyLoaded(db, file.path);
  if (earlier !== null) return duplicate(res, earlier);

  let loader: SourceLoader | null = null;
  let splitter: LineSplitter | null = null;
  let input: OpenedInput | null = null;
  let records = 0; // events and rejects handed to the sink: where a JSON document broke
  try {
    input = await openInput(file);
    loader = await SourceLoader.begin(db.conn, { memoryLimitBytes: opts.memoryLimitBytes });
    const l = loader;
    const nodes = new Set<string>();
    const sink: EventSink = {
      event(ev: EventRow) {
        records++;
        if (nodes.size < 2 && ev.node !== null) nodes.add(ev.node);
        l.addEvent(ev);
      },
      reject(lineNo, reason, raw) {
        records++;
        l.addReject(lineNo, reason, raw);
      },
      continuation() {
        res.continued++;
      },
    };
    const ctx: DecodeContext = {
      sink, fields: new FieldMapper(opts.zone), zone: opts.zone, defaultNode: defaultNode(file, opts), year, fileTimeMs,
      drain: () => (l.full ? l.flush() : null),
    };

    // Read the head for detection, then feed head and rest to the decoder.
    const h = await readHead(input.chunks, HEAD_BYTES);
    const head = headOf(h);
    const format = pickFormat(head, opts);
    res.format = format.name;

    if (format.decodeDocument) {
      const stats = await format.decodeDocument(Readable.from(h.all, { objectMode: false }), ctx, head);
      res.lines = stats.records;
      if (loader.full) await loader.flush();
    } else {
      const decoder = format.lineDecoder!(ctx);
      const sp = (splitter = new LineSplitter({ line: (t, n) => decoder.line(t, n), reject: sink.reject }, opts.maxLineBytes));
      for await (const chunk of h.all) {
        sp.push(chunk);
        if (loader.full) await loader.flush();
        opts.onProgress?.({ path: file.path, bytes: input.storedBytes, events: loader.eventCount });
      }
      sp.end();
      decoder.end();
      res.lines = sp.lines;
      res.blank = sp.blank;
    }
    res.events = loader.eventCount;
    res.rejected = loader.rejectCount;
    res.bytes = input.storedBytes;
    res.node = nodes.size === 1 ? [...nodes][0] : nodes.size === 0 ? ctx.defaultNode : null;
    // A chunk that failed to load must be reported as itself, not as the aborted transaction it left.
    await loader.settle();
    const sha256 = input.sha256();
    const same = await sourceWithSha(db, sha256, { forget: true, warn: opts.warn });
    if (same !== null) {
      await loader.rollback();
      return duplicate({ ...res, lines: 0, events: 0, rejected: 0, blank: 0, continued: 0 }, same);
    }
    res.sourceId = await loader.commit({
      path: file.path, sha256, format: res.format, node: res.node, bytes: res.bytes, lines: res.lines,
      events: res.events, rejected: res.rejected, blank: res.blank, continued: res.continued, compressed: input.compressed,
    });
    return res;
  } catch (e) {
    await loader?.rollback();
    const where = splitter ? `line ${splitter.lines + 1}` : res.format ? `record ${records + 1}` : 'start';
    res.error = `${file.path}: ${where}: ${describe(e)}`;
    return res;
  } finally {
    input?.close();
  }
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err?.message ?? '')) return 'truncated gzip data (unexpected end of file)';
  if (err?.code === 'Z_DATA_ERROR') return `corrupt gzip data (${err.message})`;
  if (err?.code === 'EACCES') return 'permission denied';
  if (err?.code === 'EISDIR') return 'is a directory';
  return withMemoryHint(firstLine(err?.message ?? String(e)));
}

function pickFormat(head: HeadSample, opts: IngestOptions): Format {
  if (opts.format) {
    const f = findFormat(opts.format, opts.formats);
    if (!f) throw new Error(`unknown format ${opts.format}`);
    return f;
  }
  return detectFormat(head, opts.formats).format;
}

/** The detection sample of a head: its text up to HEAD_BYTES. */
export function headOf(h: Head): HeadSample {
  const text = h.bytes.toString('utf8', 0, Math.min(h.bytes.length, HEAD_BYTES));
  return headSample(text, h.ended && h.bytes.length <= HEAD_BYTES);
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
