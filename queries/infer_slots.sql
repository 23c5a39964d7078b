-- name: infer_slots
-- description: Inference, step 2: each event's parameters as its canonical template reads them (ol_inf_map, from
-- description: step 1's raw templates with the specialised ones folded in), and what the values of each template
-- description: parameter (a slot) look like: how many events, values and nodes; which share are plain numbers,
-- description: measures (12ms, 4KB, 53%), network addresses, node names or versions (v8); which share come back on a node.
-- description: Leaves ol_inf_ev, ol_inf_pv, ol_inf_slots (returned), ol_inf_overlap and ol_inf_pairs (see infer.ts).
-- param: sample_values  a slot with more values than this is compared with other large ones on a hashed eighth of its values (default 20000)
-- requires: infer_macros
CREATE OR REPLACE TEMP TABLE ol_inf_ev AS
SELECT r.event_id, r.node, r.ts, m.template_id,
       -- most raw templates are their canonical one and hold no quoted value: their parameters as masked
       CASE WHEN m.identity AND NOT r.quoted THEN r.raw_params
            ELSE list_transform(range(1, len(m.src_raw) + 1), i -> ol_norm(coalesce(r.raw_params[m.src_raw[i]], m.src_lit[i]))) END AS params
FROM ol_inf_raw r JOIN ol_inf_map m USING (raw_template);
DROP TABLE ol_inf_raw;

-- Each slot's values per node with their number of events (the events' parameters are not kept one row each).
CREATE OR REPLACE TEMP TABLE ol_inf_pv AS
SELECT template_id, param, node, value, count(*) AS n
FROM (SELECT template_id, node, unnest(params) AS value, unnest(range(1, len(params) + 1)) AS param FROM ol_inf_ev WHERE len(params) > 0)
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE ol_inf_nodes AS SELECT DISTINCT node FROM events_base WHERE node IS NOT NULL;

CREATE OR REPLACE TEMP TABLE ol_inf_slots AS
WITH kinds AS (
  SELECT p.*,
    regexp_full_match(value, '[-+]?[0-9]+([.,][0-9]+)?') AS is_number,
    regexp_full_match(value, '~?[-+]?[0-9]+([.,][0-9]+)?\s?([a-zA-Zµ]{1,3}|%)') AS is_measure,
    -- IPv4 (with a port), [IPv6]:port, a dotted host name or localhost with a port (not u:84727, a key)
    regexp_full_match(value, '/?([0-9]{1,3}\.){3}[0-9]{1,3}(:[0-9]{1,5})?|\[[0-9a-fA-F:]+\](:[0-9]{1,5})?|[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)+:[0-9]{1,5}|localhost:[0-9]{1,5}') AS is_address,
    regexp_full_match(value, '[vV][0-9]+') AS is_vnum,
    value IN (SELECT node FROM ol_inf_nodes) AS is_node
  FROM ol_inf_pv p
)
SELECT template_id, param,
  sum(n)::BIGINT AS events,
  count(DISTINCT value)::BIGINT AS "values",
  count(DISTINCT node)::INTEGER AS nodes,
  sum(n) FILTER (WHERE is_number) / sum(n) AS numeric,
  sum(n) FILTER (WHERE is_measure) / sum(n) AS measure,
  sum(n) FILTER (WHERE is_address) / sum(n) AS address,
  sum(n) FILTER (WHERE is_node) / sum(n) AS node_name,
  sum(n) FILTER (WHERE is_vnum) / sum(n) AS vnum,
  count(*) FILTER (WHERE n > 1) / count(*) AS recur
FROM kinds GROUP BY ALL;

-- Slots that may hold identifiers (not numbers, measures, addresses or node names).
CREATE OR REPLACE TEMP TABLE ol_inf_idslots AS
SELECT template_id, param FROM ol_inf_slots
WHERE coalesce(numeric, 0) < 0.5 AND coalesce(measure, 0) < 0.5 AND coalesce(address, 0) < 0.5
  AND coalesce(node_name, 0) < 0.5 AND coalesce(vnum, 0) < 0.5;

-- Values shared between two such slots, on the same node (ids each node counts for itself
-- collide across nodes without being the same thing). A value found in very many slots (a word, a
-- constant) links nothing. Two large slots (over sample_values values each) are compared on the values whose
-- hash falls in one eighth, the same values in every slot, and their count scaled back; a large slot
-- keeps every value a small one holds, so a pair with a small slot is counted exactly.
CREATE OR REPLACE TEMP TABLE ol_inf_overlap AS
WITH ids AS (
  SELECT template_id, param, s."values" > getvariable('sample_values')::BIGINT AS big FROM ol_inf_slots s SEMI JOIN ol_inf_idslots USING (template_id, param)
), all_v AS (
  SELECT v.template_id, v.param, v.node, v.value, i.big, hash(v.value) % 8 = 0 AS picked
  FROM ol_inf_pv v JOIN ids i USING (template_id, param)
), small_v AS (
  SELECT DISTINCT node, value FROM all_v WHERE NOT big
), sv AS (
  SELECT * FROM all_v WHERE NOT big OR picked
  UNION ALL
  SELECT a.* FROM all_v a SEMI JOIN small_v s USING (node, value) WHERE a.big AND NOT a.picked
), common AS (
  SELECT value FROM (SELECT DISTINCT template_id, param, value FROM sv) GROUP BY value HAVING count(*) > 64
)
SELECT a.template_id AS ta, a.param AS pa, b.template_id AS tb, b.param AS pb,
  (CASE WHEN any_value(a.big AND b.big) THEN 8 * count(DISTINCT a.value) FILTER (WHERE a.picked)
        ELSE count(DISTINCT a.value) END)::BIGINT AS shared
FROM sv a JOIN sv b ON a.node = b.node AND a.value = b.value
 AND (a.template_id < b.template_id OR (a.template_id = b.template_id AND a.param < b.param))
WHERE a.value NOT IN (SELECT value FROM common)
GROUP BY ALL HAVING shared > 0;

-- How two identifier slots of one template pair up within its events, per node (a node's own ids),
-- read from each event's parameter list (no join of parameters on events).
CREATE OR REPLACE TEMP TABLE ol_inf_pairs AS
WITH slot_pairs AS (
  SELECT a.template_id, a.param AS pa, b.param AS pb
  FROM ol_inf_idslots a JOIN ol_inf_idslots b ON b.template_id = a.template_id AND b.param > a.param
), seen AS (
  SELECT p.template_id, p.pa, p.pb, e.node, e.params[p.pa] AS va, e.params[p.pb] AS vb
  FROM ol_inf_ev e JOIN slot_pairs p USING (template_id) GROUP BY ALL
)
SELECT template_id, pa, pb, count(*)::BIGINT AS pairs, count(DISTINCT (node, va))::BIGINT AS va, count(DISTINCT (node, vb))::BIGINT AS vb
FROM seen GROUP BY ALL;

SELECT s.*, t.template FROM ol_inf_slots s JOIN ol_inf_templates t USING (template_id) ORDER BY template_id, param;
