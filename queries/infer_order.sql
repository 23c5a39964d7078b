-- name: infer_order
-- description: Inference, step 3: each operation step's mean place (1 = first) within the instances of its operation
-- description: (one operation id on one node), from ol_inf_ops (template → operation-id parameter and kind), for the
-- description: order of an operation's steps and the phase of a step whose verb names none.
-- param: sample_events  an operation with more step events than this is ranked on the instances whose hash falls in one eighth (default 500000)
-- requires: infer_macros
WITH kinds AS (
  SELECT o.op_kind, sum(s.events) > getvariable('sample_events')::BIGINT AS big
  FROM ol_inf_ops o JOIN ol_inf_slots s ON s.template_id = o.template_id AND s.param = o.op_param GROUP BY 1
), oe AS (
  SELECT e.template_id, o.op_kind, e.node, e.params[o.op_param] AS opval, e.ts, e.event_id
  FROM ol_inf_ev e JOIN ol_inf_ops o USING (template_id) JOIN kinds k USING (op_kind)
  WHERE NOT k.big OR hash(e.node, e.params[o.op_param]) % 8 = 0
)
SELECT template_id, avg(rk)::DOUBLE AS rank, count(*)::BIGINT AS events
FROM (SELECT template_id, row_number() OVER (PARTITION BY op_kind, node, opval ORDER BY ts NULLS LAST, event_id) AS rk FROM oe)
GROUP BY 1 ORDER BY 1;
