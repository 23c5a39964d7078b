-- name: timeline
-- description: One key's events on two nodes side by side, aligned by (op, phase) and occurrence index
-- description: (the k-th LoadMetadata:queued on node beside the k-th on vs). Rows follow node's order; rows only
-- description: vs has sit after the node row that precedes them on vs. delta_ms = node ts - vs ts
-- description: (ts_corrected: clock offsets from skew --apply when known). Node order: seq when every keyed
-- description: event of the node has one, else ts, then ingest order.
-- param: key  the entity key
-- param: node  the node to explain (the broken one)
-- param: vs  the node to compare with (a healthy one)
-- param: from_ts  only node's events at or after this time, ISO-8601 (unset: from the start); vs's aligned events come along
-- param: to_ts  only node's events at or before this time, ISO-8601 (unset: to the end)
WITH node_order AS (
  SELECT node, count(seq) = count(*) AS by_seq
  FROM events
  WHERE key IS NOT NULL AND op IS NOT NULL AND node IN (getvariable('node')::VARCHAR, getvariable('vs')::VARCHAR)
  GROUP BY node
), ev AS (
  SELECT e.node, e.ts, e.ts_corrected, e.op, e.phase, e.seq, e.message, s.path AS source, e.line,
         row_number() OVER (PARTITION BY e.node
                            ORDER BY CASE WHEN o.by_seq THEN e.seq END, e.ts, e.event_id) AS pos
  FROM events e
  JOIN sources s ON s.source_id = e.source_id
  LEFT JOIN node_order o ON o.node = e.node
  WHERE e.key = getvariable('key')::VARCHAR AND e.node IN (getvariable('node')::VARCHAR, getvariable('vs')::VARCHAR)
), occ AS (
  SELECT *, row_number() OVER (PARTITION BY node, op, phase ORDER BY pos) AS k FROM ev
), n AS (SELECT * FROM occ WHERE node = getvariable('node')::VARCHAR
             AND (getvariable('from_ts')::VARCHAR IS NULL OR ts >= getvariable('from_ts')::TIMESTAMP)
             AND (getvariable('to_ts')::VARCHAR IS NULL OR ts <= getvariable('to_ts')::TIMESTAMP)),
   v AS (SELECT * FROM occ WHERE node = getvariable('vs')::VARCHAR),
joined AS (
  SELECT coalesce(n.op, v.op) AS op, coalesce(n.phase, v.phase) AS phase, coalesce(n.k, v.k) AS k,
         n.pos AS n_pos, v.pos AS v_pos,
         n.node AS n_node, n.ts AS n_ts, n.ts_corrected AS n_tsc, n.seq AS n_seq, n.message AS n_message, n.source AS n_source, n.line AS n_line,
         v.node AS v_node, v.ts AS v_ts, v.ts_corrected AS v_tsc, v.seq AS v_seq, v.message AS v_message, v.source AS v_source, v.line AS v_line
  FROM n FULL OUTER JOIN v
    ON n.op IS NOT DISTINCT FROM v.op AND n.phase IS NOT DISTINCT FROM v.phase AND n.k = v.k
  -- a vs event with no node event beside it comes only when it falls in the window
  WHERE n.node IS NOT NULL
     OR ((getvariable('from_ts')::VARCHAR IS NULL OR v.ts >= getvariable('from_ts')::TIMESTAMP)
         AND (getvariable('to_ts')::VARCHAR IS NULL OR v.ts <= getvariable('to_ts')::TIMESTAMP))
), placed AS (
  SELECT *,
         coalesce(n_pos, coalesce(max(n_pos) OVER (ORDER BY v_pos NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), 0) + 0.5) AS row_order
  FROM joined
)
SELECT op, phase, k,
       n_node, n_ts, n_seq, n_message, n_source, n_line,
       v_node, v_ts, v_seq, v_message, v_source, v_line,
       CASE WHEN n_tsc IS NOT NULL AND v_tsc IS NOT NULL
            THEN (epoch_us(n_tsc) - epoch_us(v_tsc)) / 1000.0 END AS delta_ms
FROM placed
ORDER BY row_order, v_pos NULLS LAST;
