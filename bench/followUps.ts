/**
 * Commands timed against the database each orderline ingest leaves, with their time as a
 * ratio to that ingest's. Analyses (diverge, anomalies, …) are added here as they land:
 * `args` gets the database path and returns the CLI arguments. Their stdout is discarded.
 */

export interface FollowUp {
  label: string;
  args: (db: string) => string[];
}

export const FOLLOW_UPS: readonly FollowUp[] = [
  { label: 'query events_per_node', args: (db) => ['query', 'events_per_node', '--db', db, '--format', 'json'] },
];
