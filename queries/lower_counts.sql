-- name: lower_counts
-- description: Lower-count anomalies (orderline anomalies). For each count-bearing template, events are aligned across nodes by logical phase: the same seq when every event of the template carries one, else the k-th occurrence of the template on each node (in ts order, then file and line). A node whose count is below the median of the OTHER nodes' counts at that phase is reported, with those counts and its evidence line.
-- param: min_peers  other nodes that must have logged the phase before a node is judged there (default 2)
-- param: min_gap  relative shortfall needed below the peers' median, 0 = any shortfall (default 0)
--
-- Rules (see README, orderline anomalies):
-- * strictly below: a count equal to the peers' median is no anomaly (ties are agreement);
-- * min_gap 0 by default: a race that loses a few entities of thousands is the signal,
--   so any shortfall counts; raise it (0.05 = 5 %) for counts that jitter naturally;
-- * min_peers 2 by default: a node is judged against a consensus of at least two others;
--   with two nodes only, either one could be the wrong one, so nothing is reported
--   unless min_peers is 1 (then the lower of the two is);
-- * a node that logged the same seq twice for a template counts once (its first event).

-- Count-bearing events; `template` (a generated column) is computed here once.
CREATE OR REPLACE TEMP TABLE lc_events AS
SELECT e.event_id, e.node, e.template, e.count, e.count_unit, e.seq, e.ts, e.source_id, e.line
FROM events e
WHERE e.count IS NOT NULL AND e.node IS NOT NULL AND e.message IS NOT NULL;

-- Each event's logical phase within its template.
CREATE OR REPLACE TEMP TABLE lc_phased AS
WITH t AS (
  SELECT *, bool_and(seq IS NOT NULL) OVER (PARTITION BY template) AS by_seq
  FROM lc_events
), k AS (
  SELECT *,
    CASE WHEN by_seq THEN dense_rank() OVER (PARTITION BY template ORDER BY seq)
         ELSE row_number() OVER (PARTITION BY template, node ORDER BY ts NULLS LAST, source_id, line) END AS phase_index,
    row_number() OVER (PARTITION BY template, node, seq ORDER BY ts NULLS LAST, source_id, line) AS nth_at_seq
  FROM t
)
SELECT * EXCLUDE (nth_at_seq) FROM k WHERE NOT by_seq OR nth_at_seq = 1;

-- Phases where nodes disagree and enough of them logged it: the only ones worth a join.
CREATE OR REPLACE TEMP TABLE lc_groups AS
SELECT template, phase_index
FROM lc_phased
GROUP BY template, phase_index
HAVING count(*) >= getvariable('min_peers')::INTEGER + 1 AND min(count) < max(count);

SELECT
  p.node,
  p.template,
  p.phase_index,
  CASE WHEN p.by_seq THEN 'seq' ELSE 'occurrence' END AS aligned_by,
  CASE WHEN p.by_seq THEN p.seq END AS seq,
  p.count,
  p.count_unit,
  median(o.count)::DOUBLE AS peer_median,
  to_json(map_from_entries(list((o.node, o.count) ORDER BY o.node))) AS peers,
  p.ts,
  s.path AS source,
  p.line
FROM lc_phased p
JOIN lc_groups g USING (template, phase_index)
JOIN lc_phased o ON o.template = p.template AND o.phase_index = p.phase_index AND o.node <> p.node
JOIN sources s ON s.source_id = p.source_id
GROUP BY p.node, p.template, p.phase_index, p.by_seq, p.seq, p.count, p.count_unit, p.ts, s.path, p.line
HAVING p.count < median(o.count) * (1 - getvariable('min_gap')::DOUBLE)
ORDER BY p.template, p.phase_index, p.node;
