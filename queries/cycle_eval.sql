-- name: cycle_eval
-- description: Every cycle judged, in SQL (orderline's diverge makes the same two tables with one ordered scan in
-- description: src/analyses/cycleScan.ts; test/analyses.cycles.test.ts holds them equal): for each candidate pair
-- description: "X before Y" (ol_pairs) and each Y occurrence on a (key, node), the last X before it (an ASOF join);
-- description: it holds when that X came after the previous Y (for the first Y: when there is one at all).
-- description: ol_pair_stats: per pair and node, instances (Y occurrences on a (key, node) where X occurs) and how many
-- description: broke. ol_violations: every Y occurrence that did not hold, with the Y before it, the last X before it
-- description: and the first X after it (its resolution; null: never).
-- requires: step_sequences
CREATE OR REPLACE TEMP TABLE ol_yocc AS
SELECT p.pair_id, p.x_step, y.kn, y.pos,
       lag(y.pos) OVER (PARTITION BY p.pair_id, y.kn ORDER BY y.pos) AS prev_pos,
       row_number() OVER (PARTITION BY p.pair_id, y.kn ORDER BY y.pos) AS k
FROM ol_pairs p JOIN ol_ev y ON y.step_id = p.y_step;

CREATE OR REPLACE TEMP TABLE ol_xev AS
SELECT p.pair_id, x.kn, x.pos FROM ol_pairs p JOIN ol_ev x ON x.step_id = p.x_step;

CREATE OR REPLACE TEMP TABLE ol_eval AS
SELECT y.pair_id, y.kn, y.pos, y.prev_pos, y.k, x.pos AS x_pos, s.kn IS NOT NULL AS has_x,
       x.pos IS NOT NULL AND (y.prev_pos IS NULL OR x.pos > y.prev_pos) AS holds
FROM ol_yocc y
ASOF LEFT JOIN ol_xev x ON x.pair_id = y.pair_id AND x.kn = y.kn AND x.pos < y.pos
LEFT JOIN ol_steps s ON s.kn = y.kn AND s.step_id = y.x_step;

CREATE OR REPLACE TEMP TABLE ol_pair_stats AS
SELECT e.pair_id, k.node, count(*) FILTER (WHERE e.has_x) AS support, count(*) FILTER (WHERE e.has_x AND NOT e.holds) AS broken
FROM ol_eval e JOIN ol_kn k USING (kn)
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE ol_violations AS
SELECT v.pair_id, v.kn, v.pos AS break_pos, v.prev_pos, v.k AS cycle, v.x_pos AS last_x_pos, r.pos AS resolved_pos
FROM ol_eval v
ASOF LEFT JOIN ol_xev r ON r.pair_id = v.pair_id AND r.kn = v.kn AND r.pos > v.pos
WHERE NOT v.holds;

SELECT count(*) AS violations FROM ol_violations;
