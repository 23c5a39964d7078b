-- name: skew_pairs
-- description: Per-node clock offsets with bounds (orderline skew), from causal pairs. A send/receive pair (an event on A with peer B, direction out, and the matching event on B with peer A, direction in, matched by causal_id, else by key and version; the k-th send with the k-th receive) bounds B's offset against A's from one side, since a receive comes after its send; pairs both ways bound it from both sides, and bounds chain through other nodes (shortest paths over the difference constraints, so every pair counts). Node pairs with no send/receive pair fall back to events sharing a causal_id (the earliest per node per causal_id): their order is unknown, so the observed spread of their differences serves as bounds (not guaranteed ones; basis causal_id). Offsets are relative to a reference node. Leaves temp tables skew_pairs, skew_constraints, skew_bounds (every ordered node pair) and node_skew (the steps' own tables are dropped), and the macro order_ambiguous(node_a, ts_a, node_b, ts_b).
-- param: reference  the reference node; empty: the node with most pairs, ties by name
--
-- Model: offset o(N) is added to N's timestamps to get reference time; o(reference) = 0.
-- A send on A at s received on B at r happened in that order: s + o(A) <= r + o(B), i.e.
-- o(A) - o(B) <= r - s. Each such difference constraint is an edge B → A of weight r - s;
-- the tightest bound on o(Y) - o(X) is the shortest path X → Y (upper) and minus the
-- shortest path Y → X (lower), over all pairs of all nodes (Bellman-Ford). Causal-id
-- spreads bound only the two nodes they link, and only when no send/receive path does. A negative
-- cycle means the pairs contradict each other (a clock that drifted, mismatched pairs):
-- the bounds then cross (lower > upper) and are reported as inconsistent.
-- Estimate: 0 when 0 lies within the bounds (clocks are taken to agree unless the pairs
-- prove otherwise); else the middle of the bounds (delays taken as equal both ways), or
-- the bound itself when the other side is open.

-- The pairs are built in steps, each a temp table, so that every step is one plain join or
-- aggregate that DuckDB can spill to disk under its memory limit (as one statement, the
-- earliest-per-node-per-causal-id table was materialized whole and joined with itself, and
-- ran out of memory on 10 GB of logs whose causal ids are one per event).

-- Send/receive pairs: the k-th send with the k-th receive, by causal id, else by key and version.
CREATE OR REPLACE TEMP TABLE skew_directed AS
WITH sends AS (
  SELECT event_id, node AS a, peer AS b, ts, causal_id, key, version
  FROM events
  WHERE peer_direction = 'out' AND peer IS NOT NULL AND node IS NOT NULL AND node <> peer AND ts IS NOT NULL
), recvs AS (
  SELECT event_id, peer AS a, node AS b, ts, causal_id, key, version
  FROM events
  WHERE peer_direction = 'in' AND peer IS NOT NULL AND node IS NOT NULL AND node <> peer AND ts IS NOT NULL
), s_causal AS (
  SELECT *, row_number() OVER (PARTITION BY a, b, causal_id ORDER BY ts, event_id) AS k FROM sends WHERE causal_id IS NOT NULL
), r_causal AS (
  SELECT *, row_number() OVER (PARTITION BY a, b, causal_id ORDER BY ts, event_id) AS k FROM recvs WHERE causal_id IS NOT NULL
), by_causal AS (
  SELECT s.a, s.b, s.event_id AS a_event, r.event_id AS b_event, s.ts AS a_ts, r.ts AS b_ts
  FROM s_causal s JOIN r_causal r USING (a, b, causal_id, k)
), s_kv AS (
  SELECT *, row_number() OVER (PARTITION BY a, b, key, version ORDER BY ts, event_id) AS k
  FROM sends WHERE key IS NOT NULL AND version IS NOT NULL AND event_id NOT IN (SELECT a_event FROM by_causal)
), r_kv AS (
  SELECT *, row_number() OVER (PARTITION BY a, b, key, version ORDER BY ts, event_id) AS k
  FROM recvs WHERE key IS NOT NULL AND version IS NOT NULL AND event_id NOT IN (SELECT b_event FROM by_causal)
), by_kv AS (
  SELECT s.a, s.b, s.event_id AS a_event, r.event_id AS b_event, s.ts AS a_ts, r.ts AS b_ts
  FROM s_kv s JOIN r_kv r USING (a, b, key, version, k)
)
SELECT * FROM by_causal UNION ALL SELECT * FROM by_kv;

-- Causal ids seen on two nodes or more (most ids in most logs are on one node only, and
-- this keeps them out of the steps below).
CREATE OR REPLACE TEMP TABLE skew_causal_ids AS
SELECT causal_id
FROM events
WHERE causal_id IS NOT NULL AND node IS NOT NULL AND ts IS NOT NULL
GROUP BY causal_id
HAVING min(node) < max(node);

-- Earliest event per node per such causal id (ties: the lowest event_id). The earliest is the
-- minimum of one HUGEINT, the timestamp's microseconds times 2^64 plus event_id (never negative,
-- below 2^63): an aggregate of fixed size, which spills; arg_min keyed by a STRUCT (ts, event_id)
-- keeps its state outside the buffer pool and ran out of memory on 30 M groups.
CREATE OR REPLACE TEMP TABLE skew_firsts AS
SELECT causal_id, node, (min(first_key) - epoch_us(min(ts))::HUGEINT * 18446744073709551616)::BIGINT AS event_id, min(ts) AS ts
FROM (
  SELECT causal_id, node, ts, epoch_us(ts)::HUGEINT * 18446744073709551616 + event_id AS first_key
  FROM events SEMI JOIN skew_causal_ids USING (causal_id)
  WHERE node IS NOT NULL AND ts IS NOT NULL
)
GROUP BY causal_id, node;

