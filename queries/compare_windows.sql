-- name: compare_windows
-- description: Compares a healthy window with a fault window, per service: events, errors and warnings (with the error count the healthy error rate would predict), distinct templates, templates new in the fault window (and how many of them are errors or warnings), the first error in the fault window. Windows are chosen by source file path (LIKE patterns); service = node with its Kubernetes pod suffix removed. Sorted by excess errors, then new error templates.
-- param: healthy  LIKE pattern of the healthy window's source paths (default %construct%)
-- param: fault  LIKE pattern of the fault window's source paths (default %rca%)
-- param: service_suffix  regex removed from node to name its service; Kubernetes pod suffix by default (default -[a-z0-9]{6,10}-[a-z0-9]{5}$)
--
-- Level: the level column, else a level word at the start of the message (after at most
-- one token, such as a time), which is where Java and Go apps print it inside a container's
-- log line (Nezha's TrainTicket lines: "17:20:29.294 ERROR o.a.c.c.C ...").

CREATE OR REPLACE TEMP TABLE cw_events AS
WITH w AS (
  SELECT
    CASE WHEN s.path LIKE getvariable('healthy') THEN 'healthy' ELSE 'fault' END AS win,
    regexp_replace(e.node, getvariable('service_suffix'), '') AS service,
    e.node, e.ts, e.template, s.path AS source, e.line, e.level,
    upper(regexp_extract(e.message, '^(?:\S+\s+)?(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)\b', 1)) AS word
  FROM events e JOIN sources s USING (source_id)
  WHERE e.node IS NOT NULL
    AND (s.path LIKE getvariable('healthy') OR s.path LIKE getvariable('fault'))
)
SELECT * EXCLUDE (level, word),
  coalesce(level, CASE word WHEN '' THEN NULL WHEN 'WARNING' THEN 'WARN' ELSE word END) AS level
FROM w;

CREATE OR REPLACE TEMP TABLE cw_new_templates AS
SELECT f.service, f.template, count(*) AS events, bool_or(f.level IN ('ERROR', 'FATAL', 'WARN')) AS problem
FROM cw_events f
WHERE f.win = 'fault' AND f.template IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM cw_events h WHERE h.win = 'healthy' AND h.service = f.service AND h.template = f.template)
GROUP BY f.service, f.template;

WITH per AS (
  SELECT service,
    string_agg(DISTINCT node, ' ' ORDER BY node) AS nodes,
    count(*) FILTER (WHERE win = 'healthy') AS healthy_events,
    count(*) FILTER (WHERE win = 'fault') AS fault_events,
    count(*) FILTER (WHERE win = 'healthy' AND level IN ('ERROR', 'FATAL')) AS healthy_errors,
    count(*) FILTER (WHERE win = 'fault' AND level IN ('ERROR', 'FATAL')) AS fault_errors,
    count(*) FILTER (WHERE win = 'healthy' AND level = 'WARN') AS healthy_warns,
    count(*) FILTER (WHERE win = 'fault' AND level = 'WARN') AS fault_warns,
    count(DISTINCT template) FILTER (WHERE win = 'healthy') AS healthy_templates,
    count(DISTINCT template) FILTER (WHERE win = 'fault') AS fault_templates,
    min(ts) FILTER (WHERE win = 'fault' AND level IN ('ERROR', 'FATAL')) AS first_fault_error_ts,
    arg_min(source || ':' || line, ts) FILTER (WHERE win = 'fault' AND level IN ('ERROR', 'FATAL')) AS first_fault_error
  FROM cw_events
  GROUP BY service
), news AS (
  SELECT service, count(*) AS new_templates, count(*) FILTER (WHERE problem) AS new_problem_templates,
    arg_max(template, (problem, events)) AS top_new_template
  FROM cw_new_templates
  GROUP BY service
)
SELECT p.service, p.nodes,
  p.healthy_events, p.fault_events,
  p.healthy_errors, p.fault_errors,
  round(p.fault_errors - CASE WHEN p.healthy_events > 0 THEN p.healthy_errors * p.fault_events / p.healthy_events ELSE 0 END, 1) AS excess_errors,
  p.healthy_warns, p.fault_warns,
  p.healthy_templates, p.fault_templates,
  coalesce(n.new_templates, 0) AS new_templates,
  coalesce(n.new_problem_templates, 0) AS new_error_templates,
  p.first_fault_error_ts, p.first_fault_error,
  n.top_new_template
FROM per p LEFT JOIN news n USING (service)
ORDER BY excess_errors DESC, new_error_templates DESC, new_templates DESC, p.service;
