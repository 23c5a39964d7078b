/**
 * Message patterns applied by DuckDB at load time (RE2 syntax), so the per-line
 * JavaScript path does not pay for them and they run on DuckDB's threads.
 */

/**
 * Template: quoted strings and every token that contains a digit (numbers, hex,
 * ids, addresses, paths, versions, UUIDs) become `<*>`; so does a number with
 * thousands separators (`20,000`), so that it gets the template of `5`.
 */
export const TEMPLATE_RE = String.raw`"[^"]*"|'[^']*'|\d{1,3}(?:,\d{3})+[\w.:/@+#$-]*|[\w.:/@+#$-]*\d[\w.:/@+#$-]*`;

/** Nouns that make a number a state-volume count (`4812 entities`, `recovered [0] indices`). */
export const COUNT_UNITS = [
  'entities', 'entity', 'records', 'record', 'keys', 'key', 'rows', 'row', 'partitions', 'partition',
  'segments', 'segment', 'files', 'file', 'items', 'item', 'entries', 'entry', 'objects', 'object',
  'tables', 'table', 'indices', 'indexes', 'index', 'sstables', 'sstable', 'blocks', 'block',
  'documents', 'document', 'docs', 'messages', 'message', 'events', 'event', 'nodes', 'node',
  'peers', 'peer', 'replicas', 'replica', 'members', 'member', 'instances', 'instance', 'tasks', 'task',
  'shards', 'shard', 'ranges', 'range', 'tablets', 'tablet', 'regions', 'region', 'chunks', 'chunk',
  'mutations', 'mutation', 'offsets', 'offset', 'splits', 'split', 'snapshots', 'snapshot',
  'containers', 'container', 'topics', 'topic', 'tokens', 'token', 'leases', 'lease', 'sessions', 'session',
  'goroutines', 'vcpus', 'infos',
];

/**
 * A count: a number (optionally in brackets, with thousands separators), at most one
 * word between, then a unit noun. Group 1 is the number, group 2 the unit.
 */
export const COUNT_RE = String.raw`(?i)(?:^|[^\w.:/-])\[?(\d{1,3}(?:,\d{3})+|\d+)\]?\s+(?:[a-z]+\s+)?(` + COUNT_UNITS.join('|') + String.raw`)\b`;
