-- name: apply_skew
-- description: orderline skew --apply: fills events.ts_corrected with ts plus the node's estimated clock offset, and keeps the estimates in table clock_skew (with an applied column). Only offsets proven by send/receive pairs are applied unless include_causal is true: an offset from shared causal ids mixes clock skew with the delay between the two nodes' first events. Other nodes keep ts.
-- param: reference  the reference node; empty: the node with most pairs, ties by name
-- param: include_causal  also apply offsets whose basis is causal_id (default false)
-- requires: skew_pairs
CREATE OR REPLACE TABLE clock_skew AS
SELECT *,
  offset_us IS NOT NULL AND (basis IN ('reference', 'send_receive') OR getvariable('include_causal')::BOOLEAN) AS applied,
  now()::TIMESTAMP AS computed_at
FROM node_skew;

UPDATE events
SET ts_corrected = ts + to_microseconds(coalesce((SELECT c.offset_us FROM clock_skew c WHERE c.node = events.node AND c.applied), 0));

SELECT node, offset_us / 1000.0 AS offset_ms, lower_us / 1000.0 AS lower_ms, upper_us / 1000.0 AS upper_ms,
  pairs, basis, consistent, reference, applied
FROM clock_skew
ORDER BY node;
