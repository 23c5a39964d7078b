/** `npm run schema`: writes schemas/report.schema.json from the zod types of report.json. */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportJsonSchemaText, SCHEMA_PATH } from '../src/report/jsonSchema.js';

const here = dirname(fileURLToPath(import.meta.url));
// Compiled to dist/scripts/: the project root is two levels up.
const root = resolve(here, '..', '..');
const target = join(root, SCHEMA_PATH);
writeFileSync(target, reportJsonSchemaText());
process.stdout.write(`wrote ${SCHEMA_PATH}\n`);
