/**
 * Loads one source in one transaction: events and rejects are staged as CSV chunks
 * and inserted by DuckDB (`INSERT … SELECT … FROM read_csv(…)`), each chunk while the
 * next one is being parsed. Template, count extraction and timestamps are computed in
 * that SELECT. `commit()` adds the `sources` row; `rollback()` leaves nothing behind.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EventRow } from '../event.js';
import { COUNT_RE } from '../normalize/patterns.js';
import { CsvStage, EVENT_CSV_COLUMNS, REJECT_CSV_COLUMNS } from './csvStage.js';

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

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

function csvOptions(columns: string): string {
  return `columns=${columns}, header=false, auto_detect=false, delim=',', quote='"', escape='"', ` +
    `new_line='\\n', allow_quoted_nulls=false, max_line_size=67108864, parallel=true`;
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
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'orderline-'));
  }

  static async begin(conn: DuckDBConnection): Promise<SourceLoader> {
    await conn.run('BEGIN TRANSACTION');
    const r = await conn.runAndReadAll(
      'SELECT (SELECT coalesce(max(source_id), 0) + 1 FROM sources), (SELECT coalesce(max(event_id), 0) + 1 FROM events)',
    );
    const [sourceId, eventId] = r.getRows()[0] as [number, bigint];
    return new SourceLoader(conn, Number(sourceId), Number(eventId));
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

  /** Waits for the previous chunk, then starts loading what is staged (not awaited). */
  async flush(): Promise<void> {
    await this.inFlight;
    if (this.failure) throw this.failure;
    const events = this.events.rows > 0 ? this.writeChunk(this.events.take()) : null;
    const rejects = this.rejects.rows > 0 ? this.writeChunk(this.rejects.take()) : null;
    this.inFlight = this.load(events, rejects).catch((e) => {
      this.failure = e;
    });
  }

  private writeChunk(text: Buffer): string {
    const file = join(this.dir, `chunk-${this.chunkNo++}.csv`);
    writeFileSync(file, text);
    return file;
  }

  private async load(eventsFile: string | null, rejectsFile: string | null): Promise<void> {
    if (eventsFile) {
      await this.conn.run(`INSERT INTO events (${EVENT_COLUMNS})
        SELECT event_id, source_id, line, node, make_timestamp(ts_us), make_timestamp(ts_us), level, component, thread,
          message, key, op, phase, causal_id, seq,
          coalesce(count, TRY_CAST(replace(nullif(regexp_extract(message, ${sqlString(COUNT_RE)}, 1), ''), ',', '') AS BIGINT)),
          coalesce(count_unit, CASE WHEN count IS NULL THEN lower(nullif(regexp_extract(message, ${sqlString(COUNT_RE)}, 2), '')) END),
          peer, peer_direction, version, vclock::JSON, attrs::JSON
        FROM read_csv(${sqlString(eventsFile)}, ${csvOptions(EVENT_CSV_COLUMNS)})`);
      rmSync(eventsFile, { force: true });
    }
    if (rejectsFile) {
      await this.conn.run(`INSERT INTO rejects SELECT * FROM read_csv(${sqlString(rejectsFile)}, ${csvOptions(REJECT_CSV_COLUMNS)})`);
      rmSync(rejectsFile, { force: true });
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
