/**
 * The README's main-job command, end to end: `investigate` on the committed free-text sample
 * incident (samples/incident/), with no definition and no option. Everything samples/incident/
 * EXPECTED.json plants is reported, each claim citing its line, and nothing else: the races in a
 * later cycle of two tenants, the lower counts, every repair hop, the trap key (raw state agrees and
 * is wrong) and the last good copy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RealisticExpected } from '../samples/realistic.js';
import { orderline, ROOT, tempDir } from './helpers/cli.js';
import { schemaErrors } from './helpers/reportSchema.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const out = join(tmp.dir, 'report');
const expected: RealisticExpected = JSON.parse(readFileSync(join(ROOT, 'samples', 'incident', 'EXPECTED.json'), 'utf8'));
const run = orderline(['investigate', 'samples/incident/logs', '--replicas', 'samples/incident/replicas', '--out', out, '--format', 'html']);
const cite = (source: string, line: number) => `samples/incident/${source}:${line}`;

describe('orderline investigate on samples/incident (the README command)', () => {
  it('runs clean and names every planted race on the console, with its line', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const f of expected.findings) {
      expect(run.stdout).toMatch(new RegExp(`${f.node}\\s+key ${f.key.replace(/[/:]/g, '\\$&')}: .*\\(${cite(f.first_break.source, f.first_break.line).replace(/[./]/g, '\\$&')}\\)`));
    }
    for (const name of ['report.md', 'report.json', 'report.html', 'trace.json']) expect(existsSync(join(out, name)), name).toBe(true);
  });

  it('report.json holds exactly the planted breaks, lower counts and hops, and validates', () => {
    const doc = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(schemaErrors(doc)).toEqual([]);
    const line = (x: { source: string; line: number }) => `${x.source}:${x.line}`;
    expect(doc.findings.map((f: { first_break: { source: string; line: number } }) => line(f.first_break)).sort())
      .toEqual(expected.findings.map((f) => cite(f.first_break.source, f.first_break.line)).sort());
    for (const f of expected.findings) {
      const g = doc.findings.find((x: { key: string }) => x.key === f.key);
      expect(g.pending.map(line), `pending of ${f.key}`).toEqual(f.pending.map((p) => cite(p.source, p.line)));
      expect(g.cycle).toBe(f.cycle);
    }
    expect(doc.anomalies.map(line).sort()).toEqual(expected.anomalies.map((a) => cite(a.source, a.line)).sort());
    const hops = doc.propagation.flatMap((p: { key: string; hops: { from: string; to: string; version: number }[] }) => p.hops.map((h) => `${p.key} ${h.from}→${h.to} v${h.version}`));
    expect(hops.sort()).toEqual(expected.hops.map((h) => `${h.key} ${h.from}→${h.to} v${h.version}`).sort());
  });

  it('says the trap key is wrong though its replicas agree, and keeps the last good copy', () => {
    const doc = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(expected.trapKeys.length).toBeGreaterThan(0);
    expect(expected.lastGoodCopies.length).toBeGreaterThan(0);
    for (const key of expected.trapKeys) {
      expect(doc.verdicts.find((v: { key: string }) => v.key === key)?.agrees_but_wrong, key).toBe(true);
      expect(md).toContain('**Agreeing is no proof here**');
      const rows = doc.affected.filter((r: { key: string }) => r.key === key);
      expect(rows.map((r: { node: string }) => r.node).sort()).toEqual([...expected.nodes].sort());
    }
    for (const { key, replica } of expected.lastGoodCopies) {
      expect(doc.affected.find((r: { key: string; node: string }) => r.key === key && r.node === replica)?.action).toBe('keep');
      expect(md).toContain(`do not overwrite ${replica}`);
    }
  });
});
