/**
 * `orderline formats --check` over the built-in definitions in parsers/ (this is how CI
 * runs them): every definition validates, has samples, and every sample passes.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { orderline, orderlineJson, ROOT } from './helpers/cli.js';

/** The formats the issue asks for, by the name orderline gives them. */
const REQUIRED = [
  'log4j', 'logback', 'cassandra', 'kafka', 'zookeeper', 'hadoop', 'spark', 'hdfs', 'openstack', 'elasticsearch',
  'scylla', 'cockroach', 'syslog', 'syslog-rfc5424', 'apache-error', 'bgl', 'hpc', 'thunderbird', 'klog', 'shiviz',
];

describe('orderline formats --check (parsers/)', () => {
  it('passes every sample of every built-in definition', () => {
    const { status, doc, stderr } = orderlineJson(['formats', '--check']);
    expect(status, stderr).toBe(0);
    const files = readdirSync(join(ROOT, 'parsers')).filter((f) => f.endsWith('.json'));
    expect(doc.definitions).toHaveLength(files.length);
    expect(doc.failed).toBe(0);
    for (const d of doc.definitions) expect({ name: d.name, samples: d.samples > 0 }).toEqual({ name: d.name, samples: true });
    expect(doc.passed).toBe(doc.samples);
    const names = doc.definitions.map((d: { name: string }) => d.name);
    for (const r of REQUIRED) expect(names).toContain(r);
  });

  it('prints a table and a summary without --json', () => {
    const r = orderline(['formats', '--check', join(ROOT, 'parsers')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^log4j\s+parsers\/log4j\.json\s+\d+\s+\d+\s+ok$/m);
    expect(r.stdout).toMatch(/\d+ definitions, \d+ samples, 0 failed\n$/);
  });

  it('formats lists the built-ins and the definitions, each once', () => {
    const { doc } = orderlineJson(['formats']);
    const names: string[] = doc.formats.map((f: { name: string }) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of ['jsonl', 'logfmt', 'json', 'otlp', 'text', ...REQUIRED]) expect(names).toContain(n);
    expect(doc.formats.find((f: { name: string }) => f.name === 'klog')).toMatchObject({ file: 'parsers/klog.json', priority: 10 });
  });
});
