-- name: invariants
-- description: Ordering invariants "X before Y" between steps (op, phase) of the same key on the same node.
-- description: An instance is one (key, node); a step's position is its first occurrence in that node's order
-- description: (seq when every keyed event of the node has one, else ts, then ingest order). support = instances
-- description: holding both steps; confidence = share of them where X's first occurrence precedes Y's.
-- description: Mined pairs pass both thresholds; --expect pairs are always kept. Leaves temp tables
-- description: ol_node_order, ol_steps and ol_invariants for first_breaks.sql.
-- param: min_support  instances where both steps occur (default 20)
-- param: min_confidence  share of those where X came first (default 0.99)
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

-- First occurrence of every step per (key, node). Rows with any_phase = true are op-level
-- steps (first event of the op in any phase), made only when an --expect step needs them.
CREATE OR REPLACE TEMP TABLE ol_steps AS
WITH ev AS (
  SELECT e.key, e.node, e.op, e.phase, e.event_id,
         row_number() OVER (PARTITION BY e.key, e.node
                            ORDER BY CASE WHEN o.by_seq THEN e.seq END, e.ts, e.event_id) AS pos
  FROM events e JOIN ol_node_order o USING (node)
  WHERE e.key IS NOT NULL AND e.op IS NOT NULL
)
SELECT key, node, op, phase, false AS any_phase, min(pos) AS first_pos, arg_min(event_id, pos) AS first_event_id
FROM ev GROUP BY key, node, op, phase
UNION ALL
SELECT key, node, op, NULL, true, min(pos), arg_min(event_id, pos)
FROM ev
WHERE (SELECT coalesce(bool_or(before_any OR after_any), false) FROM ol_expected)
GROUP BY key, node, op;

CREATE OR REPLACE TEMP TABLE ol_invariants AS
WITH mined AS (
  SELECT x.op AS before_op, x.phase AS before_phase, false AS before_any,
         y.op AS after_op, y.phase AS after_phase, false AS after_any,
         count(*) AS support,
         count(*) FILTER (WHERE x.first_pos < y.first_pos) / count(*) AS confidence
  FROM ol_steps x
  JOIN ol_steps y ON x.key = y.key AND x.node = y.node
   AND NOT x.any_phase AND NOT y.any_phase
   AND (x.op <> y.op OR x.phase IS DISTINCT FROM y.phase)
  GROUP BY ALL
  HAVING count(*) >= getvariable('min_support')::BIGINT
     AND count(*) FILTER (WHERE x.first_pos < y.first_pos) / count(*) >= getvariable('min_confidence')::DOUBLE
), expected AS (
  SELECT p.*,
         count(y.key) AS support,
         CASE WHEN count(y.key) = 0 THEN 0
              ELSE count(*) FILTER (WHERE x.first_pos < y.first_pos) / count(y.key) END AS confidence
  FROM ol_expected p
  LEFT JOIN ol_steps x ON x.op = p.before_op AND x.any_phase = p.before_any AND x.phase IS NOT DISTINCT FROM p.before_phase
  LEFT JOIN ol_steps y ON y.key = x.key AND y.node = x.node
   AND y.op = p.after_op AND y.any_phase = p.after_any AND y.phase IS NOT DISTINCT FROM p.after_phase
  GROUP BY ALL
)
SELECT *, 'expected' AS source FROM expected
UNION ALL
SELECT m.*, 'mined' AS source FROM mined m
WHERE NOT EXISTS (
  SELECT 1 FROM expected e
  WHERE e.before_op = m.before_op AND e.before_phase IS NOT DISTINCT FROM m.before_phase AND NOT e.before_any
    AND e.after_op = m.after_op AND e.after_phase IS NOT DISTINCT FROM m.after_phase AND NOT e.after_any
);

SELECT before_op, before_phase, before_any, after_op, after_phase, after_any, support, confidence, source
FROM ol_invariants
ORDER BY source, confidence DESC, support DESC, before_op, before_phase NULLS FIRST, after_op, after_phase NULLS FIRST;
