-- name: infer_apply
-- description: Inference, step 4: what each event gets from its template (ol_inf_troles: the parameter that is the
-- description: key, the operation id, the peer, the version): key, causal_id (the operation id), peer, version. Its op,
-- description: phase and peer_direction are its template's (inferred_templates). A step of an operation whose own line
-- description: names no key takes the key of its instance (the same operation id on the same node).
-- description: Leaves ol_inf_out; orderline keeps it as inferred_events, and events reads through it.
-- requires: infer_macros
CREATE OR REPLACE TEMP TABLE ol_inf_out AS
WITH base AS (
  SELECT e.event_id, e.node, e.template_id, r.op_group,
    CASE WHEN r.key_param IS NOT NULL THEN e.params[r.key_param] END AS key,
    CASE WHEN r.op_param IS NOT NULL THEN e.params[r.op_param] END AS opval,
    CASE WHEN r.peer_param IS NOT NULL THEN e.params[r.peer_param] END AS peer,
    CASE WHEN r.version_param IS NOT NULL THEN TRY_CAST(regexp_replace(e.params[r.version_param], '^[vV]', '') AS BIGINT) END AS version
  FROM ol_inf_ev e LEFT JOIN ol_inf_troles r USING (template_id)
), instance_key AS (
  SELECT op_group, node, opval, min(key) AS key
  FROM base WHERE op_group IS NOT NULL AND opval IS NOT NULL AND key IS NOT NULL
  GROUP BY ALL
)
SELECT b.event_id, b.template_id, coalesce(b.key, i.key) AS key, b.opval AS causal_id,
  -- a peer named by an address the logs tie to a node is that node; the node itself is no peer
  nullif(coalesce(a.node, b.peer), b.node) AS peer, b.version
FROM base b
LEFT JOIN instance_key i ON i.op_group = b.op_group AND i.node = b.node AND i.opval = b.opval
LEFT JOIN ol_inf_addr a ON b.peer IS NOT NULL AND a.host = ol_addr_host(b.peer);
SELECT count(*) AS events, count(o.key) AS keyed, count(s.op) AS with_op FROM ol_inf_out o LEFT JOIN ol_inf_steps s USING (template_id);
