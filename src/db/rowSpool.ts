/**
 * Rows of whole numbers made in JavaScript while a DuckDB result streams on the same connection
 * (where no statement may run until the stream ends), kept off the heap: each row is encoded as a
 * CSV line into a small buffer that goes to a temp file as it fills; `loadInto` then lets DuckDB's
 * CSV reader make the table. Memory stays one buffer however many rows there are.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from './sqlText.js';

const FLUSH_AT = 1 << 20;

export class RowSpool {
  private readonly dir = mkdtempSync(join(tmpdir(), 'orderline-spool-'));
  private readonly file = join(this.dir, 'rows.csv');
  private readonly fd = openSync(this.file, 'w');
  private text = '';

  /** `columns`: name → DuckDB type (whole numbers), in the order `add` gives the values. */
  constructor(private readonly columns: Record<string, string>) {}

  /** One row; null is an empty field (NULL). */
  add(values: readonly (number | null)[]): void {
    this.text += `${values.map((v) => (v === null ? '' : String(v))).join(',')}\n`;
    if (this.text.length >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    if (this.text.length > 0) writeSync(this.fd, this.text);
    this.text = '';
  }

  /** Creates (or replaces) temp table `table` from the rows, then removes the file. */
  async loadInto(conn: DuckDBConnection, table: string): Promise<void> {
    try {
      this.flush();
      closeSync(this.fd);
      const cols = Object.entries(this.columns).map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`).join(', ');
      await conn.run(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM read_csv(${sqlString(this.file)},
        header = false, columns = {${cols}}, nullstr = '', auto_detect = false)`);
    } finally {
      this.discard();
    }
  }

  /** Removes the temp file (loadInto does; call it when the rows are not wanted). */
  discard(): void {
    try { closeSync(this.fd); } catch { /* closed */ }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
