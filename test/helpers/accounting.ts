/**
 * The accounting invariant of contract §2, checked on a DuckDB file through the CLI:
 * for every source, lines = events + continued + rejected + blank, and the counts in
 * `sources` equal the rows that `events` and `rejects` hold for it. No row may belong
 * to a source that is not in `sources` (a failed file leaves nothing).
 */
import { expect } from 'vitest';
import { sqlRows } from './cli.js';

export interface SourceAccounts {
  source_id: number;
  path: string;
  format: string;
  node: string | null;
  lines: number;
  events: number;
  rejected: number;
  blank: number;
  continued: number;
  event_rows: number;
  reject_rows: number;
}

const ACCOUNTS_SQL = `
  SELECT s.source_id, s.path, s.format, s.node, s.lines, s.events, s.rejected, s.blank, s.continued,
    (SELECT count(*) FROM events e WHERE e.source_id = s.source_id) AS event_rows,
    (SELECT count(*) FROM rejects r WHERE r.source_id = s.source_id) AS reject_rows
  FROM sources s
  UNION ALL
  SELECT -1, 'orphans', '', NULL, 0, 0, 0, 0, 0,
    (SELECT count(*) FROM events WHERE source_id NOT IN (SELECT source_id FROM sources)),
    (SELECT count(*) FROM rejects WHERE source_id NOT IN (SELECT source_id FROM sources))
  ORDER BY 1`;

/** Asserts the invariant for every source of `db`; returns the sources (by source_id). */
export function expectAccounting(db: string): SourceAccounts[] {
  const rows = sqlRows<SourceAccounts>(db, ACCOUNTS_SQL);
  const [orphans, ...sources] = rows;
  expect(orphans, 'rows of no source').toMatchObject({ event_rows: 0, reject_rows: 0 });
  for (const s of sources) {
    expect(s.lines, `${s.path}: lines = events + continued + rejected + blank`).toBe(s.events + s.continued + s.rejected + s.blank);
    expect(s.event_rows, `${s.path}: sources.events = rows in events`).toBe(s.events);
    expect(s.reject_rows, `${s.path}: sources.rejected = rows in rejects`).toBe(s.rejected);
  }
  return sources;
}
