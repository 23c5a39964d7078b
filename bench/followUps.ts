/**
 * Commands timed after each orderline ingest, with their time as a ratio to that ingest's:
 * the analyses run against the database the ingest left (issue 4: each must take less
 * time than the ingest), and `investigate` runs the whole method on the same input file
 * from scratch (issue 5: its own ingest included, so its ratio is above 1). `inputs`
 * limits a command to some inputs (by label) to keep the benchmark short. Stdout is discarded.
 */
import { join } from 'node:path';

export interface FollowUp {
  label: string;
  /** CLI arguments, given the ingested database, the input file and a scratch folder. */
  args: (db: string, input: string, scratch: string) => string[];
  /** Input labels to run after; all inputs when absent. */
  inputs?: readonly string[];
}

const NDJSON_ONLY = ['NDJSON'];
/** The key of the seeded generator's first line, so every corpus size has it. */
const KEY = 'user:95860';

export const FOLLOW_UPS: readonly FollowUp[] = [
  { label: 'query events_per_node', args: (db) => ['query', 'events_per_node', '--db', db, '--format', 'json'] },
  { label: 'diverge', args: (db) => ['diverge', '--db', db, '--json'], inputs: NDJSON_ONLY },
  { label: 'anomalies', args: (db) => ['anomalies', '--db', db, '--json'], inputs: NDJSON_ONLY },
  { label: `propagation --key ${KEY}`, args: (db) => ['propagation', '--key', KEY, '--db', db, '--json'], inputs: NDJSON_ONLY },
  { label: `timeline --key ${KEY}`, args: (db) => ['timeline', '--key', KEY, '--db', db, '--format', 'json'], inputs: NDJSON_ONLY },
  { label: 'affected', args: (db) => ['affected', '--db', db, '--format', 'json'], inputs: NDJSON_ONLY },
  { label: 'skew', args: (db) => ['skew', '--db', db, '--json'], inputs: NDJSON_ONLY },
  {
    label: 'investigate (ingest included)',
    args: (_db, input, scratch) => ['investigate', input, '--out', join(scratch, 'investigate'), '--json'],
    inputs: NDJSON_ONLY,
  },
];
