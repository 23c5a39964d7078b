/**
 * What the benchmark ingests: one entry per corpus file. Adding a format to the benchmark
 * is adding a line here. Every input is compared with DuckDB's read_json of the NDJSON
 * rendering of the same events (DuckDB has no reader for the other formats), and an
 * input that orderline would only read as plain `text`, or whose lines are all rejected,
 * is skipped with a warning.
 */

export interface BenchInput {
  /** A file of the corpus folder. */
  file: string;
  /** How the table names it. */
  label: string;
}

/** The file DuckDB's read_json baseline reads: the same events as every input, as NDJSON. */
export const BASELINE_FILE = 'logs.ndjson';

export const INPUTS: readonly BenchInput[] = [
  { file: 'logs.ndjson', label: 'NDJSON' },
  { file: 'logs.logfmt', label: 'logfmt' },
  // Skipped (detected as `text`) until a log4j format definition lands (issue 3).
  { file: 'logs.log4j.log', label: 'log4j text' },
];
