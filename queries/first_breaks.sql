-- name: first_breaks
-- description: The ordering breaks, cycle by cycle: every Y occurrence of an invariant "X before Y" (invariants.sql)
-- description: with no X since the Y before it is a violation; its resolution is the first X after it (never: null).
-- description: Where several invariants break at one event, the one whose X came latest (or never) is reported, then
-- description: the most confident. Violations of a (key, node) that fall before the resolution of an earlier one belong
-- description: to it (one cycle, one finding); a violation after it starts a new finding, so a break in any cycle is
-- description: found and the cycles around it neither hide it nor make false ones. Per finding: first_break = its
-- description: first violation, missing = X, pending = the events of X's op before the break that had not completed:
-- description: those of the operation instance that resolved it (same causal_id) where it has one, else those since
-- description: the Y before; window = first pending ts (else break ts) to resolved ts (else break ts); healthy_node =
-- description: another node whose timeline of the key kept that invariant every time (nodes without any break on the
-- description: key first, then by name). One row per (finding, pending event). Runs invariants.sql first (and it
-- description: cycle_eval.sql, and that step_sequences.sql).
-- requires: invariants
-- param: min_support  instances where both steps occur (default 20)
-- param: min_confidence  share of those where X came first (default 0.99)
-- param: confined_confidence  the share that will do when every exception is on one node (default 0.9)
-- param: expect  expected orders: chains "A<B<C" separated by commas; a step is op (any phase) or op:phase (default )
-- param: key  only findings for this key (unset: every key)
-- param: node  only findings on this node (unset: every node)

