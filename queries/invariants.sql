-- name: invariants
-- description: Ordering invariants "X before Y" between steps (op, phase) of the same key on the same node, judged
-- description: in every cycle: a key worked N times on a node runs each step N times, and "X before Y" holds at the
-- description: k-th Y when an X came since the (k-1)-th Y (for k = 1: before it). An instance is one Y occurrence
-- description: (key, node, k) on a (key, node) where X occurs; support = instances; confidence = share holding
-- description: (ol_pair_stats, from cycle_eval.sql or orderline's scan). A queued step is never Y (being queued is no
-- description: work done). Mined pairs need min_support and either min_confidence, or confined_confidence with every
-- description: exception on one node while at least two other nodes held it every time (a race is rare, and confined
-- description: to the node that raced); --expect pairs are always kept. Leaves ol_invariants for first_breaks.sql.
-- requires: cycle_eval
-- param: min_support  instances where both steps occur (default 20)
-- param: min_confidence  share of them where X came first (default 0.99)
-- param: confined_confidence  the share that will do when every exception is on one node (default 0.9)
-- param: expect  expected orders: chains "A<B<C" separated by commas; a step is op (any phase) or op:phase (default )

CREATE OR REPLACE TEMP TABLE ol_invariants AS
WITH stats AS (
  SELECT pair_id, sum(support) AS support, sum(support) - sum(broken) AS held,
         count(*) FILTER (WHERE broken > 0) AS nodes_broken,
         count(*) FILTER (WHERE broken = 0 AND support > 0) AS nodes_clean
  FROM ol_pair_stats GROUP BY pair_id
), judged AS (
  SELECT p.pair_id, p.before_op, p.before_phase, p.before_any, p.after_op, p.after_phase, p.after_any,
         coalesce(s.support, 0) AS support,
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
            OR (confidence >= getvariable('confined_confidence')::DOUBLE AND nodes_broken = 1 AND nodes_clean >= 2)))
UNION ALL
-- an expected pair whose steps never occur: kept, with no support
SELECT NULL, e.before_op, e.before_phase, e.before_any, e.after_op, e.after_phase, e.after_any, 0, 0, 'expected', false
FROM ol_expected e
WHERE NOT EXISTS (SELECT 1 FROM ol_pairs p
                  WHERE e.before_op = p.before_op AND e.before_phase IS NOT DISTINCT FROM p.before_phase AND e.before_any = p.before_any
                    AND e.after_op = p.after_op AND e.after_phase IS NOT DISTINCT FROM p.after_phase AND e.after_any = p.after_any);

SELECT before_op, before_phase, before_any, after_op, after_phase, after_any, support, confidence, source, confined
FROM ol_invariants
ORDER BY source, confidence DESC, support DESC, before_op, before_phase NULLS FIRST, after_op, after_phase NULLS FIRST;
