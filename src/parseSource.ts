/**
 * One source from bytes to staged rows: read (input/) → detect and decode (decode/) → normalize
 * (normalize/) → CSV chunk files (load/chunkStager.ts). No database: the same code runs on the
 * main thread (`--jobs 1`) and in a parse worker (parallel/), and hands each chunk to `chunk()` as it
 * fills (awaited: the caller loads it, or waits until it may stage more).
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { firstLine } from './db/database.js';
import { withMemoryHint } from './db/memory.js';
import { detectFormat, findFormat, headSample } from './decode/registry.js';
import type { DecodeContext, EventSink, Format, HeadSample } from './decode/types.js';
import type { EventRow } from './event.js';
import type { InputFile } from './input/expandPaths.js';
import { LineSplitter } from './input/lineSplitter.js';
import { openInput, type OpenedInput } from './input/openInput.js';
import { readHead, type Head } from './input/readHead.js';
import type { ChunkStager, StagedChunk } from './load/chunkStager.js';
import { FieldMapper } from './normalize/fields.js';
import type { TimeZone } from './normalize/timestamp.js';

export const HEAD_BYTES = 64 * 1024;

export interface ParseOptions {
  formats: readonly Format[];
  /** Force this format for every file. */
  format?: string;
  node?: string;
  zone: TimeZone;
  year?: number;
  maxLineBytes: number;
}

/** A source's format, node and accounting (lines = events + continued + rejected + blank), and its stored bytes. */
export interface SourceCounts {
  format: string;
  node: string | null;
  lines: number;
  events: number;
  rejected: number;
  blank: number;
  continued: number;
  bytes: number;
}

/** What parsing one source found (its rows are in the chunks handed out). */
export interface ParsedSource extends SourceCounts {
  sha256: string;
  compressed: boolean;
  /** Where parsing ended, as an error there would name it: `line N` past the last line, or `record N`. */
  end: string;
}

export interface ParseHooks {
  /** A chunk is staged: load it (or queue it); parsing waits for the promise. */
  chunk(c: StagedChunk): Promise<void>;
  /** Bytes read so far (stored bytes) and events staged. */
  progress?(bytes: number, events: number): void;
}

/** A source that could not be read or parsed, named with where it stopped: `path: line N: why`. */
export class SourceError extends Error {
  constructor(message: string, readonly format: string) {
    super(message);
  }
}

/** The node for lines that name none: `--node`, else the file's parent directory. */
function defaultNode(file: InputFile, opts: ParseOptions): string {
  if (opts.node) return opts.node;
  if (file.stdin) return 'stdin';
  return basename(dirname(resolve(file.path))) || 'unknown';
}

/** Parses one source into `stager`, handing each full chunk to hooks.chunk; the last one stays staged. */
export async function parseSource(file: InputFile, opts: ParseOptions, stager: ChunkStager, hooks: ParseHooks): Promise<ParsedSource> {
  let year = opts.year;
  let fileTimeMs: number | undefined;
  if (year === undefined) {
    const info = file.stdin ? null : await stat(file.path).catch(() => null);
    year = (info ? info.mtime : new Date()).getUTCFullYear();
    fileTimeMs = info ? info.mtimeMs : undefined;
  }
  let splitter: LineSplitter | null = null;
  let input: OpenedInput | null = null;
  let format = '';
  let records = 0; // events and rejects handed to the sink: where a JSON document broke
  let continued = 0;
  const drain = () => (stager.full ? hooks.chunk(stager.cut()!) : null);
  try {
    input = await openInput(file);
    const nodes = new Set<string>();
    const sink: EventSink = {
      event(ev: EventRow) {
        records++;
        if (nodes.size < 2 && ev.node !== null) nodes.add(ev.node);
        stager.addEvent(ev);
      },
      reject(lineNo, reason, raw) {
        records++;
        stager.addReject(lineNo, reason, raw);
      },
      continuation() {
        continued++;
      },
    };
    const ctx: DecodeContext = {
      sink, fields: new FieldMapper(opts.zone), zone: opts.zone, defaultNode: defaultNode(file, opts), year, fileTimeMs, drain,
    };

    // Read the head for detection, then feed head and rest to the decoder.
    const h = await readHead(input.chunks, HEAD_BYTES);
    const head = headOf(h);
    const picked = pickFormat(head, opts);
    format = picked.name;
    let lines = 0;
    let blank = 0;
    if (picked.decodeDocument) {
      const stats = await picked.decodeDocument(Readable.from(h.all, { objectMode: false }), ctx, head);
      lines = stats.records;
      await drain();
    } else {
      const decoder = picked.lineDecoder!(ctx);
      const sp = (splitter = new LineSplitter({ line: (t, n) => decoder.line(t, n), reject: sink.reject }, opts.maxLineBytes));
      for await (const chunk of h.all) {
        sp.push(chunk);
        await drain();
        hooks.progress?.(input.storedBytes, stager.eventCount);
      }
      sp.end();
      decoder.end();
      lines = sp.lines;
      blank = sp.blank;
    }
    return {
      format, node: nodes.size === 1 ? [...nodes][0] : nodes.size === 0 ? ctx.defaultNode : null,
      lines, events: stager.eventCount, rejected: stager.rejectCount, blank, continued, bytes: input.storedBytes,
      sha256: input.sha256(), compressed: input.compressed,
      end: splitter ? `line ${lines + 1}` : `record ${records + 1}`,
    };
  } catch (e) {
    if (e instanceof SourceError) throw e;
    const where = splitter ? `line ${splitter.lines + 1}` : format ? `record ${records + 1}` : 'start';
    throw new SourceError(`${file.path}: ${where}: ${describe(e)}`, format);
  } finally {
    input?.close();
  }
}

export function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err?.message ?? '')) return 'truncated gzip data (unexpected end of file)';
  if (err?.code === 'Z_DATA_ERROR') return `corrupt gzip data (${err.message})`;
  if (err?.code === 'EACCES') return 'permission denied';
  if (err?.code === 'EISDIR') return 'is a directory';
  return withMemoryHint(firstLine(err?.message ?? String(e)));
}

function pickFormat(head: HeadSample, opts: ParseOptions): Format {
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
