/**
 * DuckDB results → plain JSON-ready rows. Deliberate conversions:
 * BIGINT/HUGEINT → number when exactly representable, else decimal string;
 * TIMESTAMP → ISO-8601 UTC text with microseconds (`2026-11-27T14:30:01.003123Z`);
 * JSON → parsed value; DATE → `YYYY-MM-DD`.
 */
import type { DuckDBConnection, DuckDBResultReader } from '@duckdb/node-api';

export type Row = Record<string, unknown>;

export interface Rows {
  columns: string[];
  /** DuckDB type names, for alignment and CSV. */
  types: string[];
  rows: Row[];
}

const TS_TEXT = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?$/;

export function timestampText(s: string): string {
  const m = TS_TEXT.exec(s);
  if (!m) return s;
  const frac = (m[3] ?? '.000').padEnd(4, '0');
  return `${m[1]}T${m[2]}${frac}Z`;
}

function convert(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'BIGINT': case 'HUGEINT': case 'UBIGINT': case 'UHUGEINT': {
      const n = Number(value);
      return Number.isSafeInteger(n) ? n : String(value);
    }
    case 'TIMESTAMP': case 'TIMESTAMP_NS': case 'TIMESTAMP_MS': case 'TIMESTAMP_S':
      return timestampText(String(value));
    case 'TIMESTAMP WITH TIME ZONE': {
      const d = new Date(String(value).replace(' ', 'T'));
      return Number.isNaN(d.getTime()) ? String(value) : d.toISOString();
    }
    case 'JSON':
      try { return JSON.parse(String(value)); } catch { return String(value); }
    default:
      return value;
  }
}

export function materialize(result: DuckDBResultReader): Rows {
  const columns = result.columnNames();
  const types = result.columnTypes().map((t) => (t.alias === 'JSON' ? 'JSON' : t.toString()));
  const raw = result.getRowObjectsJson() as Row[];
  const rows = raw.map((r) => {
    const out: Row = {};
    for (let i = 0; i < columns.length; i++) out[columns[i]] = convert(r[columns[i]], types[i]);
    return out;
  });
  return { columns, types, rows };
}

export async function query(conn: DuckDBConnection, sql: string): Promise<Rows> {
  return materialize(await conn.runAndReadAll(sql));
}
