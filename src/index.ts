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
export { diverge, expectParam, type DivergeOptions } from './analyses/diverge.js';
export { replicas, type ReplicasOptions } from './analyses/replicas.js';
export { timeline, timelineMarkdown, type TimelineOptions } from './analyses/timeline.js';
export { affected, affectedReport, type AffectedInputs, type AffectedOptions } from './analyses/affected.js';
export * from './analyses/shapes.js';
