/** orderline as a library: ingest logs into DuckDB and query them. */
export { openDatabase, type Database } from './db/database.js';
export { query, type Rows } from './db/rows.js';
export { ingestPaths, ingestFile, detectFile, type IngestOptions, type IngestResult, type SourceResult } from './ingest.js';
export { loadFormats } from './formats.js';
export { TimeZone } from './normalize/timestamp.js';
export type { EventRow } from './event.js';
export type { Format } from './decode/types.js';
export { investigate, defaultSteps, type InvestigationSteps, type InvestigateOptions, type Investigation } from './investigate.js';
export { renderMarkdown } from './report/markdown.js';
export { renderHtml } from './report/html.js';
export { reportJsonSchema } from './report/jsonSchema.js';
export type { ReportModel, FindingDetail, ReportMeta, ReportFile } from './report/model.js';
