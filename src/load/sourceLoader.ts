/**
 * Loads one source in one transaction: the chunk files a ChunkStager wrote (here or in a parse
 * worker) are inserted by DuckDB (`INSERT … SELECT … FROM read_csv(…)`), one at a time, each while
 * the next is being parsed. The staged ids are relative to the source: this adds the source's first
 * event id and its source id. Template, count extraction and timestamps are computed in that
 * SELECT. `commit()` adds the `sources` row; `rollback()` leaves nothing behind.
 */
import { rmSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { COUNT_RE } from '../normalize/patterns.js';
import { EVENT_CSV_COLUMNS, REJECT_CSV_COLUMNS } from './csvStage.js';
import type { ChunkFile, ReadSizes, StagedChunk } from './chunkStager.js';
import { sqlString } from '../db/sqlText.js';

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

function csvOptions(columns: string, sizes: ReadSizes): string {
  return `columns=${columns}, header=false, auto_detect=false, delim=',', quote='"', escape='"', ` +
    `new_line='\\n', allow_quoted_nulls=false, max_line_size=${sizes.maxLine}, buffer_size=${sizes.buffer}, parallel=true`;
}

export class SourceLoader {
  private inFlight: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  private constructor(
    private readonly conn: DuckDBConnection,
    readonly sourceId: number,
    /** The event id of the source's first event (staged as 1). */
    private readonly firstEventId: number,
    /** DuckDB's memory_limit in bytes when the caller set one: raised for chunks of very long rows. */
    private memoryLimit: number | undefined,
  ) {}

  static async begin(conn: DuckDBConnection, opts: { memoryLimitBytes?: number } = {}): Promise<SourceLoader> {
    await conn.run('BEGIN TRANSACTION');
    try {
      const r = await conn.runAndReadAll(
        'SELECT (SELECT coalesce(max(source_id), 0) + 1 FROM sources), (SELECT coalesce(max(event_id), 0) + 1 FROM events)',
      );
      const [sourceId, eventId] = r.getRows()[0] as [number, bigint];
      return new SourceLoader(conn, Number(sourceId), Number(eventId), opts.memoryLimitBytes);
    } catch (e) {
      // no loader exists to roll back: left open, the transaction would fail every later file
      await conn.run('ROLLBACK').catch(() => {});
      throw e;
    }
  }

  /** Waits for the chunk DuckDB is loading; throws its error, if it failed. */
  async settle(): Promise<void> {
    await this.inFlight;
    if (this.failure) throw this.failure;
  }

  /** Waits for the previous chunk, then starts loading this one (not awaited). */
  async push(chunk: StagedChunk | null): Promise<void> {
    await this.settle();
    if (chunk === null) return;
    this.inFlight = this.load(chunk).catch((e) => {
      this.failure = e;
    });
  }

  /** Lets DuckDB's reader hold its buffers when a chunk's long rows need more than the limit allows. */
  private async makeRoom(sizes: ReadSizes): Promise<void> {
    const need = 4 * sizes.buffer;
    if (this.memoryLimit === undefined || need <= this.memoryLimit) return;
    await this.conn.run(`SET memory_limit = '${need}B'`);
    this.memoryLimit = need;
  }

  private async load({ events, rejects }: StagedChunk): Promise<void> {
    if (events) await this.loadEvents(events);
    if (rejects) {
      await this.makeRoom(rejects.sizes);
      await this.conn.run(`INSERT INTO rejects SELECT ${this.sourceId}, * EXCLUDE (source_id)
        FROM read_csv(${sqlString(rejects.file)}, ${csvOptions(REJECT_CSV_COLUMNS, rejects.sizes)})`);
      rmSync(rejects.file, { force: true });
    }
  }

  private async loadEvents(events: ChunkFile): Promise<void> {
    await this.makeRoom(events.sizes);
    await this.conn.run(`INSERT INTO events (${EVENT_COLUMNS})
      SELECT event_id + ${this.firstEventId - 1}, ${this.sourceId}, line, node, make_timestamp(ts_us), make_timestamp(ts_us), level, component, thread,
        message, key, op, phase, causal_id, seq,
        coalesce(count, TRY_CAST(replace(nullif(cx.n, ''), ',', '') AS BIGINT)),
        coalesce(count_unit, CASE WHEN count IS NULL THEN lower(nullif(cx.u, '')) END),
        peer, peer_direction, version, vclock::JSON, attrs::JSON
      FROM (SELECT *, CASE WHEN count IS NULL THEN regexp_extract(message, ${sqlString(COUNT_RE)}, ['n', 'u']) END AS cx
            FROM read_csv(${sqlString(events.file)}, ${csvOptions(EVENT_CSV_COLUMNS, events.sizes)}))`);
    rmSync(events.file, { force: true });
  }

  /** Loads what is left, adds the sources row and commits. Returns the source id. */
  async commit(src: SourceRecord, last: StagedChunk | null = null): Promise<number> {
    await this.push(last);
    await this.settle();
    await this.conn.run(
      `INSERT INTO sources VALUES (${this.sourceId}, ${sqlString(src.path)}, ${sqlString(src.sha256)}, ${sqlString(src.format)},
        ${src.node === null ? 'NULL' : sqlString(src.node)}, ${src.bytes}, ${src.lines}, ${src.events}, ${src.rejected},
        now()::TIMESTAMP, ${src.blank}, ${src.continued}, ${src.compressed})`,
    );
    await this.conn.run('COMMIT');
    return this.sourceId;
  }

  async rollback(): Promise<void> {
    await this.inFlight.catch(() => {});
    await this.conn.run('ROLLBACK').catch(() => {});
  }
}
