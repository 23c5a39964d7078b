-- name: events_per_node
-- description: Events, time span, levels and rejects per node: the first look at an ingested incident.
SELECT
  e.node,
  count(*) AS events,
  min(e.ts) AS first_ts,
  max(e.ts) AS last_ts,
  count(*) FILTER (WHERE e.level IN ('WARN', 'ERROR', 'FATAL')) AS warnings_or_worse,
  count(DISTINCT e.key) AS keys,
  count(DISTINCT e.source_id) AS sources
FROM events e
GROUP BY e.node
ORDER BY e.node;
