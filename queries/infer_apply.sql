-- name: infer_apply
-- description: Inference, step 4: what each event gets from its template (ol_inf_troles: the parameter that is the
-- description: key, the operation id, the peer, the version): key, causal_id (the operation id), peer, version. Its op,
-- description: phase and peer_direction are its template's (inferred_templates). A step of an operation whose own line
-- description: names no key takes the key of its instance (the same operation id on the same node).
-- description: Leaves ol_inf_out; orderline keeps it as inferred_events, and events reads through it.
-- requires: infer_macros
-- Each event's own parameters first (one pass, no join on events); the two fix-ups below touch only
-- the events they concern.
CREATE OR REPLACE TEMP TABLE ol_inf_out AS
SELECT e.event_id, e.node, e.template_id, r.op_group,
  r.op_group IS NOT NULL AND r.key_param IS NULL AND r.op_param IS NOT NULL AS key_from_instance,
  CASE WHEN r.key_param IS NOT NULL THEN e.params[r.key_param] END AS key,
  CASE WHEN r.op_param IS NOT NULL THEN e.params[r.op_param] END AS causal_id,
  -- the node itself is no peer
  CASE WHEN r.peer_param IS NOT NULL THEN nullif(e.params[r.peer_param], e.node) END AS peer,
  CASE WHEN r.version_param IS NOT NULL THEN TRY_CAST(regexp_replace(e.params[r.version_param], '^[vV]', '') AS BIGINT) END AS version
FROM ol_inf_ev e LEFT JOIN ol_inf_troles r USING (template_id);

-- A step of an operation whose own line names no key takes the key of its instance.
UPDATE ol_inf_out o SET key = i.key
FROM (
  SELECT op_group, node, causal_id, min(key) AS key FROM ol_inf_out
  WHERE key IS NOT NULL AND causal_id IS NOT NULL
    AND op_group IN (SELECT op_group FROM ol_inf_troles WHERE op_group IS NOT NULL AND key_param IS NULL AND op_param IS NOT NULL)
  GROUP BY ALL
) i
WHERE o.key_from_instance AND o.causal_id IS NOT NULL AND i.op_group = o.op_group AND i.node = o.node AND i.causal_id = o.causal_id;

-- A peer named by an address the logs tie to a node is that node (and again no peer if it is this one).
UPDATE ol_inf_out o SET peer = nullif(a.node, o.node)
FROM ol_inf_addr a
WHERE o.peer IS NOT NULL AND a.host = ol_addr_host(o.peer);

SELECT count(*) AS events, count(o.key) AS keyed, count(s.op) AS with_op FROM ol_inf_out o LEFT JOIN ol_inf_steps s USING (template_id);
