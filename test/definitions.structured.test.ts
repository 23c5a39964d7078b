/**
 * Definitions on a structured base (issue 11): a user teaches orderline a zap JSON log whose
 * entity is in a field named `tenant` and whose messages need a rule, a logfmt log the same way,
 * and a CSV export; samples are their tests (`formats --check`), detection picks them only for
 * files that carry their fields, ingest fills the columns, and a wrong definition is refused
 * with the JSON path of its mistake.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { orderline, orderlineJson, sqlRows, tempDir } from './helpers/cli.js';

const tmp = tempDir('orderline-structured-defs-');
afterAll(() => tmp.cleanup());

const zap = {
  name: 'ledger-zap',
  description: 'ledgerd zap JSON: the entity in `tenant`, the task in `task`, counts in the message',
  base: 'jsonl',
  fields: { tenant: 'key', task: 'causal_id', svc: 'component', host: 'attrs' },
  rules: [
    { match: '^Loaded metadata: (?<count>\\d+) (?<count_unit>entities)$', set: { op: 'LoadMetadata', phase: 'completed' } },
    { match: '^Enqueued metadata load$', set: { op: 'LoadMetadata', phase: 'queued' } },
  ],
  samples: [
    {
      line: '{"level":"info","ts":1795789801.003,"msg":"Loaded metadata: 239 entities","tenant":"acct/5014","task":"59f76e","svc":"loader","host":"10.0.0.7"}',
      expect: { key: 'acct/5014', causal_id: '59f76e', component: 'loader', op: 'LoadMetadata', phase: 'completed', count: 239, count_unit: 'entities', level: 'INFO', ts: '2026-11-27T14:30:01.003Z', attrs: { host: '10.0.0.7' } },
    },
    {
      line: '{"level":"info","ts":1795789800.5,"msg":"Enqueued metadata load","tenant":"u:91815","task":"07c6d6"}',
      expect: { key: 'u:91815', op: 'LoadMetadata', phase: 'queued' },
    },
  ],
};

const logfmt = {
  name: 'ledger-logfmt',
  base: 'logfmt',
  fields: { tenant: 'key', job: 'causal_id' },
  rules: [{ match: 'version (?<version>\\d+) (?:to|from) (?<peer>\\S+)' }],
  samples: [{
    line: 'ts=2026-11-27T14:30:05.000Z level=info tenant=tenant-190 job=r-3ae1 msg="Repair: received version 9 from r5"',
    expect: { key: 'tenant-190', causal_id: 'r-3ae1', version: 9, peer: 'r5', message: 'Repair: received version 9 from r5' },
  }],
};

const csv = {
  name: 'ledger-csv',
  base: 'csv',
  fields: { Tenant: 'key', Box: 'node', Text: 'message' },
  // the header row is accounted as a reject (contract §3), as ingest does
  samples: [{ lines: ['When,Box,Tenant,Text', '2026-11-27T14:30:00Z,r1,acct/1,Published version 3'], expect: { key: 'acct/1', node: 'r1', message: 'Published version 3', rejects: 1 } }],
};

const formatsDir = join(tmp.dir, 'formats');
mkdirSync(formatsDir);
for (const d of [zap, logfmt, csv]) writeFileSync(join(formatsDir, `${d.name}.json`), JSON.stringify(d, null, 2));

const logs = join(tmp.dir, 'logs');
mkdirSync(join(logs, 'r1'), { recursive: true });
mkdirSync(join(logs, 'r2'), { recursive: true });
mkdirSync(join(logs, 'plain'), { recursive: true });
const zapLog = join(logs, 'r1', 'ledgerd.log');
writeFileSync(zapLog, [
  '{"level":"info","ts":1795789800.5,"msg":"Enqueued metadata load","tenant":"tenant-190","task":"59f76e"}',
  '{"level":"info","ts":1795789801.003,"msg":"Loaded metadata: 239 entities","tenant":"tenant-190","task":"59f76e"}',
  '{"level":"warn","ts":1795789802,"msg":"GC pause 12ms"}',
  '{"level":"info","ts":1795789803,"msg":"Loaded metadata: 240 entities","tenant":"acct/5014","task":"a1b2c3"}',
].join('\n') + '\n');
const logfmtLog = join(logs, 'r2', 'ledgerd.log');
writeFileSync(logfmtLog, [
  'ts=2026-11-27T14:30:05.000Z level=info tenant=tenant-190 job=r-3ae1 msg="Repair: received version 9 from r1"',
  'ts=2026-11-27T14:30:06.000Z level=info tenant=acct/5014 msg="Published acct/5014"',
].join('\n') + '\n');
// a JSON-lines file with none of the fields: plain jsonl, not the definition
const plainLog = join(logs, 'plain', 'other.log');
writeFileSync(plainLog, '{"ts":"2026-11-27T14:30:00Z","msg":"hello","tenant_id":"x"}\n{"ts":"2026-11-27T14:30:01Z","msg":"bye"}\n');

describe('definitions on a structured base (jsonl, logfmt, csv)', () => {
  it('their samples pass formats --check', () => {
    const r = orderlineJson(['formats', '--check', formatsDir]);
    expect(r.status, JSON.stringify(r.doc)).toBe(0);
    expect(r.doc).toMatchObject({ samples: 4, passed: 4, failed: 0 });
  });

  it('detection picks a definition for files carrying its fields, and the plain base for others', () => {
    const pick = (f: string) => orderlineJson(['detect', f, '--formats-dir', formatsDir]).doc;
    expect(pick(zapLog)).toMatchObject({ format: 'ledger-zap', runner_up: { format: 'jsonl' } });
    expect(pick(logfmtLog)).toMatchObject({ format: 'ledger-logfmt' });
    expect(pick(plainLog)).toMatchObject({ format: 'jsonl' });
  });

  it('ingest fills key, causal id, op, phase, count, peer and version from the fields and the rules', () => {
    const db = join(tmp.dir, 'i.duckdb');
    const r = orderlineJson(['ingest', logs, '--db', db, '--formats-dir', formatsDir, '--no-infer']);
    expect(r.status, r.stderr).toBe(0);
    const formats = Object.fromEntries(r.doc.sources.map((s: { path: string; format: string }) => [s.path, s.format]));
    expect(formats).toEqual({ [zapLog]: 'ledger-zap', [logfmtLog]: 'ledger-logfmt', [plainLog]: 'jsonl' });
    const rows = sqlRows(db, `SELECT s.format, e.line, e.node, e.key, e.causal_id, e.op, e.phase, e.count, e.peer, e.peer_direction, e.version
      FROM events e JOIN sources s USING (source_id) WHERE s.format LIKE 'ledger-%' ORDER BY s.format, e.line`);
    expect(rows.map((e) => [e.format, e.line, e.node, e.key, e.causal_id, e.op, e.phase, e.count, e.peer, e.version])).toEqual([
      ['ledger-logfmt', 1, 'r2', 'tenant-190', 'r-3ae1', null, null, null, 'r1', 9],
      ['ledger-logfmt', 2, 'r2', 'acct/5014', null, null, null, null, null, null],
      ['ledger-zap', 1, 'r1', 'tenant-190', '59f76e', 'LoadMetadata', 'queued', null, null, null],
      ['ledger-zap', 2, 'r1', 'tenant-190', '59f76e', 'LoadMetadata', 'completed', 239, null, null],
      ['ledger-zap', 3, 'r1', null, null, null, null, null, null, null],
      ['ledger-zap', 4, 'r1', 'acct/5014', 'a1b2c3', 'LoadMetadata', 'completed', 240, null, null],
    ]);
  });

  it('a wrong expectation fails formats --check with what differed', () => {
    const dir = join(tmp.dir, 'wrong');
    mkdirSync(dir);
    writeFileSync(join(dir, 'z.json'), JSON.stringify({ ...zap, samples: [{ line: zap.samples[0].line, expect: { key: 'acct/9' } }] }));
    const r = orderline(['formats', '--check', dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('key: expected "acct/9", got "acct/5014"');
  });

  it.each([
    [{ name: 'x', base: 'jsonl', line: '^(?<message>.*)$' }, '$.line: "line" is for text definitions'],
    [{ name: 'x', base: 'jsonl', fields: { tenant: 'tenant' } }, '$.fields.tenant: not a column'],
    [{ name: 'x', base: 'xml' }, '$.base'],
    [{ name: 'x', line: '^(?<message>.*)$', fields: { tenant: 'key' } }, '$.fields: "fields" maps the fields of a structured record: it needs "base"'],
    [{ name: 'x' }, '$.line: a definition needs "line"'],
    [{ name: 'x', base: 'logfmt', rules: [{ match: 'a', when: { code: 'Q' } }] }, '$.rules[0].when'],
  ])('refuses %j with the JSON path of the mistake (exit 2)', (def, message) => {
    const dir = join(tmp.dir, `bad-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(def));
    const r = orderline(['formats', '--check', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