-- Every causal pair, one row each; d_us = A's timestamp minus B's (A = sender when directed).
CREATE OR REPLACE TEMP TABLE skew_pairs AS
WITH spread AS (
  -- Causal ids seen on 2 to 32 nodes (an id on more nodes is more likely a constant than a request).
  SELECT causal_id FROM skew_firsts GROUP BY causal_id HAVING count(*) <= 32
), linked AS (
  -- Node pairs that a send/receive pair links (a < b).
  SELECT DISTINCT least(a, b) AS a, greatest(a, b) AS b FROM skew_directed
), same_causal AS (
  SELECT x.node AS a, y.node AS b, x.event_id AS a_event, y.event_id AS b_event, x.ts AS a_ts, y.ts AS b_ts
  FROM skew_firsts x JOIN skew_firsts y ON x.causal_id = y.causal_id AND x.node < y.node
  WHERE x.causal_id IN (SELECT causal_id FROM spread)
)
SELECT 'send_receive' AS basis, a, b, a_event, b_event, a_ts, b_ts, epoch_us(a_ts) - epoch_us(b_ts) AS d_us FROM skew_directed
UNION ALL
SELECT 'causal_id', a, b, a_event, b_event, a_ts, b_ts, epoch_us(a_ts) - epoch_us(b_ts) FROM same_causal c
-- only between nodes that no send/receive pair links: those pairs say more.
WHERE NOT EXISTS (SELECT 1 FROM linked l WHERE l.a = c.a AND l.b = c.b);

DROP TABLE temp.main.skew_directed;
DROP TABLE temp.main.skew_causal_ids;
DROP TABLE temp.main.skew_firsts;

-- Difference constraints o(v) - o(u) <= w_us, the tightest per ordered node pair.
CREATE OR REPLACE TEMP TABLE skew_constraints AS
WITH hard AS (
  -- A send a → b at s, received at r: o(a) - o(b) <= r - s.
  SELECT b AS u, a AS v, min(-d_us) AS w_us, false AS soft, count(*) AS pairs
  FROM skew_pairs WHERE basis = 'send_receive'
  GROUP BY ALL
), spread AS (
  -- Same causal id, order unknown; a < b, d = t(a) - t(b) ≈ o(b) - o(a) within [min d, max d].
  SELECT a, b, min(d_us) AS lo, max(d_us) AS hi, count(*) AS pairs
  FROM skew_pairs WHERE basis = 'causal_id'
  GROUP BY ALL
)
SELECT u, v, w_us, soft, pairs FROM hard
UNION ALL SELECT a, b, hi, true, pairs FROM spread
UNION ALL SELECT b, a, -lo, true, pairs FROM spread;

-- Shortest paths over the send/receive constraints between every ordered pair of nodes:
-- dist(x → y) bounds o(y) - o(x) above. (Causal-id spreads are not chained: spreads of
-- different node pairs come from different requests and contradict each other in cycles.)
CREATE OR REPLACE TEMP TABLE skew_paths AS
WITH RECURSIVE hard AS (
  SELECT u, v, w_us FROM skew_constraints WHERE NOT soft
), graph_nodes AS (
  SELECT u AS node FROM hard UNION SELECT v FROM hard
), sp(src, node, dist, rounds) USING KEY (src, node) AS (
  SELECT node, node, 0::BIGINT, 0 FROM graph_nodes
  UNION
  SELECT s.src, c.v, s.dist + c.w_us, s.rounds + 1
  FROM sp s JOIN hard c ON c.u = s.node
  WHERE s.rounds < (SELECT count(*) FROM graph_nodes)
    AND NOT EXISTS (SELECT 1 FROM recurring.sp r WHERE r.src = s.src AND r.node = c.v AND r.dist <= s.dist + c.w_us)
  QUALIFY row_number() OVER (PARTITION BY s.src, c.v ORDER BY s.dist + c.w_us) = 1
)
SELECT src, node, dist FROM sp;

