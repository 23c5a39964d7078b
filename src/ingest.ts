/**
 * `orderline ingest`: files → detected format → decoder → canonical events in DuckDB.
 * Each source loads in its own transaction; a failing source is rolled back, named
 * with its line, and the others still load.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { Database } from './db/database.js';
import { firstLine } from './db/database.js';
import { detectFormat, findFormat, headSample, type Detection } from './decode/registry.js';
import type { DecodeContext, EventSink, Format, HeadSample } from './decode/types.js';
import type { EventRow } from './event.js';
import { expandPaths, type InputFile } from './input/expandPaths.js';
import { LineSplitter } from './input/lineSplitter.js';
import { openInput } from './input/openInput.js';
import { readHead, type Head } from './input/readHead.js';
import { SourceLoader } from './load/sourceLoader.js';
import { FieldMapper } from './normalize/fields.js';
import type { TimeZone } from './normalize/timestamp.js';

export interface IngestOptions {
  formats: readonly Format[];
  /** Force this format for every file. */
  format?: string;
  node?: string;
  zone: TimeZone;
  year?: number;
  maxLineBytes: number;
  /** Called with progress as bytes are read (stored bytes, for files of known size). */
  onProgress?: (p: { path: string; bytes: number; events: number }) => void;
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
  error?: string;
}

export interface IngestResult {
  sources: SourceResult[];
  events: number;
  rejected: number;
  failed: number;
}

const HEAD_BYTES = 64 * 1024;

export async function ingestPaths(db: Database, paths: readonly string[], opts: IngestOptions): Promise<IngestResult> {
  const files = await expandPaths(paths);
  const result: IngestResult = { sources: [], events: 0, rejected: 0, failed: 0 };
  for (const file of files) {
    const r = await ingestFile(db, file, opts);
    result.sources.push(r);
    if (r.error !== undefined) {
      result.failed++;
      opts.warn?.(r.error);
    } else if (r.skipped) {
      opts.warn?.(`${r.path}: already ingested (same sha256), nothing loaded`);
    } else {
      result.events += r.events;
      result.rejected += r.rejected;
    }
  }
  return result;
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
  let year = opts.year;
  if (year === undefined) {
    const info = file.stdin ? null : await stat(file.path).catch(() => null);
    year = (info ? info.mtime : new Date()).getUTCFullYear();
  }
  // A file can only repeat one already loaded if one of that size exists: only then hash first.
  if (!file.stdin && (await alreadyLoaded(db, file.path))) {
    res.skipped = 'duplicate';
    return res;
  }

  let loader: SourceLoader | null = null;
  let splitter: LineSplitter | null = null;
  try {
    const input = await openInput(file);
    loader = await SourceLoader.begin(db.conn, { memoryLimitBytes: opts.memoryLimitBytes });
    const l = loader;
    const nodes = new Set<string>();
    const sink: EventSink = {
      event(ev: EventRow) {
        if (nodes.size < 2 && ev.node !== null) nodes.add(ev.node);
        l.addEvent(ev);
      },
      reject(lineNo, reason, raw) {
        l.addReject(lineNo, reason, raw);
      },
      continuation() {
        res.continued++;
      },
    };
    const ctx: DecodeContext = {
      sink, fields: new FieldMapper(opts.zone), zone: opts.zone, defaultNode: defaultNode(file, opts), year,
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
    const sha256 = input.sha256();
    if (await shaKnown(db, sha256)) {
      await loader.rollback();
      res.skipped = 'duplicate';
      return res;
    }
    res.sourceId = await loader.commit({
      path: file.path, sha256, format: res.format, node: res.node, bytes: res.bytes, lines: res.lines,
      events: res.events, rejected: res.rejected, blank: res.blank, continued: res.continued, compressed: input.compressed,
    });
    return res;
  } catch (e) {
    await loader?.rollback();
    const where = splitter ? `line ${splitter.lines + 1}` : res.lines ? `record ${res.lines + 1}` : 'start';
    res.error = `${file.path}: ${where}: ${describe(e)}`;
    return res;
  }
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err?.message ?? '')) return 'truncated gzip data (unexpected end of file)';
  if (err?.code === 'Z_DATA_ERROR') return `corrupt gzip data (${err.message})`;
  if (err?.code === 'EACCES') return 'permission denied';
  if (err?.code === 'EISDIR') return 'is a directory';
  return firstLine(err?.message ?? String(e));
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
  const h = await readHead(input.chunks, HEAD_BYTES);
  return { ...detectFormat(headOf(h), formats), compressed: input.compressed };
}

async function shaKnown(db: Database, sha: string): Promise<boolean> {
  const r = await db.conn.runAndReadAll(`SELECT count(*) FROM sources WHERE sha256 = '${sha}'`);
  return Number(r.getRows()[0][0]) > 0;
}

/** Hashes the file first only when a source of the same size exists. */
async function alreadyLoaded(db: Database, path: string): Promise<boolean> {
  const info = await stat(path);
  const r = await db.conn.runAndReadAll(`SELECT count(*) FROM sources WHERE bytes = ${info.size}`);
  if (Number(r.getRows()[0][0]) === 0) return false;
  const { createHash } = await import('node:crypto');
  const { createReadStream } = await import('node:fs');
  const hash = createHash('sha256');
  for await (const b of createReadStream(path)) hash.update(b as Buffer);
  return shaKnown(db, hash.digest('hex'));
}
