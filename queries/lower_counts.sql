-- name: lower_counts
-- description: Lower-count anomalies (orderline anomalies). Count-bearing events are aligned across nodes by logical phase: the same seq when every event of the template carries one; for a keyed template (every event has a key, given or inferred) the k-th time each node logged it for that key; else the k-th time each node logged the template. A node is reported where its count is below the consensus of the OTHER nodes at that phase (the count at least two thirds of them, and at least min_peers, logged), and only for templates whose nodes agree (all but one, or three quarters of them, on one count) in at least min_agreement of their phases: a state volume agrees across replicas, a counter that varies by nature (sstables compacted, bytes, GC pauses, queue depths) does not, whatever its unit word.
-- param: min_peers  other nodes that must agree on the phase's count before a node is judged there (default 2)
-- param: min_gap  relative shortfall needed below the consensus, 0 = any shortfall (default 0)
-- param: min_agreement  share of a template's phases where its nodes reach a consensus, for the template to be judged at all (default 0.8)
--
-- Rules (see README, orderline anomalies):
-- * a phase counts when at least min_peers + 1 nodes logged it; its nodes agree there when one
--   count is held by all of them but one, or by three quarters of them (the template's agreement is
--   the share of such phases): replicas agree on a state volume except where one broke;
-- * a node is below the consensus of the others when one count is held by at least two thirds of
--   the others and by at least min_peers of them, and its own is strictly lower (ties are agreement);
--   a bare majority is no consensus (17 of 29 nodes on one count, 12 on others, is a spread);
-- * min_gap 0 by default: a race that loses a few entities of thousands is the signal;
-- * with two nodes only, either one could be the wrong one: nothing is reported unless min_peers is 1;
-- * a node that logged the same seq twice for a template counts once (its first event);
-- * an occurrence no phase holds (a node logged the message more often than the others: a restart)
--   is judged as of its time (aligned_by as_of): against each other node's latest count of the
--   template (of the key, when keyed) at or before it.

-- Count-bearing events; `template` (a generated column or the inferred template) is computed here once.
CREATE OR REPLACE TEMP TABLE lc_events AS
SELECT e.event_id, e.node, e.template, e.key, e.count, e.count_unit, e.seq, e.ts, e.source_id, e.line
FROM events e
WHERE e.count IS NOT NULL AND e.node IS NOT NULL AND e.message IS NOT NULL;

-- Each event's logical phase within its template: (phase_key, phase_index).
CREATE OR REPLACE TEMP TABLE lc_phased AS
WITH t AS (
  SELECT *, bool_and(seq IS NOT NULL) OVER (PARTITION BY template) AS by_seq,
            bool_and(key IS NOT NULL) OVER (PARTITION BY template) AS by_key
  FROM lc_events
), k AS (
  SELECT *,
    CASE WHEN by_seq THEN 'seq' WHEN by_key THEN 'key_occurrence' ELSE 'occurrence' END AS aligned_by,
    CASE WHEN NOT by_seq AND by_key THEN key END AS phase_key,
    CASE WHEN by_seq THEN dense_rank() OVER (PARTITION BY template ORDER BY seq)
         WHEN by_key THEN row_number() OVER (PARTITION BY template, key, node ORDER BY ts NULLS LAST, source_id, line)
         ELSE row_number() OVER (PARTITION BY template, node ORDER BY ts NULLS LAST, source_id, line) END AS phase_index,
    row_number() OVER (PARTITION BY template, node, seq ORDER BY ts NULLS LAST, source_id, line) AS nth_at_seq
  FROM t
)
SELECT * EXCLUDE (nth_at_seq, by_seq, by_key) FROM k WHERE aligned_by <> 'seq' OR nth_at_seq = 1;

-- Every phase logged by enough nodes: how many, how many distinct counts, and whether a consensus holds.
CREATE OR REPLACE TEMP TABLE lc_groups AS
WITH c AS (
  SELECT template, phase_key, phase_index, count, count(*) AS n FROM lc_phased GROUP BY ALL
)
SELECT template, phase_key, phase_index, sum(n)::BIGINT AS nodes, max(n)::BIGINT AS mode_n, count(*)::BIGINT AS counts
FROM c GROUP BY ALL
HAVING sum(n) >= getvariable('min_peers')::INTEGER + 1;

