import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportJsonSchemaText } from '../src/report/jsonSchema.js';
import { reportFileOf } from '../src/report/model.js';
import { cleanModel, incidentModel } from './fixtures/incidentModel.js';
import { schemaErrors, SHIPPED_SCHEMA_FILE } from './helpers/reportSchema.js';

describe('schemas/report.schema.json', () => {
  it('is what the zod types generate (run `npm run schema` after changing them)', () => {
    expect(readFileSync(SHIPPED_SCHEMA_FILE, 'utf8')).toBe(reportJsonSchemaText());
  });

  it('requires the six documents of contract §7', () => {
    const schema = JSON.parse(readFileSync(SHIPPED_SCHEMA_FILE, 'utf8'));
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toEqual(['replicas', 'invariants', 'findings', 'anomalies', 'propagation', 'affected']);
  });

  it('accepts the report of an incident and of a clean run', () => {
    expect(schemaErrors(reportFileOf(incidentModel()))).toEqual([]);
    expect(schemaErrors(reportFileOf(cleanModel()))).toEqual([]);
  });

  it('accepts fields it does not list (the contract allows additions)', () => {
    const doc = reportFileOf(incidentModel()) as any;
    doc.findings[0].note = 'extra';
    doc.extra = 1;
    expect(schemaErrors(doc)).toEqual([]);
  });

  it('rejects a document missing a required field or with a wrong type, naming where', () => {
    const noFindings = reportFileOf(incidentModel()) as any;
    delete noFindings.findings;
    expect(schemaErrors(noFindings)).toEqual(["/ must have required property 'findings'"]);
    const badLine = reportFileOf(incidentModel()) as any;
    badLine.findings[0].first_break.line = '4791';
    expect(schemaErrors(badLine)).toEqual(['/findings/0/first_break/line must be integer']);
    const badClass = reportFileOf(incidentModel()) as any;
    badClass.replicas.keys[0].class = 'odd';
    expect(schemaErrors(badClass)[0]).toBe('/replicas/keys/0/class must be equal to one of the allowed values');
  });
});
