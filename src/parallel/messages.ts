/**
 * What the main thread and a parse worker say to each other (worker_threads messages, structured
 * clones). Main → worker: a file to parse, and an ack for each chunk it loaded. Worker → main: the
 * file's chunks as they fill, its progress, then `done` (with the last chunk) or `error`.
 */
import type { InputFile } from '../input/expandPaths.js';
import type { StagedChunk } from '../load/chunkStager.js';
import type { ParsedSource } from '../parseSource.js';

/** Parse options that cross a thread: the worker loads the formats and resolves the zone itself. */
export interface WorkerParseOptions {
  formatsDir?: string;
  format?: string;
  node?: string;
  zone: string;
  year?: number;
  maxLineBytes: number;
}

export type ToWorker =
  | { type: 'parse'; id: number; file: InputFile; opts: WorkerParseOptions }
  | { type: 'ack'; id: number };

export type FromWorker =
  | { type: 'chunk'; id: number; chunk: StagedChunk }
  | { type: 'progress'; id: number; bytes: number; events: number }
  | { type: 'done'; id: number; parsed: ParsedSource; last: StagedChunk | null; dir: string }
  | { type: 'error'; id: number; message: string; format: string; dir: string | null };

/**
 * Chunks a worker may stage ahead of the loader for one file (each up to 32k events / 32 MiB of
 * CSV on disk): enough for the other workers to parse the next files while one file loads.
 */
export const CHUNKS_AHEAD = 32;
