-- name: key_timeline
-- description: Every event of one entity key, across nodes, in time order, with its evidence (file:line).
-- param: key  the entity key
SELECT e.ts, e.node, e.op, e.phase, e.seq, e.level, e.message, s.path || ':' || e.line AS evidence
FROM events e JOIN sources s USING (source_id)
WHERE e.key = getvariable('key')
ORDER BY e.ts NULLS LAST, e.node, e.seq, e.event_id;