-- Per template: the share of its phases where its nodes agree (all but one of them, or three quarters, on one count).
CREATE OR REPLACE TEMP TABLE lc_templates AS
SELECT template, count(*)::BIGINT AS phases, avg(CASE WHEN mode_n >= nodes - 1 OR mode_n * 4 >= nodes * 3 THEN 1.0 ELSE 0.0 END)::DOUBLE AS agreement
FROM lc_groups GROUP BY template;

-- Phases where nodes disagree, of templates that agree: the only ones worth a join.
CREATE OR REPLACE TEMP TABLE lc_candidates AS
SELECT g.template, g.phase_key, g.phase_index, t.agreement, t.phases
FROM lc_groups g JOIN lc_templates t USING (template)
WHERE g.counts > 1 AND t.agreement >= getvariable('min_agreement')::DOUBLE;

-- Occurrences no phase holds (a node logged a message more often than the others: a restart's second
-- `Initialized …`), of templates that agree: judged as of their time, against each other node's latest
-- count of the template (for the same key, when keyed) at or before it.
CREATE OR REPLACE TEMP TABLE lc_orphans AS
SELECT p.*, t.agreement, t.phases
FROM lc_phased p
JOIN lc_templates t USING (template)
WHERE p.aligned_by <> 'seq' AND p.ts IS NOT NULL AND t.agreement >= getvariable('min_agreement')::DOUBLE
  AND NOT EXISTS (SELECT 1 FROM lc_groups g WHERE g.template = p.template AND g.phase_key IS NOT DISTINCT FROM p.phase_key AND g.phase_index = p.phase_index);

-- Every (judged event, other node, other node's count): at the same phase, or as of the orphan's time.
CREATE OR REPLACE TEMP TABLE lc_pairs AS
SELECT p.node, p.template, p.phase_key, p.phase_index, p.aligned_by, p.seq, p.count, p.count_unit, p.ts, p.source_id, p.line,
       g.agreement, g.phases, o.node AS other_node, o.count AS other_count
FROM lc_phased p
JOIN lc_candidates g ON g.template = p.template AND g.phase_key IS NOT DISTINCT FROM p.phase_key AND g.phase_index = p.phase_index
JOIN lc_phased o ON o.template = p.template AND o.phase_key IS NOT DISTINCT FROM p.phase_key AND o.phase_index = p.phase_index AND o.node <> p.node
UNION ALL
SELECT q.node, q.template, q.phase_key, q.phase_index, 'as_of' AS aligned_by, q.seq, q.count, q.count_unit, q.ts, q.source_id, q.line,
       q.agreement, q.phases, o.node AS other_node, o.count AS other_count
FROM (
  SELECT x.*, n.other, coalesce(x.phase_key, '') AS pk
  FROM lc_orphans x
  JOIN (SELECT DISTINCT template, node AS other FROM lc_phased) n ON n.template = x.template AND n.other <> x.node
) q
ASOF JOIN (SELECT *, coalesce(phase_key, '') AS pk FROM lc_phased WHERE ts IS NOT NULL) o
  ON o.template = q.template AND o.node = q.other AND o.pk = q.pk AND o.ts <= q.ts;

WITH judged AS (
  SELECT
    node, template, phase_key, phase_index, aligned_by, seq, count, count_unit, ts, source_id, line, agreement, phases,
    median(other_count)::DOUBLE AS peer_median,
    mode(other_count) AS consensus,
    list(other_count) AS other_counts,
    to_json(map_from_entries(list((other_node, other_count) ORDER BY other_node))) AS peers
  FROM lc_pairs
  GROUP BY ALL
), counted AS (
  SELECT *, len(list_filter(other_counts, x -> x = consensus)) AS agreeing, len(other_counts) AS others FROM judged
)
SELECT
  c.node, c.template, c.phase_key AS key, c.phase_index, c.aligned_by,
  CASE WHEN c.aligned_by = 'seq' THEN c.seq END AS seq,
  c.count, c.count_unit, c.peer_median, c.peers,
  c.consensus AS consensus_count, c.agreeing::INTEGER AS consensus_nodes, c.others::INTEGER AS other_nodes,
  c.agreement AS template_agreement, c.phases::BIGINT AS template_phases,
  c.ts, s.path AS source, c.line
FROM counted c
JOIN sources s ON s.source_id = c.source_id
WHERE c.agreeing >= getvariable('min_peers')::INTEGER AND c.agreeing * 3 >= c.others * 2
  AND c.count < c.consensus * (1 - getvariable('min_gap')::DOUBLE)
ORDER BY c.template, c.phase_key NULLS FIRST, c.phase_index, c.node;
