/**
 * Stages one source's events and rejects as CSV chunk files for DuckDB's reader. Ids in the
 * files are relative to the source: events are numbered 1, 2, … in the order they were parsed and
 * carry source id 0; the loader (sourceLoader.ts) adds the source's first event id and its source id
 * as it inserts. So a source staged anywhere — this thread or a parse worker (parallel/) — loads to
 * the same rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventRow } from '../event.js';
import { CsvStage } from './csvStage.js';

/**
 * A chunk goes to DuckDB every 32k events (measured: 16k-64k are equally fast; larger
 * chunks leave a longer serial tail after parsing ends), or at a byte cap that keeps
 * memory flat when lines are long.
 */
const CHUNK_ROWS = 32_768;
const CHUNK_BYTES = 32 << 20;

/**
 * DuckDB's CSV reader refuses rows longer than `max_line_size` and reads through buffers
 * that must be larger; left alone, `buffer_size` is 16 × max_line_size, and it counts
 * against `memory_limit`. So both follow the chunk's longest row: 2 MiB and 8 MiB
 * normally, more only for a chunk holding a longer row (a long joined stack trace).
 */
const MIN_MAX_LINE = 2 << 20;
const MIN_BUFFER = 8 << 20;

export interface ReadSizes {
  maxLine: number;
  buffer: number;
}

export function csvReadSizes(longestRow: number): ReadSizes {
  const maxLine = Math.max(MIN_MAX_LINE, longestRow + 1);
  return { maxLine, buffer: Math.max(MIN_BUFFER, 2 * maxLine) };
}

/** Rows written to a chunk file, with the read sizes its longest row needs. */
export interface ChunkFile {
  file: string;
  rows: number;
  sizes: ReadSizes;
}

/** What one cut hands the loader: a file of events, of rejects, or both. */
export interface StagedChunk {
  events: ChunkFile | null;
  rejects: ChunkFile | null;
}

export class ChunkStager {
  private readonly events = new CsvStage(() => this.nextFile());
  private readonly rejects = new CsvStage(() => this.nextFile());
  eventCount = 0;
  rejectCount = 0;
  private chunkNo = 0;
  /** Where the chunk files go (a fresh folder under the system's temp folder); removed by cleanup(). */
  readonly dir = mkdtempSync(join(tmpdir(), 'orderline-'));

  addEvent(ev: EventRow): void {
    this.events.addEvent(++this.eventCount, 0, ev);
  }

  addReject(lineNo: number, reason: string, raw: string): void {
    this.rejects.addReject(0, lineNo, reason, raw);
    this.rejectCount++;
  }

  /** True when enough is staged to hand DuckDB a chunk. */
  get full(): boolean {
    return this.events.rows >= CHUNK_ROWS || this.events.size + this.rejects.size >= CHUNK_BYTES;
  }

  /** Writes what is staged to chunk files (null when nothing is). */
  cut(): StagedChunk | null {
    if (this.events.rows === 0 && this.rejects.rows === 0) return null;
    return {
      events: this.events.rows > 0 ? this.write(this.events) : null,
      rejects: this.rejects.rows > 0 ? this.write(this.rejects) : null,
    };
  }

  private write(stage: CsvStage): ChunkFile {
    const sizes = csvReadSizes(stage.longestRow);
    const rows = stage.rows;
    return { file: stage.finish(), rows, sizes };
  }

  private nextFile(): string {
    return join(this.dir, `chunk-${this.chunkNo++}.csv`);
  }

  cleanup(): void {
    this.events.close();
    this.rejects.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
