/** orderline as a library: ingest logs into DuckDB and query them. */
export { openDatabase, type Database } from './db/database.js';
export { query, type Rows } from './db/rows.js';
export { ingestPaths, ingestFile, detectFile, type IngestOptions, type IngestResult, type SourceResult } from './ingest.js';
export { loadFormats } from './formats.js';
export { TimeZone } from './normalize/timestamp.js';
export type { EventRow } from './event.js';
export type { Format } from './decode/types.js';
