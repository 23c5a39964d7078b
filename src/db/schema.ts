import { TEMPLATE_RE } from '../normalize/patterns.js';
import { sqlString } from './sqlText.js';

/**
 * The canonical tables of contract §2 (plus accounting columns of our own).
 * `template` is a generated column: DuckDB derives it from `message` when a query
 * reads it, so loading never pays for it.
 */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS sources (
  source_id   INTEGER PRIMARY KEY,
  path        VARCHAR NOT NULL,
  sha256      VARCHAR NOT NULL,
  format      VARCHAR,
  node        VARCHAR,
  bytes       BIGINT,
  lines       BIGINT,
  events      BIGINT,
  rejected    BIGINT,
  ingested_at TIMESTAMP,
  blank       BIGINT,      -- blank lines (counted, never stored)
  continued   BIGINT,      -- continuation lines joined into the event before them
  compressed  BOOLEAN
);
CREATE TABLE IF NOT EXISTS events (
  event_id       BIGINT,
  source_id      INTEGER,
  line           INTEGER,
  node           VARCHAR,
  ts             TIMESTAMP,
  ts_corrected   TIMESTAMP,
  level          VARCHAR,
  component      VARCHAR,
  thread         VARCHAR,
  message        VARCHAR,
  template       VARCHAR GENERATED ALWAYS AS (regexp_replace(message, ${sqlString(TEMPLATE_RE)}, '<*>', 'g')) VIRTUAL,
  key            VARCHAR,
  op             VARCHAR,
  phase          VARCHAR,
  causal_id      VARCHAR,
  seq            BIGINT,
  count          BIGINT,
  count_unit     VARCHAR,
  peer           VARCHAR,
  peer_direction VARCHAR,
  version        BIGINT,
  vclock         JSON,
  attrs          JSON
);
CREATE TABLE IF NOT EXISTS rejects (
  source_id INTEGER,
  line      INTEGER,
  reason    VARCHAR,
  raw       VARCHAR
);
CREATE TABLE IF NOT EXISTS replica_state (
  replica   VARCHAR,
  key       VARCHAR,
  value     VARCHAR,
  version   BIGINT,
  writetime TIMESTAMP,
  source_id INTEGER,
  line      INTEGER
);
`;
