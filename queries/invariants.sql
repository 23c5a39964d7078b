-- name: invariants
-- description: Ordering invariants "X before Y" between steps (op, phase) of the same key on the same node, judged
-- description: in every cycle: a key worked N times on a node runs each step N times, and "X before Y" holds at the
-- description: k-th Y when an X came since the (k-1)-th Y (for k = 1: before it). An instance is one Y occurrence
-- description: (key, node, k) on a (key, node) where X occurs; support = instances; confidence = share holding.
-- description: A queued step is never Y (being queued is no work done). Mined pairs need min_support and either
-- description: min_confidence, or confined_confidence with every exception on one node while at least two other
-- description: nodes held it every time (a race is rare, and confined to the node that raced); --expect pairs are
-- description: always kept. Node order: seq when every keyed event of the node carries one, else ts, then ingest
-- description: order. Linear in a key's cycles: each Y occurrence meets the last X before it by an ASOF join.
-- description: Leaves temp tables ol_node_order, ol_ev, ol_steps, ol_pairs, ol_eval and ol_invariants for first_breaks.sql.
-- param: min_support  instances where both steps occur (default 20)
-- param: min_confidence  share of them where X came first (default 0.99)
-- param: confined_confidence  the share that will do when every exception is on one node (default 0.9)
-- param: expect  expected orders: chains "A<B<C" separated by commas; a step is op (any phase) or op:phase (default )

-- Per node: is the node ordered by seq (every keyed event carries one) or by time?
CREATE OR REPLACE TEMP TABLE ol_node_order AS
SELECT node, count(seq) = count(*) AS by_seq
FROM events
WHERE key IS NOT NULL AND op IS NOT NULL
GROUP BY node;

-- --expect chains → consecutive pairs; a step without ':' matches its op in any phase.
CREATE OR REPLACE TEMP TABLE ol_expected AS
WITH chains AS (
  SELECT list_transform(string_split(trim(c), '<'), s -> trim(s)) AS parts
  FROM (SELECT unnest(string_split(coalesce(getvariable('expect'), ''), ',')) AS c)
  WHERE trim(c) <> ''
), pairs AS (
  SELECT parts[i] AS b, parts[i + 1] AS a
  FROM (SELECT parts, unnest(range(1, len(parts))) AS i FROM chains)
), parsed AS (
  SELECT
    CASE WHEN contains(b, ':') THEN regexp_extract(b, '^(.*):([^:]*)$', 1) ELSE b END AS before_op,
    CASE WHEN contains(b, ':') THEN lower(regexp_extract(b, '^(.*):([^:]*)$', 2)) END AS before_phase,
    NOT contains(b, ':') AS before_any,
    CASE WHEN contains(a, ':') THEN regexp_extract(a, '^(.*):([^:]*)$', 1) ELSE a END AS after_op,
    CASE WHEN contains(a, ':') THEN lower(regexp_extract(a, '^(.*):([^:]*)$', 2)) END AS after_phase,
    NOT contains(a, ':') AS after_any
  FROM pairs
)
SELECT DISTINCT * FROM parsed;

-- Keyed events in each node's order (pos), every step once, and once more in any phase when an
-- --expect step names a bare op.
CREATE OR REPLACE TEMP TABLE ol_ev AS
WITH ordered AS (
  SELECT e.key, e.node, e.op, e.phase, e.event_id, e.causal_id,
         row_number() OVER (PARTITION BY e.key, e.node
                            ORDER BY CASE WHEN o.by_seq THEN e.seq END, e.ts, e.event_id) AS pos
  FROM events e JOIN ol_node_order o USING (node)
  WHERE e.key IS NOT NULL AND e.op IS NOT NULL
)
SELECT key, node, op, phase, false AS any_phase, event_id, causal_id, pos FROM ordered
UNION ALL
SELECT key, node, op, NULL, true, event_id, causal_id, pos FROM ordered
WHERE (SELECT coalesce(bool_or(before_any OR after_any), false) FROM ol_expected);

-- Each step of each (key, node): how often it ran and when first.
CREATE OR REPLACE TEMP TABLE ol_steps AS
SELECT key, node, op, phase, any_phase, count(*) AS n, min(pos) AS first_pos, arg_min(event_id, pos) AS first_event_id
FROM ol_ev GROUP BY ALL;

-- Candidate pairs: mined ones that could pass (an X can serve one Y interval only, so at most
-- sum(min(n_X, n_Y)) of the Y occurrences can hold), and the expected ones.
CREATE OR REPLACE TEMP TABLE ol_pairs AS
WITH mined AS (
  SELECT x.op AS before_op, x.phase AS before_phase, false AS before_any,
         y.op AS after_op, y.phase AS after_phase, false AS after_any
  FROM ol_steps x
  JOIN ol_steps y ON x.key = y.key AND x.node = y.node
   AND NOT x.any_phase AND NOT y.any_phase
   AND (x.op <> y.op OR x.phase IS DISTINCT FROM y.phase)
  WHERE y.phase IS DISTINCT FROM 'queued'
  GROUP BY ALL
  HAVING sum(y.n) >= getvariable('min_support')::BIGINT
     AND sum(least(x.n, y.n)) >= least(getvariable('min_confidence')::DOUBLE, getvariable('confined_confidence')::DOUBLE) * sum(y.n)
), expected AS (
  SELECT before_op, before_phase, before_any, after_op, after_phase, after_any FROM ol_expected
)
SELECT row_number() OVER (ORDER BY before_op, before_phase, before_any, after_op, after_phase, after_any) AS pair_id, *
FROM (SELECT * FROM mined UNION SELECT * FROM expected);

