-- name: infer_templates
-- description: Inference, step 1: every event with a message, its raw template (first line, variable parts masked)
-- description: and raw parameters (quoted: the line holds a quote, a masked value may keep its quotes), kept in temp table ol_inf_raw; returns each raw template with its number of events (the max_templates most frequent).
-- description: Reads events_base, the stored events (orderline makes it a view of them; in the DuckDB shell:
-- description: CREATE TEMP VIEW events_base AS SELECT * FROM events).
-- param: max_templates  raw templates merged and judged at most, the most frequent first (default 100000)
-- requires: infer_macros
-- The max_templates most frequent raw templates go on to be merged and judged; in a log where nearly
-- every message is a template of its own (word salad, unmasked ids) the rest are left out: their
-- events keep what their lines say. `total` is how many raw templates there were. (Counted in a
-- table of its own, then cut with a top-N: both spill to disk, where a window over tens of millions
-- of templates ran out of memory at 10 GB.) The templates are counted from the events, before
-- ol_inf_raw exists: counted from ol_inf_raw, 38 M distinct templates ran out of memory at 10 GB while
-- that table (some GB) held the buffer pool too. The masking runs twice for it.
CREATE OR REPLACE TEMP TABLE ol_inf_rawt AS
SELECT ol_raw_template(ol_first_line(message)) AS raw_template, count(*) AS events
FROM events_base WHERE message IS NOT NULL AND node IS NOT NULL
GROUP BY 1;
CREATE OR REPLACE TEMP TABLE ol_inf_top AS
SELECT raw_template AS template, events, (SELECT count(*) FROM ol_inf_rawt) AS total
FROM ol_inf_rawt ORDER BY events DESC, raw_template LIMIT getvariable('max_templates')::BIGINT;
DROP TABLE temp.main.ol_inf_rawt;

CREATE OR REPLACE TEMP TABLE ol_inf_raw AS
SELECT event_id, node, ts, ol_raw_template(l) AS raw_template, ol_raw_params(l) AS raw_params,
       strpos(l, '"') > 0 OR strpos(l, '''') > 0 AS quoted
FROM (SELECT event_id, node, ts, ol_first_line(message) AS l FROM events_base WHERE message IS NOT NULL AND node IS NOT NULL);

SELECT template, events, total FROM ol_inf_top ORDER BY events DESC, template;
