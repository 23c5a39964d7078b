/**
 * Loads one source in one transaction: events and rejects are staged as CSV chunks
 * and inserted by DuckDB (`INSERT … SELECT … FROM read_csv(…)`), each chunk while the
 * next one is being parsed. Template, count extraction and timestamps are computed in
 * that SELECT. `commit()` adds the `sources` row; `rollback()` leaves nothing behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EventRow } from '../event.js';
import { COUNT_RE } from '../normalize/patterns.js';
import { CsvStage, EVENT_CSV_COLUMNS, REJECT_CSV_COLUMNS } from './csvStage.js';
import { sqlString } from '../db/sqlText.js';

/**
 * A chunk goes to DuckDB every 32k events (measured: 16k-64k are equally fast; larger
 * chunks leave a longer serial tail after parsing ends), or at a byte cap that keeps
 * memory flat when lines are long.
 */
const CHUNK_ROWS = 32_768;
const CHUNK_BYTES = 32 << 20;

export interface SourceRecord {
  path: string;
  sha256: string;
  format: string;
  node: string | null;
  bytes: number;
  lines: number;
  events: number;
  rejected: number;
  blank: number;
  continued: number;
  compressed: boolean;
}

/** The stored columns of `events` (all but the generated `template`). */
const EVENT_COLUMNS = 'event_id, source_id, line, node, ts, ts_corrected, level, component, thread, message, key, op, phase, ' +
  'causal_id, seq, count, count_unit, peer, peer_direction, version, vclock, attrs';


/**
 * DuckDB's CSV reader refuses rows longer than `max_line_size` and reads through buffers
 * that must be larger; left alone, `buffer_size` is 16 × max_line_size, and it counts
 * against `memory_limit`. So both follow the chunk's longest row: 2 MiB and 8 MiB
 * normally, more only for a chunk holding a longer row (a long joined stack trace).
 */
const MIN_MAX_LINE = 2 << 20;
const MIN_BUFFER = 8 << 20;

function csvReadSizes(longestRow: number): { maxLine: number; buffer: number } {
  const maxLine = Math.max(MIN_MAX_LINE, longestRow + 1);
  return { maxLine, buffer: Math.max(MIN_BUFFER, 2 * maxLine) };
}

function csvOptions(columns: string, sizes: { maxLine: number; buffer: number }): string {
  return `columns=${columns}, header=false, auto_detect=false, delim=',', quote='"', escape='"', ` +
    `new_line='\\n', allow_quoted_nulls=false, max_line_size=${sizes.maxLine}, buffer_size=${sizes.buffer}, parallel=true`;
}

/** Staged rows written to a chunk file, with the read sizes its longest row needs. */
interface Chunk {
  file: string;
  sizes: { maxLine: number; buffer: number };
}

export class SourceLoader {
  readonly events = new CsvStage();
  readonly rejects = new CsvStage();
  eventCount = 0;
  rejectCount = 0;
  private inFlight: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private chunkNo = 0;
  private readonly dir: string;