-- Every occurrence of each pair's Y, with the position of the Y before it on that (key, node).
CREATE OR REPLACE TEMP TABLE ol_yocc AS
SELECT p.pair_id, y.key, y.node, y.pos, y.event_id,
       lag(y.pos) OVER (PARTITION BY p.pair_id, y.key, y.node ORDER BY y.pos) AS prev_pos,
       row_number() OVER (PARTITION BY p.pair_id, y.key, y.node ORDER BY y.pos) AS k
FROM ol_pairs p
JOIN ol_ev y ON y.op = p.after_op AND y.any_phase = p.after_any AND y.phase IS NOT DISTINCT FROM p.after_phase;

-- Every occurrence of each pair's X.
CREATE OR REPLACE TEMP TABLE ol_xev AS
SELECT p.pair_id, x.key, x.node, x.pos, x.event_id
FROM ol_pairs p
JOIN ol_ev x ON x.op = p.before_op AND x.any_phase = p.before_any AND x.phase IS NOT DISTINCT FROM p.before_phase;

-- Each Y occurrence judged: the last X before it (ASOF), whether one came since the previous Y.
CREATE OR REPLACE TEMP TABLE ol_eval AS
SELECT y.pair_id, y.key, y.node, y.pos, y.event_id, y.prev_pos, y.k, x.pos AS x_pos,
       s.key IS NOT NULL AS has_x,
       x.pos IS NOT NULL AND (y.prev_pos IS NULL OR x.pos > y.prev_pos) AS holds
FROM ol_yocc y
ASOF LEFT JOIN ol_xev x ON x.pair_id = y.pair_id AND x.key = y.key AND x.node = y.node AND x.pos < y.pos
LEFT JOIN (SELECT DISTINCT p.pair_id, s.key, s.node
           FROM ol_pairs p JOIN ol_steps s ON s.op = p.before_op AND s.any_phase = p.before_any AND s.phase IS NOT DISTINCT FROM p.before_phase) s
  ON s.pair_id = y.pair_id AND s.key = y.key AND s.node = y.node;

CREATE OR REPLACE TEMP TABLE ol_invariants AS
WITH per_node AS (
  SELECT pair_id, node, count(*) FILTER (WHERE has_x) AS support, count(*) FILTER (WHERE has_x AND NOT holds) AS broken
  FROM ol_eval GROUP BY ALL
), stats AS (
  SELECT pair_id, sum(support) AS support, sum(support) - sum(broken) AS held,
         count(*) FILTER (WHERE broken > 0) AS nodes_broken,
         count(*) FILTER (WHERE broken = 0 AND support > 0) AS nodes_clean
  FROM per_node GROUP BY pair_id
), judged AS (
  SELECT p.*, coalesce(s.support, 0) AS support,
         CASE WHEN coalesce(s.support, 0) = 0 THEN 0 ELSE s.held / s.support END AS confidence,
         coalesce(s.nodes_broken, 0) AS nodes_broken, coalesce(s.nodes_clean, 0) AS nodes_clean,
         EXISTS (SELECT 1 FROM ol_expected e
                 WHERE e.before_op = p.before_op AND e.before_phase IS NOT DISTINCT FROM p.before_phase AND e.before_any = p.before_any
                   AND e.after_op = p.after_op AND e.after_phase IS NOT DISTINCT FROM p.after_phase AND e.after_any = p.after_any) AS expected
  FROM ol_pairs p LEFT JOIN stats s USING (pair_id)
)
SELECT pair_id, before_op, before_phase, before_any, after_op, after_phase, after_any, support, confidence,
       CASE WHEN expected THEN 'expected' ELSE 'mined' END AS source,
       NOT expected AND confidence < getvariable('min_confidence')::DOUBLE AS confined
FROM judged
WHERE expected
   OR (support >= getvariable('min_support')::BIGINT
       AND (confidence >= getvariable('min_confidence')::DOUBLE
            OR (confidence >= getvariable('confined_confidence')::DOUBLE AND nodes_broken = 1 AND nodes_clean >= 2)));

SELECT before_op, before_phase, before_any, after_op, after_phase, after_any, support, confidence, source, confined
FROM ol_invariants
ORDER BY source, confidence DESC, support DESC, before_op, before_phase NULLS FIRST, after_op, after_phase NULLS FIRST;