-- Bounds of o(b) - o(a) for every ordered pair with a path either way (NULL = open side),
-- else the direct causal-id spread of the two nodes (soft).
CREATE OR REPLACE TEMP TABLE skew_bounds AS
WITH hard AS (
  SELECT coalesce(up.src, down.node) AS a, coalesce(up.node, down.src) AS b,
    -down.dist AS lower_us, up.dist AS upper_us
  FROM skew_paths up FULL OUTER JOIN skew_paths down ON down.src = up.node AND down.node = up.src
), soft AS (
  SELECT c1.u AS a, c1.v AS b, -c2.w_us AS lower_us, c1.w_us AS upper_us
  FROM skew_constraints c1 JOIN skew_constraints c2 ON c2.u = c1.v AND c2.v = c1.u
  WHERE c1.soft AND c2.soft
)
SELECT a, b, lower_us, upper_us, false AS soft FROM hard
UNION ALL
SELECT a, b, lower_us, upper_us, true FROM soft s
WHERE NOT EXISTS (SELECT 1 FROM hard h WHERE h.a = s.a AND h.b = s.b);

-- Offsets relative to the reference node.
CREATE OR REPLACE TEMP TABLE node_skew AS
WITH nodes AS (
  SELECT DISTINCT node FROM events WHERE node IS NOT NULL
), ends AS (
  SELECT a AS node FROM skew_pairs UNION ALL SELECT b FROM skew_pairs
), pairs_per_node AS (
  SELECT n.node, count(e.node)::BIGINT AS pairs
  FROM nodes n LEFT JOIN ends e USING (node)
  GROUP BY n.node
), ref AS (
  SELECT coalesce(
    (SELECT node FROM nodes WHERE node = getvariable('reference')::VARCHAR),
    (SELECT node FROM pairs_per_node WHERE pairs > 0 ORDER BY pairs DESC, node LIMIT 1)) AS node
), rel AS (
  SELECT k.b AS node, k.lower_us, k.upper_us, k.soft
  FROM skew_bounds k WHERE k.a = (SELECT node FROM ref)
)
SELECT p.node,
  CASE WHEN p.node = (SELECT node FROM ref) THEN 0
       WHEN r.lower_us IS NULL AND r.upper_us IS NULL THEN NULL
       WHEN coalesce(r.lower_us <= 0, true) AND coalesce(r.upper_us >= 0, true) THEN 0
       WHEN r.lower_us IS NOT NULL AND r.upper_us IS NOT NULL THEN (r.lower_us + r.upper_us) // 2
       ELSE coalesce(r.lower_us, r.upper_us) END::BIGINT AS offset_us,
  CASE WHEN p.node = (SELECT node FROM ref) THEN 0 ELSE r.lower_us END::BIGINT AS lower_us,
  CASE WHEN p.node = (SELECT node FROM ref) THEN 0 ELSE r.upper_us END::BIGINT AS upper_us,
  p.pairs,
  CASE WHEN p.node = (SELECT node FROM ref) THEN 'reference'
       WHEN r.node IS NULL THEN NULL
       WHEN r.soft THEN 'causal_id' ELSE 'send_receive' END AS basis,
  CASE WHEN r.node IS NULL AND p.node IS DISTINCT FROM (SELECT node FROM ref) THEN NULL
       ELSE coalesce(r.lower_us <= r.upper_us, true)
         AND NOT EXISTS (SELECT 1 FROM skew_paths c WHERE c.src = c.node AND c.dist < 0 AND c.src IN (p.node, (SELECT node FROM ref))) END AS consistent,
  (SELECT node FROM ref) AS reference
FROM pairs_per_node p LEFT JOIN rel r USING (node)
ORDER BY p.node;

-- Bounds of o(b) - o(a) as the ambiguity test uses them: where the pairs prove nothing,
-- timestamps are taken at face value, as for nodes linked by no pair at all (0); so an
-- open side becomes 0, or the other bound when that excludes 0.
CREATE OR REPLACE TEMP MACRO skew_lower_us(node_a, node_b) AS
  coalesce((SELECT coalesce(k.lower_us, least(k.upper_us, 0)) FROM skew_bounds k WHERE k.a = node_a AND k.b = node_b), 0);
CREATE OR REPLACE TEMP MACRO skew_upper_us(node_a, node_b) AS
  coalesce((SELECT coalesce(k.upper_us, greatest(k.lower_us, 0)) FROM skew_bounds k WHERE k.a = node_a AND k.b = node_b), 0);
-- True when events (node_a, ts_a) and (node_b, ts_b) on two different nodes cannot be
-- ordered by their timestamps: corrected, they are equal for some offsets within the
-- bounds, i.e. ts_a - ts_b lies within the bounds of o(b) - o(a). Equal timestamps on two
-- nodes are always ambiguous; NULL when a timestamp is missing.
CREATE OR REPLACE TEMP MACRO order_ambiguous(node_a, ts_a, node_b, ts_b) AS
  node_a IS DISTINCT FROM node_b
  AND epoch_us(ts_a) - epoch_us(ts_b) BETWEEN skew_lower_us(node_a, node_b) AND skew_upper_us(node_a, node_b);

SELECT node, offset_us / 1000.0 AS offset_ms, lower_us / 1000.0 AS lower_ms, upper_us / 1000.0 AS upper_ms,
  pairs, basis, consistent, reference
FROM node_skew
ORDER BY node;