  private constructor(
    private readonly conn: DuckDBConnection,
    readonly sourceId: number,
    private nextEventId: number,
    /** DuckDB's memory_limit in bytes when the caller set one: raised for chunks of very long rows. */
    private memoryLimit: number | undefined,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'orderline-'));
  }

  static async begin(conn: DuckDBConnection, opts: { memoryLimitBytes?: number } = {}): Promise<SourceLoader> {
    await conn.run('BEGIN TRANSACTION');
    const r = await conn.runAndReadAll(
      'SELECT (SELECT coalesce(max(source_id), 0) + 1 FROM sources), (SELECT coalesce(max(event_id), 0) + 1 FROM events)',
    );
    const [sourceId, eventId] = r.getRows()[0] as [number, bigint];
    return new SourceLoader(conn, Number(sourceId), Number(eventId), opts.memoryLimitBytes);
  }

  addEvent(ev: EventRow): void {
    this.events.addEvent(this.nextEventId++, this.sourceId, ev);
    this.eventCount++;
  }

  addReject(lineNo: number, reason: string, raw: string): void {
    this.rejects.addReject(this.sourceId, lineNo, reason, raw);
    this.rejectCount++;
  }

  /** True when enough is staged to hand DuckDB a chunk. */
  get full(): boolean {
    return this.events.rows >= CHUNK_ROWS || this.events.size + this.rejects.size >= CHUNK_BYTES;
  }

  /** Waits for the chunk DuckDB is loading; throws its error, if it failed. */
  async settle(): Promise<void> {
    await this.inFlight;
    if (this.failure) throw this.failure;
  }

  /** Waits for the previous chunk, then starts loading what is staged (not awaited). */
  async flush(): Promise<void> {
    await this.inFlight;
    if (this.failure) throw this.failure;
    const events = this.events.rows > 0 ? this.writeChunk(this.events) : null;
    const rejects = this.rejects.rows > 0 ? this.writeChunk(this.rejects) : null;
    this.inFlight = this.load(events, rejects).catch((e) => {
      this.failure = e;
    });
  }

  private writeChunk(stage: CsvStage): Chunk {
    const sizes = csvReadSizes(stage.longestRow);
    const file = join(this.dir, `chunk-${this.chunkNo++}.csv`);
    stage.writeTo(file);
    return { file, sizes };
  }

  /** Lets DuckDB's reader hold its buffers when a chunk's long rows need more than the limit allows. */
  private async makeRoom(sizes: Chunk['sizes']): Promise<void> {
    const need = 4 * sizes.buffer;
    if (this.memoryLimit === undefined || need <= this.memoryLimit) return;
    await this.conn.run(`SET memory_limit = '${need}B'`);
    this.memoryLimit = need;
  }

  private async load(events: Chunk | null, rejects: Chunk | null): Promise<void> {
    if (events) {
      await this.makeRoom(events.sizes);
      // The count pattern runs once per message (both groups in one struct): a quarter of the cost of two runs.
      await this.conn.run(`INSERT INTO events (${EVENT_COLUMNS})
        SELECT event_id, source_id, line, node, make_timestamp(ts_us), make_timestamp(ts_us), level, component, thread,
          message, key, op, phase, causal_id, seq,
          coalesce(count, TRY_CAST(replace(nullif(cx.n, ''), ',', '') AS BIGINT)),
          coalesce(count_unit, CASE WHEN count IS NULL THEN lower(nullif(cx.u, '')) END),
          peer, peer_direction, version, vclock::JSON, attrs::JSON
        FROM (SELECT *, CASE WHEN count IS NULL THEN regexp_extract(message, ${sqlString(COUNT_RE)}, ['n', 'u']) END AS cx
              FROM read_csv(${sqlString(events.file)}, ${csvOptions(EVENT_CSV_COLUMNS, events.sizes)}))`);
      rmSync(events.file, { force: true });
    }
    if (rejects) {
      await this.makeRoom(rejects.sizes);
      await this.conn.run(`INSERT INTO rejects SELECT * FROM read_csv(${sqlString(rejects.file)}, ${csvOptions(REJECT_CSV_COLUMNS, rejects.sizes)})`);
      rmSync(rejects.file, { force: true });
    }
  }

  /** Loads what is left, adds the sources row and commits. Returns the source id. */
  async commit(src: SourceRecord): Promise<number> {
    await this.flush();
    await this.inFlight;
    if (this.failure) throw this.failure;
    await this.conn.run(
      `INSERT INTO sources VALUES (${this.sourceId}, ${sqlString(src.path)}, ${sqlString(src.sha256)}, ${sqlString(src.format)},
        ${src.node === null ? 'NULL' : sqlString(src.node)}, ${src.bytes}, ${src.lines}, ${src.events}, ${src.rejected},
        now()::TIMESTAMP, ${src.blank}, ${src.continued}, ${src.compressed})`,
    );
    await this.conn.run('COMMIT');
    this.cleanup();
    return this.sourceId;
  }

  async rollback(): Promise<void> {
    await this.inFlight.catch(() => {});
    await this.conn.run('ROLLBACK').catch(() => {});
    this.cleanup();
  }

  private cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
