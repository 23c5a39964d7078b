/**
 * What decoders produce and what they are given. A decoder turns the lines (or JSON
 * values) of one source into canonical events; it never touches the database.
 */
import type { EventRow } from '../event.js';
import type { FieldMapper } from '../normalize/fields.js';
import type { TimeZone } from '../normalize/timestamp.js';
import type { Readable } from 'node:stream';

export interface EventSink {
  event(ev: EventRow): void;
  reject(lineNo: number, reason: string, raw: string): void;
  /** A physical line joined to the event before it (multi-line events). */
  continuation(): void;
}

export interface DecodeContext {
  sink: EventSink;
  fields: FieldMapper;
  zone: TimeZone;
  /** Node for events whose line names none: `--node`, else the parent directory. */
  defaultNode: string;
  /** Year for timestamps that carry none (syslog). */
  year: number;
  /** The file's modification time (UTC ms) when `year` came from it: no line is later. */
  fileTimeMs?: number;
  /** For document decoders: a promise to wait on when the loader has a full chunk, else null. */
  drain(): Promise<void> | null;
}

/** Decodes a source line by line. */
export interface LineDecoder {
  line(text: string, lineNo: number): void;
  /** Flushes an event still open (multi-line). */
  end(): void;
}

/** The first lines of a source, for detection. */
export interface HeadSample {
  /** Decoded text of the first bytes (up to a limit), BOM removed. */
  text: string;
  /** Its first non-blank lines (complete lines only when more followed). */
  lines: string[];
  /** The 1-based physical line number of each of `lines` (blank lines leave gaps). */
  lineNumbers?: number[];
}

export interface Format {
  name: string;
  description: string;
  /** How well the head fits, 0 (not at all) to 1. */
  score(head: HeadSample): number;
  /** Tie-break when scores are equal: higher wins (specific formats over generic ones). */
  priority: number;
  /** Second tie-break, after priority: higher wins (definitions: their named groups). */
  specificity?: number;
  /** Where a format defined in JSON comes from. */
  file?: string;
  /** Line formats. */
  lineDecoder?(ctx: DecodeContext): LineDecoder;
  /** Whole-document formats (JSON array, OTLP): decode from the byte stream. */
  decodeDocument?(input: Readable, ctx: DecodeContext, head: HeadSample): Promise<DocumentStats>;
}

export interface DocumentStats {
  /** Records read (the document's "lines" for accounting). */
  records: number;
}
