-- name: first_breaks
-- description: The first ordering break per (key, node): the earliest event, in that node's order, whose step Y
-- description: had no first occurrence of X before it, for an invariant "X before Y" of invariants.sql.
-- description: missing = X. pending = the events of X's op on that (key, node) before the break, other than
-- description: completions (X queued or started but not done). resolved = X's first occurrence after the break.
-- description: window = first pending ts (else break ts) to resolved ts (else break ts). healthy_node = another
-- description: node where the key kept that invariant (nodes without any break first, then by name).
-- description: One row per (finding, pending event). Runs invariants.sql first (it makes the temp tables).
-- requires: invariants
-- param: min_support  instances where both steps occur (default 20)
-- param: min_confidence  share of those where X came first (default 0.99)
-- param: expect  expected orders: chains "A<B<C" separated by commas; a step is op (any phase) or op:phase (default )
-- param: key  only findings for this key (unset: every key)
-- param: node  only findings on this node (unset: every node)

-- Every (key, node, invariant) whose Y came before the first X (or without any X).
CREATE OR REPLACE TEMP TABLE ol_violations AS
SELECT y.key, y.node, y.first_pos AS break_pos, y.first_event_id AS break_event_id,
       i.before_op, i.before_phase, i.before_any, i.after_op, i.after_phase, i.after_any,
       i.support, i.confidence, i.source AS invariant_source,
       x.first_pos AS resolved_pos, x.first_event_id AS resolved_event_id
FROM ol_invariants i
JOIN ol_steps y
  ON y.op = i.after_op AND y.any_phase = i.after_any AND y.phase IS NOT DISTINCT FROM i.after_phase
LEFT JOIN ol_steps x
  ON x.key = y.key AND x.node = y.node
 AND x.op = i.before_op AND x.any_phase = i.before_any AND x.phase IS NOT DISTINCT FROM i.before_phase
WHERE x.first_pos IS NULL OR x.first_pos > y.first_pos;

-- The first break per (key, node); when several invariants break at that event, the one whose
-- X came latest (or never) is reported, then the most confident.
CREATE OR REPLACE TEMP TABLE ol_all_breaks AS
SELECT * FROM ol_violations
QUALIFY row_number() OVER (
  PARTITION BY key, node
  ORDER BY break_pos, resolved_pos DESC NULLS FIRST, confidence DESC, support DESC,
           before_op, before_phase NULLS FIRST, after_op, after_phase NULLS FIRST) = 1;

CREATE OR REPLACE TEMP TABLE ol_breaks AS
SELECT * FROM ol_all_breaks
WHERE (getvariable('key')::VARCHAR IS NULL OR key = getvariable('key')::VARCHAR)
  AND (getvariable('node')::VARCHAR IS NULL OR node = getvariable('node')::VARCHAR);

-- The events of the broken instances, with the same positions as ol_steps.
CREATE OR REPLACE TEMP TABLE ol_break_events AS
SELECT e.event_id, e.key, e.node, e.op, e.phase, e.ts, e.seq, e.message, e.source_id, e.line,
       row_number() OVER (PARTITION BY e.key, e.node
                          ORDER BY CASE WHEN o.by_seq THEN e.seq END, e.ts, e.event_id) AS pos
FROM events e
JOIN ol_node_order o USING (node)
JOIN (SELECT DISTINCT key, node FROM ol_breaks) b USING (key, node)
WHERE e.op IS NOT NULL;

WITH healthy AS (
  SELECT b.key, b.node,
         -- prefer a node with no break at all on the key, then the first by name
         substr(min(CASE WHEN ab.key IS NULL THEN '0' ELSE '1' END || hx.node), 2) AS healthy_node
  FROM ol_breaks b
  JOIN ol_steps hx
    ON hx.key = b.key AND hx.node <> b.node
   AND hx.op = b.before_op AND hx.any_phase = b.before_any AND hx.phase IS NOT DISTINCT FROM b.before_phase
  JOIN ol_steps hy
    ON hy.key = hx.key AND hy.node = hx.node
   AND hy.op = b.after_op AND hy.any_phase = b.after_any AND hy.phase IS NOT DISTINCT FROM b.after_phase
   AND hx.first_pos < hy.first_pos
  LEFT JOIN ol_all_breaks ab ON ab.key = hx.key AND ab.node = hx.node
  GROUP BY b.key, b.node
), pending AS (
  SELECT b.key, b.node, p.op, p.phase, p.ts, p.source_id, p.line, p.pos
  FROM ol_breaks b
  JOIN ol_break_events p
    ON p.key = b.key AND p.node = b.node AND p.op = b.before_op AND p.pos < b.break_pos
   AND p.phase IS DISTINCT FROM 'completed'
)
SELECT b.key, b.node,
       be.op AS break_op, be.phase AS break_phase, be.ts AS break_ts, bs.path AS break_source, be.line AS break_line,
       be.seq AS break_seq, be.message AS break_message,
       b.before_op AS missing_op, b.before_phase AS missing_phase, b.before_any AS missing_any_phase,
       b.after_op, b.after_phase, b.after_any AS after_any_phase, b.support, b.confidence, b.invariant_source,
       re.ts AS resolved_ts, rs.path AS resolved_source, re.line AS resolved_line,
       h.healthy_node,
       p.op AS pending_op, p.phase AS pending_phase, p.ts AS pending_ts, ps.path AS pending_source, p.line AS pending_line,
       coalesce(min(p.ts) OVER (PARTITION BY b.key, b.node), be.ts) AS window_start,
       coalesce(re.ts, be.ts) AS window_end,
       -- equal timestamps without seq: ingest (line) order decided that Y came before X
       (NOT o.by_seq AND re.ts IS NOT DISTINCT FROM be.ts) AS ambiguous
FROM ol_breaks b
JOIN ol_node_order o ON o.node = b.node
JOIN events be ON be.event_id = b.break_event_id
JOIN sources bs ON bs.source_id = be.source_id
LEFT JOIN events re ON re.event_id = b.resolved_event_id
LEFT JOIN sources rs ON rs.source_id = re.source_id
LEFT JOIN healthy h ON h.key = b.key AND h.node = b.node
LEFT JOIN pending p ON p.key = b.key AND p.node = b.node
LEFT JOIN sources ps ON ps.source_id = p.source_id
ORDER BY b.key, b.node, p.pos;
