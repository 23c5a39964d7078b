/** Validates documents against the SHIPPED schemas/report.schema.json (not the generator), with Ajv's 2020-12 dialect. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ROOT } from './cli.js';

export const SHIPPED_SCHEMA_FILE = join(ROOT, 'schemas', 'report.schema.json');

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(readFileSync(SHIPPED_SCHEMA_FILE, 'utf8')));

/** The schema's complaints about a document, as `path message` lines (empty when it validates). */
export function schemaErrors(doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}
