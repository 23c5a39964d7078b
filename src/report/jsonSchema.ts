/**
 * The JSON Schema of report.json (and of `investigate --json`), generated from the zod
 * types so the two never drift. `npm run schema` writes it to schemas/report.schema.json;
 * a test checks the shipped file equals what this generates. Objects accept fields the
 * schema does not list, as the contract allows additions.
 */
import { z } from 'zod';
import { reportFile } from './model.js';

export const SCHEMA_PATH = 'schemas/report.schema.json';

export function reportJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(reportFile, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'orderline investigation report',
    description: 'report.json written by `orderline investigate` (contract §7): the documents of replicas, diverge, ' +
      'anomalies, propagation and affected (contract §5) in one, plus meta.',
    ...rest,
  };
}

/** The schema as the shipped file holds it. */
export function reportJsonSchemaText(): string {
  return `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
}
