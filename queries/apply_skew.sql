-- name: apply_skew
-- description: orderline skew --apply: fills events.ts_corrected with ts plus the node's estimated clock offset (ts itself for nodes without an estimate), and keeps the estimates in table clock_skew.
-- param: reference  the reference node; empty: the node with most pairs, ties by name
-- requires: skew_pairs
UPDATE events
SET ts_corrected = ts + to_microseconds(coalesce((SELECT s.offset_us FROM node_skew s WHERE s.node = events.node), 0));

CREATE OR REPLACE TABLE clock_skew AS
SELECT *, now()::TIMESTAMP AS computed_at FROM node_skew;

SELECT node, offset_us / 1000.0 AS offset_ms, lower_us / 1000.0 AS lower_ms, upper_us / 1000.0 AS upper_ms,
  pairs, basis, consistent, reference
FROM node_skew
ORDER BY node;
