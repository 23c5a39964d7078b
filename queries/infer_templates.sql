-- name: infer_templates
-- description: Inference, step 1: every event with a message, its raw template (first line, variable parts masked)
-- description: and raw parameters (quoted: the line holds a quote, a masked value may keep its quotes), kept in temp table ol_inf_raw; returns each raw template with its number of events.
-- description: Reads events_base, the stored events (orderline makes it a view of them; in the DuckDB shell:
-- description: CREATE TEMP VIEW events_base AS SELECT * FROM events).
-- requires: infer_macros
CREATE OR REPLACE TEMP TABLE ol_inf_raw AS
SELECT event_id, node, ts, ol_raw_template(l) AS raw_template, ol_raw_params(l) AS raw_params,
       strpos(l, '"') > 0 OR strpos(l, '''') > 0 AS quoted
FROM (SELECT event_id, node, ts, ol_first_line(message) AS l FROM events_base WHERE message IS NOT NULL AND node IS NOT NULL);

SELECT raw_template AS template, count(*) AS events FROM ol_inf_raw GROUP BY 1 ORDER BY 2 DESC, 1;
