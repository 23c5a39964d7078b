-- name: replica_divergence
-- description: Classifies every key of replica_state across all replicas: agree (one value everywhere),
-- description: one_differs (three or more replicas, all but one agree: the race signal, odd_replica names it),
-- description: all_differ (any other disagreement). A key missing on a replica counts as the value NULL there.
-- description: Per (replica, key) the row with the highest version, then writetime, then the last line wins;
-- description: evidence = that row's dump file and line (replica → "path:line").
-- description: The summary counts ride on every row; with no disagreement there is one row with key NULL.
CREATE OR REPLACE TEMP TABLE ol_replica_classes AS
WITH latest AS (
  SELECT replica, key, value, version, writetime, source_id, line
  FROM replica_state
  QUALIFY row_number() OVER (PARTITION BY replica, key
                             ORDER BY version DESC NULLS LAST, writetime DESC NULLS LAST, source_id DESC, line DESC) = 1
), replicas AS (
  SELECT DISTINCT replica FROM replica_state
), grid AS (
  SELECT k.key, r.replica, l.value, l.version, l.writetime, l.source_id, l.line,
         -- NULL (missing) is a value of its own
         CASE WHEN l.value IS NULL THEN 'N' ELSE 'V' || l.value END AS value_id
  FROM (SELECT DISTINCT key FROM replica_state) k
  CROSS JOIN replicas r
  LEFT JOIN latest l ON l.key = k.key AND l.replica = r.replica
), cited AS (
  SELECT g.*, s.path || ':' || g.line AS evidence
  FROM grid g LEFT JOIN sources s ON s.source_id = g.source_id
), sized AS (
  SELECT *, count(*) OVER (PARTITION BY key, value_id) AS same_value
  FROM cited
)
SELECT key,
       CASE WHEN count(DISTINCT value_id) = 1 THEN 'agree'
            WHEN count(*) >= 3 AND count(DISTINCT value_id) = 2 AND min(same_value) = 1 THEN 'one_differs'
            ELSE 'all_differ' END AS class,
       CASE WHEN count(*) >= 3 AND count(DISTINCT value_id) = 2 AND min(same_value) = 1
            THEN arg_min(replica, same_value) END AS odd_replica,
       json_group_object(replica, value) AS "values",
       json_group_object(replica, version) AS versions,
       json_group_object(replica, writetime) AS writetimes,
       json_group_object(replica, evidence) AS evidence,
       count(*) AS replicas
FROM sized
GROUP BY key;

WITH summary AS (
  SELECT count(*) FILTER (WHERE class = 'agree') AS n_agree,
         count(*) FILTER (WHERE class = 'one_differs') AS n_one_differs,
         count(*) FILTER (WHERE class = 'all_differ') AS n_all_differ,
         (SELECT count(DISTINCT replica) FROM replica_state) AS n_replicas
  FROM ol_replica_classes
)
SELECT s.*, c.key, c.class, c.odd_replica, c."values", c.versions, c.writetimes, c.evidence
FROM summary s
LEFT JOIN (SELECT * FROM ol_replica_classes WHERE class <> 'agree') c ON true
ORDER BY c.class DESC, c.key;
