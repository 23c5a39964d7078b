-- name: propagation
-- description: How value versions of a key travelled between nodes (orderline propagation): every hop (from, to, version) from events with peer and version, the sender's event (direction out) paired with the receiver's (direction in) when both logged it (the k-th send with the k-th receive of the same key, version and node pair), else the one side; each version's origin (the node that first had it without receiving it); hops whose order after the previous hop of the same version lies within the clock-skew uncertainty are ambiguous.
-- param: key  the entity key; empty: every key (or those of keys)
-- param: keys  several entity keys as a JSON array, e.g. ["k1","k2"]; empty: see key
-- requires: skew_pairs
--
-- Origin of a version: among the nodes with an event of that key and version that is
-- not a receipt, those whose first such event is no later than the first hop that
-- brought them the version (or that were never sent it); the earliest of them (ts, then
-- file and line). When every node that had it received it, the sender of its first hop.

CREATE OR REPLACE TEMP TABLE prop_moves AS
SELECT e.event_id, e.key, e.node, e.peer, e.peer_direction AS dir, e.version, e.ts, e.source_id, e.line
FROM events e
WHERE e.peer IS NOT NULL AND e.version IS NOT NULL AND e.peer_direction IN ('in', 'out')
  AND e.key IS NOT NULL AND e.node IS NOT NULL AND e.node <> e.peer
  AND CASE
    WHEN nullif(getvariable('key')::VARCHAR, '') IS NOT NULL THEN e.key = getvariable('key')::VARCHAR
    WHEN nullif(getvariable('keys')::VARCHAR, '') IS NOT NULL THEN e.key IN (SELECT unnest(from_json(getvariable('keys')::VARCHAR, '["VARCHAR"]')))
    ELSE true END;

CREATE OR REPLACE TEMP TABLE prop_hops AS
WITH sends AS (
  SELECT *, node AS sender, peer AS receiver,
    row_number() OVER (PARTITION BY key, version, node, peer ORDER BY ts NULLS LAST, source_id, line) AS k
  FROM prop_moves WHERE dir = 'out'
), recvs AS (
  SELECT *, peer AS sender, node AS receiver,
    row_number() OVER (PARTITION BY key, version, peer, node ORDER BY ts NULLS LAST, source_id, line) AS k
  FROM prop_moves WHERE dir = 'in'
), paired AS (
  SELECT
    coalesce(s.key, r.key) AS key,
    coalesce(s.version, r.version) AS version,
    coalesce(s.sender, r.sender) AS from_node,
    coalesce(s.receiver, r.receiver) AS to_node,
    s.ts AS sent_ts, s.source_id AS sent_source_id, s.line AS sent_line,
    r.ts AS received_ts, r.source_id AS received_source_id, r.line AS received_line
  FROM sends s FULL OUTER JOIN recvs r
    ON s.key = r.key AND s.version = r.version AND s.sender = r.sender AND s.receiver = r.receiver AND s.k = r.k
)
SELECT *,
  CASE WHEN received_source_id IS NOT NULL THEN received_ts ELSE sent_ts END AS ts,
  CASE WHEN received_source_id IS NOT NULL THEN to_node ELSE from_node END AS ts_node,
  coalesce(received_source_id, sent_source_id) AS source_id,
  CASE WHEN received_source_id IS NOT NULL THEN received_line ELSE sent_line END AS line
FROM paired;

CREATE OR REPLACE TEMP TABLE prop_origins AS
WITH versions AS (
  SELECT DISTINCT key, version FROM prop_hops
), had AS (
  -- Every event showing a node had the version, receipts excluded.
  SELECT e.key, e.version, e.node, e.ts, e.source_id, e.line
  FROM events e JOIN versions v ON e.key = v.key AND e.version = v.version
  WHERE e.node IS NOT NULL AND e.peer_direction IS DISTINCT FROM 'in'
), first_had AS (
  SELECT key, version, node, arg_min({'ts': ts, 'source_id': source_id, 'line': line}, (ts IS NULL, ts, source_id, line)) AS first
  FROM had GROUP BY ALL
), first_received AS (
  SELECT key, version, to_node AS node, min(ts) AS ts FROM prop_hops GROUP BY ALL
), candidates AS (
  SELECT f.key, f.version, f.node, f.first.ts AS ts, f.first.source_id AS source_id, f.first.line AS line
  FROM first_had f LEFT JOIN first_received r USING (key, version, node)
  WHERE r.ts IS NULL OR f.first.ts IS NULL OR f.first.ts <= r.ts
), first_hop AS (
  SELECT key, version, arg_min(from_node, (ts IS NULL, ts, from_node, to_node)) AS node,
    arg_min(sent_ts, (ts IS NULL, ts, from_node, to_node)) AS ts
  FROM prop_hops GROUP BY ALL
)
SELECT v.key, v.version,
  coalesce(c.node, h.node) AS origin_node,
  CASE WHEN c.node IS NOT NULL THEN c.ts ELSE h.ts END AS origin_ts
FROM versions v
LEFT JOIN (
  SELECT * FROM candidates
  QUALIFY row_number() OVER (PARTITION BY key, version ORDER BY ts NULLS LAST, source_id, line, node) = 1
) c USING (key, version)
LEFT JOIN first_hop h USING (key, version);

WITH chained AS (
  SELECT h.*,
    lag(h.ts_node) OVER (PARTITION BY h.key, h.version ORDER BY h.ts NULLS LAST, h.source_id, h.line) AS prev_node,
    lag(h.ts) OVER (PARTITION BY h.key, h.version ORDER BY h.ts NULLS LAST, h.source_id, h.line) AS prev_ts
  FROM prop_hops h
)
SELECT
  h.key,
  h.version,
  o.origin_node,
  o.origin_ts,
  h.from_node,
  h.to_node,
  h.ts,
  hs.path AS source,
  h.line,
  h.sent_ts,
  ss.path AS sent_source,
  h.sent_line,
  h.received_ts,
  rs.path AS received_source,
  h.received_line,
  coalesce(order_ambiguous(h.prev_node, h.prev_ts, h.ts_node, h.ts), false) AS ambiguous
FROM chained h
JOIN prop_origins o USING (key, version)
JOIN sources hs ON hs.source_id = h.source_id
LEFT JOIN sources ss ON ss.source_id = h.sent_source_id
LEFT JOIN sources rs ON rs.source_id = h.received_source_id
ORDER BY h.key, h.ts NULLS LAST, h.version, h.from_node, h.to_node, hs.path, h.line;
