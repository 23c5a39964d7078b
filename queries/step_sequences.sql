-- name: step_sequences
-- description: The sequences diverge judges: every keyed event with an op, in its (key, node)'s order (pos): seq when
-- description: every keyed event of the node carries one, else ts, then ingest order. Each (key, node) gets a number
-- description: (ol_kn.kn), each step (op, phase) too (ol_step_ids.step_id), and once more in any phase when an --expect
-- description: step names a bare op. ol_steps: how often each step ran on each (key, node). ol_pairs: the candidate
-- description: invariants "X before Y": the expected ones, and mined ones that could pass (an X can serve one Y interval
-- description: only, so at most sum(min(n_X, n_Y)) of the Y occurrences can hold); a queued step is never Y.
-- description: Leaves ol_node_order, ol_expected, ol_kn, ol_step_ids, ol_ev, ol_steps, ol_pairs for cycle_eval.sql.
-- param: min_support  instances where both steps occur (default 20)
-- param: min_confidence  share of them where X came first (default 0.99)
-- param: confined_confidence  the share that will do when every exception is on one node (default 0.9)
-- param: expect  expected orders: chains "A<B<C" separated by commas; a step is op (any phase) or op:phase (default )

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

CREATE OR REPLACE TEMP TABLE ol_keyed AS
SELECT e.key, e.node, e.op, e.phase, e.event_id, e.causal_id,
       row_number() OVER (PARTITION BY e.key, e.node ORDER BY CASE WHEN o.by_seq THEN e.seq END, e.ts, e.event_id)::INTEGER AS pos
FROM events e JOIN ol_node_order o USING (node)
WHERE e.key IS NOT NULL AND e.op IS NOT NULL;

CREATE OR REPLACE TEMP TABLE ol_kn AS
SELECT row_number() OVER (ORDER BY key, node)::INTEGER AS kn, key, node, dense_rank() OVER (ORDER BY node)::INTEGER AS node_id
FROM (SELECT DISTINCT key, node FROM ol_keyed);

CREATE OR REPLACE TEMP TABLE ol_step_ids AS
WITH steps AS (
  SELECT DISTINCT op, phase, false AS any_phase FROM ol_keyed
  UNION ALL
  SELECT DISTINCT op, NULL, true FROM ol_keyed
  WHERE (SELECT coalesce(bool_or(before_any OR after_any), false) FROM ol_expected)
)
SELECT row_number() OVER (ORDER BY op, phase NULLS FIRST, any_phase)::INTEGER AS step_id, * FROM steps;

-- Every keyed event as a step of its (key, node), twice when it also counts in any phase.
CREATE OR REPLACE TEMP TABLE ol_ev AS
SELECT k.kn, e.pos, s.step_id, e.event_id, e.key, e.node, e.op, e.phase, s.any_phase, e.causal_id
FROM ol_keyed e
JOIN ol_kn k USING (key, node)
JOIN ol_step_ids s ON s.op = e.op AND (s.any_phase OR s.phase IS NOT DISTINCT FROM e.phase);

CREATE OR REPLACE TEMP TABLE ol_steps AS
SELECT kn, step_id, count(*) AS n FROM ol_ev GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE ol_pairs AS
WITH mined AS (
  SELECT x.step_id AS x_step, y.step_id AS y_step
  FROM ol_steps x
  JOIN ol_steps y ON x.kn = y.kn AND x.step_id <> y.step_id
  JOIN ol_step_ids xs ON xs.step_id = x.step_id
  JOIN ol_step_ids ys ON ys.step_id = y.step_id
  WHERE NOT xs.any_phase AND NOT ys.any_phase AND ys.phase IS DISTINCT FROM 'queued'
  GROUP BY ALL
  HAVING sum(y.n) >= getvariable('min_support')::BIGINT
     AND sum(least(x.n, y.n)) >= least(getvariable('min_confidence')::DOUBLE, getvariable('confined_confidence')::DOUBLE) * sum(y.n)
), expected AS (
  SELECT xs.step_id AS x_step, ys.step_id AS y_step
  FROM ol_expected e
  JOIN ol_step_ids xs ON xs.op = e.before_op AND xs.any_phase = e.before_any AND xs.phase IS NOT DISTINCT FROM e.before_phase
  JOIN ol_step_ids ys ON ys.op = e.after_op AND ys.any_phase = e.after_any AND ys.phase IS NOT DISTINCT FROM e.after_phase
), candidates AS (SELECT * FROM mined UNION SELECT * FROM expected)
SELECT row_number() OVER (ORDER BY b.x_step, b.y_step)::INTEGER AS pair_id, b.x_step, b.y_step,
       xs.op AS before_op, xs.phase AS before_phase, xs.any_phase AS before_any,
       ys.op AS after_op, ys.phase AS after_phase, ys.any_phase AS after_any
FROM candidates b JOIN ol_step_ids xs ON xs.step_id = b.x_step JOIN ol_step_ids ys ON ys.step_id = b.y_step;

SELECT count(*) AS pairs FROM ol_pairs;