-- Every violation of an invariant (ol_violations: from cycle_eval.sql or orderline's scan), its events.
CREATE OR REPLACE TEMP TABLE ol_broken AS
SELECT v.pair_id, k.key, k.node, v.kn, v.break_pos, be.event_id AS break_event_id, v.prev_pos, v.cycle, v.last_x_pos,
       i.before_op, i.before_phase, i.before_any, i.after_op, i.after_phase, i.after_any,
       i.support, i.confidence, i.source AS invariant_source,
       v.resolved_pos, re.event_id AS resolved_event_id
FROM ol_violations v
JOIN ol_invariants i USING (pair_id)
JOIN ol_pairs p USING (pair_id)
JOIN ol_kn k USING (kn)
JOIN ol_ev be ON be.kn = v.kn AND be.pos = v.break_pos AND be.step_id = p.y_step
LEFT JOIN ol_ev re ON re.kn = v.kn AND re.pos = v.resolved_pos AND re.step_id = p.x_step;

-- One invariant per violating event: the one whose X came latest (or never), then the most confident.
CREATE OR REPLACE TEMP TABLE ol_break_events AS
SELECT * FROM ol_broken
QUALIFY row_number() OVER (
  PARTITION BY key, node, break_pos
  ORDER BY resolved_pos DESC NULLS FIRST, confidence DESC, support DESC,
           before_op, before_phase NULLS FIRST, after_op, after_phase NULLS FIRST) = 1;

-- Findings: a violation before the resolution of the one before it belongs to the same finding.
CREATE OR REPLACE TEMP TABLE ol_all_breaks AS
WITH reach AS (
  SELECT *, max(coalesce(resolved_pos, 9223372036854775807)) OVER (
              PARTITION BY key, node ORDER BY break_pos ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reached
  FROM ol_break_events
), islands AS (
  SELECT *, sum(CASE WHEN reached IS NULL OR break_pos > reached THEN 1 ELSE 0 END) OVER (
              PARTITION BY key, node ORDER BY break_pos ROWS UNBOUNDED PRECEDING) AS finding
  FROM reach
)
SELECT * EXCLUDE (reached) FROM islands
QUALIFY row_number() OVER (PARTITION BY key, node, finding ORDER BY break_pos) = 1;

CREATE OR REPLACE TEMP TABLE ol_breaks AS
SELECT * FROM ol_all_breaks
WHERE (getvariable('key')::VARCHAR IS NULL OR key = getvariable('key')::VARCHAR)
  AND (getvariable('node')::VARCHAR IS NULL OR node = getvariable('node')::VARCHAR);

-- The events of the broken (key, node)s, in the same order as ol_ev.
CREATE OR REPLACE TEMP TABLE ol_break_ev AS
SELECT e.* FROM ol_ev e
JOIN (SELECT DISTINCT kn FROM ol_breaks) b USING (kn)
WHERE NOT e.any_phase;

-- What the findings cite of those events (one pass over events).
CREATE OR REPLACE TEMP TABLE ol_cited AS
SELECT e.event_id, e.op, e.phase, e.ts, e.seq, e.message, e.source_id, e.line
FROM events e WHERE e.event_id IN (SELECT event_id FROM ol_break_ev);

WITH healthy AS (
  -- nodes whose timeline of the key kept the invariant every time; those without any break on the key first
  SELECT b.key, b.node, b.finding,
         substr(min(CASE WHEN ab.key IS NULL THEN '0' ELSE '1' END || h.node), 2) AS healthy_node
  FROM ol_breaks b
  JOIN ol_pairs p USING (pair_id)
  -- another node of the key where both steps ran and no violation of the invariant happened
  JOIN ol_kn h ON h.key = b.key AND h.node <> b.node
  JOIN ol_steps hx ON hx.kn = h.kn AND hx.step_id = p.x_step
  JOIN ol_steps hy ON hy.kn = h.kn AND hy.step_id = p.y_step
  LEFT JOIN (SELECT DISTINCT pair_id, kn FROM ol_violations) hv ON hv.pair_id = b.pair_id AND hv.kn = h.kn
  LEFT JOIN (SELECT DISTINCT key, node FROM ol_all_breaks) ab ON ab.key = h.key AND ab.node = h.node
  WHERE hv.kn IS NULL
  GROUP BY b.key, b.node, b.finding
), resolver AS (
  SELECT b.key, b.node, b.finding, re.causal_id AS resolved_causal
  FROM ol_breaks b LEFT JOIN ol_break_ev re ON re.key = b.key AND re.node = b.node AND re.event_id = b.resolved_event_id
), pending AS (
  -- X's op before the break, not completed: the resolving instance's events where it has an id, else those since the Y before
  SELECT b.key, b.node, b.finding, p.op, p.phase, p.event_id, p.pos
  FROM ol_breaks b
  JOIN resolver r USING (key, node, finding)
  JOIN ol_break_ev p ON p.key = b.key AND p.node = b.node AND p.op = b.before_op AND p.pos < b.break_pos
   AND p.phase IS DISTINCT FROM 'completed' AND (b.before_any OR p.phase IS DISTINCT FROM b.before_phase)
   AND CASE WHEN r.resolved_causal IS NOT NULL THEN p.causal_id IS NOT DISTINCT FROM r.resolved_causal
            ELSE p.pos > coalesce(b.prev_pos, b.last_x_pos, 0) END
)
SELECT b.key, b.node, b.cycle,
       be.op AS break_op, be.phase AS break_phase, be.ts AS break_ts, bs.path AS break_source, be.line AS break_line,
       be.seq AS break_seq, be.message AS break_message,
       b.before_op AS missing_op, b.before_phase AS missing_phase, b.before_any AS missing_any_phase,
       b.after_op, b.after_phase, b.after_any AS after_any_phase, b.support, b.confidence, b.invariant_source,
       re.ts AS resolved_ts, rs.path AS resolved_source, re.line AS resolved_line,
       h.healthy_node,
       pe.op AS pending_op, pe.phase AS pending_phase, pe.ts AS pending_ts, ps.path AS pending_source, pe.line AS pending_line,
       coalesce(min(pe.ts) OVER (PARTITION BY b.key, b.node, b.finding), be.ts) AS window_start,
       coalesce(re.ts, be.ts) AS window_end,
       -- equal timestamps without seq: ingest (line) order decided that Y came before X
       (NOT o.by_seq AND re.ts IS NOT DISTINCT FROM be.ts) AS ambiguous
FROM ol_breaks b
JOIN ol_node_order o ON o.node = b.node
JOIN ol_cited be ON be.event_id = b.break_event_id
JOIN sources bs ON bs.source_id = be.source_id
LEFT JOIN ol_cited re ON re.event_id = b.resolved_event_id
LEFT JOIN sources rs ON rs.source_id = re.source_id
LEFT JOIN healthy h ON h.key = b.key AND h.node = b.node AND h.finding = b.finding
LEFT JOIN pending p ON p.key = b.key AND p.node = b.node AND p.finding = b.finding
LEFT JOIN ol_cited pe ON pe.event_id = p.event_id
LEFT JOIN sources ps ON ps.source_id = pe.source_id
ORDER BY b.key, b.node, b.break_pos, p.pos;
