/**
 * What inference gave the events a report cites, so that every inferred claim names its
 * evidence: "key inferred from parameter 1 of `Enqueued metadata load for <*> (task <*>)`, whose
 * values 45 templates on 5 nodes share". Events whose line carried the field are not explained.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { query } from '../db/rows.js';
import { sqlString as lit } from '../db/sqlText.js';

export interface Explanation {
  /** The event's template (the step, when its op was inferred). */
  template: string;
  /** Set when the key was inferred: which parameter (0: from the operation instance), and the evidence of its role. */
  key: { param: number; evidence: string } | null;
  /** Set when op and phase were inferred: the op, the phase and how it was found. */
  step: { op: string; phase: string | null; phaseFrom: string | null } | null;
  /** Set when the operation came from an operation id: which parameter, and its evidence. */
  operation: { param: number; evidence: string } | null;
}


/** Explanations of the cited events (`source:line` → explanation), for those inference touched. */
export async function explainEvents(conn: DuckDBConnection, cites: readonly { source: string; line: number }[]): Promise<Map<string, Explanation>> {
  const out = new Map<string, Explanation>();
  const have = await query(conn, "SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = 'inferred_events'");
  if (cites.length === 0 || Number(have.rows[0].n) === 0) return out;
  const wanted = cites.map((c) => `(${lit(c.source)}, ${c.line})`).join(', ');
  const r = await query(conn, `
    WITH cited AS (SELECT * FROM (VALUES ${wanted}) v(path, line))
    SELECT s.path, b.line, t.template, t.key_param, t.op_param, t.op, t.phase, t.phase_from,
           b.key IS NULL AND i.key IS NOT NULL AS key_inferred, b.op IS NULL AND t.op IS NOT NULL AS op_inferred,
           kp.evidence AS key_evidence, op.evidence AS op_evidence
    FROM events_base b
    JOIN sources s USING (source_id)
    JOIN cited c ON c.path = s.path AND c.line = b.line
    JOIN inferred_events i USING (event_id)
    JOIN inferred_templates t ON t.template_id = i.template_id
    LEFT JOIN inferred_params kp ON kp.template_id = t.template_id AND kp.param = t.key_param
    LEFT JOIN inferred_params op ON op.template_id = t.template_id AND op.param = t.op_param`);
  for (const x of r.rows) {
    const keyInferred = x.key_inferred === true;
    const opInferred = x.op_inferred === true;
    if (!keyInferred && !opInferred) continue;
    out.set(`${x.path}:${x.line}`, {
      template: String(x.template),
      key: !keyInferred ? null : x.key_param !== null ? { param: Number(x.key_param), evidence: String(x.key_evidence ?? '') }
        : { param: 0, evidence: 'its own line names no key: the key of the other steps of its operation instance (the same operation id on the node)' },
      step: opInferred ? { op: String(x.op), phase: (x.phase as string | null) ?? null, phaseFrom: (x.phase_from as string | null) ?? null } : null,
      operation: opInferred && x.op_param !== null ? { param: Number(x.op_param), evidence: String(x.op_evidence ?? '') } : null,
    });
  }
  return out;
}
