-- name: infer_order
-- description: Inference, step 3: each operation step's mean place (1 = first) within the instances of its operation
-- description: (one operation id on one node), from ol_inf_ops (template → operation-id parameter and kind), for the
-- description: order of an operation's steps and the phase of a step whose verb names none.
-- requires: infer_macros
SELECT e.template_id, avg(rk)::DOUBLE AS rank, count(*)::BIGINT AS events
FROM (
  SELECT e.template_id,
         row_number() OVER (PARTITION BY o.op_kind, e.node, e.params[o.op_param] ORDER BY e.ts NULLS LAST, e.event_id) AS rk
  FROM ol_inf_ev e JOIN ol_inf_ops o USING (template_id)
) e
GROUP BY 1 ORDER BY 1;
